#!/usr/bin/env python3
"""report_peers.py KIND OURS.json PEER-OUTPUT... — compare gsa metrics with
the peers' numbers for the quantities they share; print each comparison,
exit 1 on the first difference.  Kinds:
  flagstat ALIGN.json FLAGSTAT.json       samtools flagstat -O json: every count
  stats    ALIGN.json STATS.txt           samtools stats SN counts, error rate, IS bins
  sortcnt  SORT.json FLAGSTAT.json        sort-index counts vs flagstat
  depth    SORT.json DEPTH.txt            samtools depth -aa: per contig sum/covered, histogram
  bcftools CALLS.json STATS.txt           bcftools stats -s -: SN, TSTV, PSC, IDD, QUAL
  sum      MERGED.json PART.json...       merge's metrics = the sum of the parts'"""
import json
import math
import sys
from collections import Counter

bad = 0


def eq(what, ours, theirs, tol=0.0):
    global bad
    same = abs(ours - theirs) <= tol if tol else ours == theirs
    print(f"{'same' if same else 'DIFFERENT'}: {what}: gsa {ours}, peer {theirs}")
    if not same:
        bad = 1


def sn_lines(path, tag):
    for line in open(path):
        if line.startswith(tag + '\t'):
            yield line.rstrip('\n').split('\t')


def flagstat(ours, peer):
    f = json.load(open(ours))['flagstat']
    p = json.load(open(peer))['QC-passed reads']
    pairs = {'total': 'total', 'primary': 'primary', 'secondary': 'secondary', 'supplementary': 'supplementary',
             'duplicates': 'duplicates', 'primary_duplicates': 'primary duplicates', 'mapped': 'mapped',
             'primary_mapped': 'primary mapped', 'paired': 'paired in sequencing', 'read1': 'read1', 'read2': 'read2',
             'properly_paired': 'properly paired', 'with_mate_mapped': 'with itself and mate mapped',
             'singletons': 'singletons', 'mate_other_chr': 'with mate mapped to a different chr',
             'mate_other_chr_mapq5': 'with mate mapped to a different chr (mapQ >= 5)'}
    for k, pk in pairs.items():
        eq(f'flagstat {pk}', f[k], p[pk])


def stats(ours, peer):
    d = json.load(open(ours))
    s = d['summary']
    sn = {f[1].rstrip(':'): f[2] for f in sn_lines(peer, 'SN')}
    for k, pk in [('reads', 'raw total sequences'), ('mapped', 'reads mapped'),
                  ('properly_paired', 'reads properly paired'), ('bases_total', 'total length'),
                  ('bases_mapped_cigar', 'bases mapped (cigar)'), ('mismatches', 'mismatches')]:
        eq(f'stats {pk}', s[k], int(sn[pk]))
    eq('stats reads mapped and paired', d['flagstat']['with_mate_mapped'], int(sn['reads mapped and paired']))
    eq('stats reads unmapped', s['reads'] - s['mapped'], int(sn['reads unmapped']))
    eq('stats 1st fragments', d['flagstat']['read1'], int(sn['1st fragments']))
    eq('stats last fragments', d['flagstat']['read2'], int(sn['last fragments']))
    eq('stats non-primary alignments', d['flagstat']['secondary'], int(sn['non-primary alignments']))
    eq('stats supplementary alignments', d['flagstat']['supplementary'], int(sn['supplementary alignments']))
    eq('stats reads duplicated', d['flagstat']['primary_duplicates'], int(sn['reads duplicated']))
    eq('stats MQ0', d['mapq_hist'][0] if d['mapq_hist'] else 0, int(sn['reads MQ0']))
    # error rate as samtools prints it (%e: 7 significant digits)
    eq('stats error rate', float(f"{s['error_rate']:.6e}"), float(sn['error rate']), tol=float(sn['error rate']) * 2e-6)
    # IS: samtools prints insert sizes up to where 99% of pairs are; every bin it prints equals ours
    h = d['insert_hist']
    peer_is = {int(f[1]): int(f[2]) for f in sn_lines(peer, 'IS')}
    top = max(k for k, v in peer_is.items()) if peer_is else 0
    diff = [(k, h[k] if k < len(h) else 0, v) for k, v in peer_is.items() if 0 < k < len(h) - 1 and (h[k] if k < len(h) else 0) != v]
    eq(f'stats IS pairs per insert size 1..{top} (bins that differ)', diff, [])


