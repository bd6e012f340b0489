#!/usr/bin/env python3
"""Damaged and unusual copies of a gVCF of the make_case.py case, for joint.

Usage: edit_gvcf.py IN.g.vcf.gz OUTDIR
Writes OUTDIR/NAME.vcf (plain text) for each NAME below, from IN (a gVCF of
call-variants --gvcf whose variant records include c1:301 G>A and c1:501 C>A).

Refused by joint (exit 2): ctg-length (c1's length changed), ctg-none (no
##contig lines), past-end (a record at c7:5000 of 1200), end-before-pos,
end-past (END past the contig), pl-negative, plain (no INFO/END declared: not
a gVCF), end-string (INFO/END declared a String: no blocks), unsorted, alt100 (100 ALT alleles), same-sample (sample renamed S1).
Accepted: crlf (CRLF line ends), symbolic (<DEL>, '*' and a breakend at
c1:301, PL for 0/1 of <DEL>), pl-count (c1:301's GT is diploid, its PL count haploid),
huge-ad-dp (AD and DP of 2^31-1), header-only, pl-missing (PL '.' at
c1:301), overlap (the block after c1:301 runs over 501 and 701 to 800).
"""
import gzip
import os
import sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with gzip.open(src, 'rt') as f:
    lines = f.read().splitlines()
hdr = [l for l in lines if l.startswith('#')]
body = [l for l in lines if not l.startswith('#')]


def write(name, h, b, nl='\n'):
    with open(os.path.join(out, name + '.vcf'), 'w', newline='') as f:
        f.write(nl.join(h + b) + nl)


def at(pos, fn, b=None):
    """body with the record at c1:pos replaced by fn(fields)"""
    res = []
    for l in (b or body):
        x = l.split('\t')
        res.append('\t'.join(fn(x)) if x[0] == 'c1' and x[1] == str(pos) else l)
    return res


def fmt(x, keys, val):
    return x[:8] + [keys, val]


write('ctg-length', [l.replace('##contig=<ID=c1,length=2400>', '##contig=<ID=c1,length=2500>') for l in hdr], body)
write('ctg-none', [l for l in hdr if not l.startswith('##contig')], body)
write('past-end', hdr, body + ['c7\t5000\t.\tA\tC,<*>\t50\tPASS\t.\tGT:GQ:DP:AD:PL\t0/1:50:30:15,15,0:50,0,50,90,90,180'])
write('end-before-pos', hdr, at(302, lambda x: x[:7] + ['END=100'] + x[8:]))
write('end-past', hdr, at(302, lambda x: x[:7] + ['END=2000000000'] + x[8:]))
write('pl-negative', hdr, at(301, lambda x: fmt(x, 'GT:GQ:DP:AD:PL', '0/1:99:40:20,20,0:-544,0,552,606,591,1182')))
write('plain', [l for l in hdr if not l.startswith('##INFO=<ID=END,')], body)
write('end-string', [l.replace('<ID=END,Number=1,Type=Integer', '<ID=END,Number=1,Type=String') for l in hdr], body)
i = next(k for k, l in enumerate(body) if l.startswith('c1\t501\t'))
write('unsorted', hdr, body[:i] + [body[i + 1], body[i]] + body[i + 2:])
alts = ','.join('A' + 'C' * k for k in range(1, 101)) + ',<*>'
write('alt100', hdr, at(301, lambda x: x[:4] + [alts] + x[5:8] + ['GT:DP', '0/1:40']))
write('same-sample', hdr[:-1] + ['\t'.join(hdr[-1].split('\t')[:9] + ['S1'])], body)
write('crlf', hdr, body, nl='\r\n')
sym = at(301, lambda x: x[:4] + ['<DEL>,*,G]c2:100],<*>'] + x[5:8] +
         ['GT:GQ:DP:AD:PL', '0/1:99:40:20,20,0,0,0:500,0' + ',500' * 13])
write('symbolic', hdr, sym)
write('pl-count', hdr, at(301, lambda x: fmt(x, 'GT:GQ:DP:AD:PL', '0/1:99:40:20,20,0:544,0,552')))
big = 2147483647
huge = at(301, lambda x: fmt(x, 'GT:GQ:AD:PL', '0/1:99:%d,%d,5:544,0,552,606,591,1182' % (big, big)))
write('huge-ad-dp', hdr, at(501, lambda x: fmt(x, 'GT:GQ:DP:AD:PL', '1/1:99:%d:0,40,0:1329,120,0,1333,120,1337' % big), huge))
write('header-only', hdr, [])
write('pl-missing', hdr, at(301, lambda x: fmt(x, 'GT:GQ:DP:AD:PL', '0/1:99:40:20,20,0:.')))
write('overlap', hdr, at(302, lambda x: x[:7] + ['END=800'] + x[8:]))
