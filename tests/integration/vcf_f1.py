#!/usr/bin/env python3
"""vcf_f1.py TRUTH.vcf[.gz] CALLS.vcf[.gz] — precision, recall and F1 of the
calls against a truth set, per type (SNP, indel), matching alleles on
CHROM, POS, REF and ALT.  Both files should be normalised the same way first
(bcftools norm -f REF -m -any: left-aligned, one ALT per line).  Calls whose
FILTER is neither PASS nor '.' are ignored; genotypes are not compared.
Prints one line per type: TYPE tp=N fp=N fn=N precision=X recall=X f1=X"""
import gzip
import sys


def alleles(path, calls):
    out = {'SNP': set(), 'indel': set()}
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        for line in f:
            if line.startswith('#'):
                continue
            col = line.rstrip('\n').split('\t')
            if calls and col[6] not in ('PASS', '.'):
                continue
            chrom, pos, ref = col[0], int(col[1]), col[3].upper()
            for alt in col[4].upper().split(','):
                if alt in ('*', '.') or alt.startswith('<'):
                    continue
                if len(ref) == 1 and len(alt) == 1:
                    out['SNP'].add((chrom, pos, ref, alt))
                elif len(ref) != len(alt):
                    out['indel'].add((chrom, pos, ref, alt))
    return out


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    truth, calls = alleles(sys.argv[1], False), alleles(sys.argv[2], True)
    for kind in ('SNP', 'indel'):
        t, c = truth[kind], calls[kind]
        tp, fp, fn = len(t & c), len(c - t), len(t - c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        print(f'{kind} tp={tp} fp={fp} fn={fn} precision={prec:.4f} recall={rec:.4f} f1={f1:.4f}')


if __name__ == '__main__':
    main()