def sortcnt(ours, peer):
    s = json.load(open(ours))['summary']
    p = json.load(open(peer))['QC-passed reads']
    for k, pk in [('records', 'total'), ('primary', 'primary'), ('mapped', 'mapped'), ('primary_mapped', 'primary mapped'),
                  ('paired', 'paired in sequencing'), ('properly_paired', 'properly paired'),
                  ('duplicates', 'duplicates'), ('primary_duplicates', 'primary duplicates')]:
        eq(f'sort-index {k} vs flagstat {pk}', s[k], p[pk])


def depth(ours, peer):
    c = json.load(open(ours))['coverage']
    per = {}
    hist = Counter()
    for line in open(peer):
        name, _, d = line.split('\t')
        d = int(d)
        t = per.setdefault(name, [0, 0, 0])
        t[0] += 1
        t[1] += d
        t[2] += d > 0
        hist[min(d, c['hist_max'])] += 1
    for ctg in c['contigs']:
        n, s, cov = per.get(ctg['name'], [0, 0, 0])
        eq(f"depth {ctg['name']} positions", ctg['length'], n)
        eq(f"depth {ctg['name']} sum of depths", ctg['depth_sum'], s)
        eq(f"depth {ctg['name']} positions covered", ctg['bases_covered'], cov)
        eq(f"depth {ctg['name']} mean (2 decimals)", round(ctg['mean_depth'], 2), round(s / n, 2) if n else 0)
    eq('depth histogram', {i: v for i, v in enumerate(c['hist']) if v}, dict(hist))


def bcftools(ours, peer):
    d = json.load(open(ours))
    s = d['summary']
    sn = {f[2].rstrip(':'): int(f[3]) for f in sn_lines(peer, 'SN')}
    for k, pk in [('records', 'number of records'), ('snps', 'number of SNPs'), ('mnps', 'number of MNPs'),
                  ('indels', 'number of indels'), ('others', 'number of others'),
                  ('multiallelic', 'number of multiallelic sites'), ('multiallelic_snps', 'number of multiallelic SNP sites')]:
        eq(f'bcftools {pk}', s[k], sn[pk])
    ts = next(sn_lines(peer, 'TSTV'))
    eq('bcftools ts', s['transitions'], int(ts[2]))
    eq('bcftools tv', s['transversions'], int(ts[3]))
    eq('bcftools ts/tv (2 decimals)', round(s['ts_tv'], 2), float(ts[4]))
    psc = next(sn_lines(peer, 'PSC'))
    eq('bcftools PSC nRefHom', s['snp_hom_ref'], int(psc[3]))
    eq('bcftools PSC nNonRefHom', s['snp_hom_alt'], int(psc[4]))
    eq('bcftools PSC nHets', s['snp_het'], int(psc[5]))
    eq('bcftools PSC nIndels', s['indels'], int(psc[8]))
    lo = d['indel_len_min']
    ours_idd = {lo + i: v for i, v in enumerate(d['indel_len_hist']) if v}
    peer_idd = {int(f[2]): int(f[3]) for f in sn_lines(peer, 'IDD')}
    eq('bcftools IDD indel lengths', ours_idd, peer_idd)
    q = Counter()
    for f in sn_lines(peer, 'QUAL'):
        q[min(math.floor(float(f[2])), d['qual_hist_max'])] += int(f[3]) + int(f[6])
    eq('bcftools QUAL records per integer QUAL', {i: v for i, v in enumerate(d['qual_hist']) if v}, dict(q))


def total(merged, parts):
    m = json.load(open(merged))
    ps = [json.load(open(p)) for p in parts]
    for k in m['summary']:
        if isinstance(m['summary'][k], int):
            eq(f'merge {k} = sum of parts', m['summary'][k], sum(p['summary'][k] for p in ps))
    for k in ('indel_len_hist',):
        eq(f'merge {k} = sum of parts', m[k], [sum(x) for x in zip(*(p[k] for p in ps))])


kind = sys.argv[1]
if kind == 'sum':
    total(sys.argv[2], sys.argv[3:])
else:
    {'flagstat': flagstat, 'stats': stats, 'sortcnt': sortcnt, 'depth': depth, 'bcftools': bcftools}[kind](sys.argv[2], sys.argv[3])
sys.exit(bad)
