#!/usr/bin/env python3
"""summary.py R1.fq.gz R2.fq.gz SAMPLE.bam SAMPLE.vcf.gz — the demo's one-line summary:
reads, mapped %, variants by type.  Standard library only: FASTQ records are
counted by lines, the BAM (BGZF = concatenated gzip members) is decoded just
enough to read each record's flag, and the VCF's REF/ALT give the type."""
import gzip
import struct
import sys


def fastq_reads(path):
    with gzip.open(path, 'rb') as f:
        return sum(1 for _ in f) // 4


def bam_counts(path):
    """(primary records, primary records mapped)"""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'BAM\x01':
        raise SystemExit(f'summary: {path}: not a BAM file')
    (l_text,) = struct.unpack_from('<i', data, 4)
    off = 8 + l_text
    (n_ref,) = struct.unpack_from('<i', data, off)
    off += 4
    for _ in range(n_ref):
        (l_name,) = struct.unpack_from('<i', data, off)
        off += 4 + l_name + 4
    total = mapped = 0
    while off + 4 <= len(data):
        (size,) = struct.unpack_from('<i', data, off)
        (flag,) = struct.unpack_from('<H', data, off + 4 + 14)
        off += 4 + size
        if flag & 0x900:  # secondary or supplementary
            continue
        total += 1
        if not flag & 0x4:
            mapped += 1
    return total, mapped


def vcf_types(path):
    counts = {'SNP': 0, 'indel': 0, 'other': 0}
    with gzip.open(path, 'rt') as f:
        for line in f:
            if line.startswith('#'):
                continue
            ref, alts = line.split('\t', 5)[3:5]
            for alt in alts.split(','):
                if len(ref) == 1 and len(alt) == 1:
                    counts['SNP'] += 1
                elif len(ref) != len(alt) and alt[0] not in '<*':
                    counts['indel'] += 1
                else:
                    counts['other'] += 1
    return counts


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    r1, r2, bam, vcf = sys.argv[1:]
    reads = fastq_reads(r1) + fastq_reads(r2)
    total, mapped = bam_counts(bam)
    v = vcf_types(vcf)
    pct = 100.0 * mapped / total if total else 0.0
    print(f'summary: {reads} reads ({total} in BAM), {pct:.2f}% mapped; '
          f'{sum(v.values())} variant alleles: {v["SNP"]} SNP, {v["indel"]} indel, {v["other"]} other; '
          f'VCF {vcf}')


if __name__ == '__main__':
    main()
