#!/usr/bin/env python3
"""Unusual but valid inputs for sort-index and call-variants (stdlib only).

make_unusual.py DIR writes into DIR:
  ref.fa      contigs c1 (3000 bp: a lowercase stretch, an N run, IUPAC codes),
              HLA-A*01:01:01:01, chr1:1-5 (a literal name), tiny (1 bp),
              noreads, deep, mq255, chr1 (no reads either), edge
  reads.sam   reads over every contig but noreads: hom SNPs at c1:501,
              c1:1051 (in the lowercase stretch), HLA-A*01:01:01:01:401,
              chr1:1-5:251, deep:401, mq255:301 and a het SNP at c1:2601;
              on c1 single reads with N, P, =, X, H, leading/trailing I and
              D, all soft clip, all insertion, SEQ '*', QUAL '*', MAPQ 255,
              placed unmapped, secondary/supplementary/QC-fail/duplicate
              flags, length 1, over the contig end, overlapping mates of
              different lengths; 6000 reads over deep:401 (both strands);
              every read of mq255 with MAPQ 255 and QUAL '*'; on edge a hom
              deletion of its 3rd base and a hom insertion after its 3rd-last
  rg.sam      two read groups of two samples (SA, SB); the c1 reads carry
              RG:Z:a, the chr1:1-5 reads no RG tag
  empty.sam   the header alone
  reorder.sam reads.sam with the @SQ lines in reverse order
  truth.txt   the SNPs of reads.sam, "CHROM POS REF ALT GT" lines
"""
import os
import random
import sys

D = sys.argv[1]
random.seed(11)
CONTIGS = [("c1", 3000), ("HLA-A*01:01:01:01", 1000), ("chr1:1-5", 600), ("tiny", 1),
           ("noreads", 500), ("deep", 1000), ("mq255", 600), ("chr1", 200), ("edge", 300)]
HOM = {"c1": [500, 1050], "HLA-A*01:01:01:01": [400], "chr1:1-5": [250], "deep": [400], "mq255": [300]}
HET = {"c1": [2600]}


def rnd(n):
    return "".join(random.choice("ACGT") for _ in range(n))


def alt(b):
    return {"A": "C", "C": "G", "G": "T", "T": "A"}[b.upper()]


seqs = {n: rnd(l) for n, l in CONTIGS}
# edge: its 3rd base unlike its neighbours, the inserted base unlike those
# around it (no other place for either indel)
e = seqs["edge"]
third = [b for b in "ACGT" if b not in (e[1], e[3])][0]
ins = [b for b in "ACGT" if b not in (e[-3], e[-2])][0]
seqs["edge"] = e[:2] + third + e[3:]
s = list(seqs["c1"])
for i in range(1000, 1100):
    s[i] = s[i].lower()
for i in range(1500, 1550):
    s[i] = "N"
s[2000], s[2001], s[2002] = "R", "Y", "k"
seqs["c1"] = "".join(s)
with open(os.path.join(D, "ref.fa"), "w") as f:
    for n, _ in CONTIGS:
        f.write(">%s some description\n" % n)
        for i in range(0, len(seqs[n]), 60):
            f.write(seqs[n][i:i + 60] + "\n")


def hap(name, h):
    x = list(seqs[name].upper())
    for p in HOM.get(name, []):
        x[p] = alt(x[p])
    for p in HET.get(name, []) if h == 1 else []:
        x[p] = alt(x[p])
    return "".join(x)


recs = []


def rec(name, flag, ctg, pos1, mapq, cigar, seq, qual=None, rnext="*", pnext=0, tlen=0, tags=()):
    if qual is None:
        qual = "I" * len(seq) if seq != "*" else "*"
    recs.append("\t".join([name, str(flag), ctg, str(pos1), str(mapq), cigar, rnext, str(pnext),
                           str(tlen), seq, qual] + list(tags)))


n = 0
for name, length in CONTIGS:
    if name in ("noreads", "tiny", "deep", "chr1", "edge"):
        continue
    for h in (0, 1):
        x = hap(name, h)
        for st in range(0, length - 100, 5):
            r = x[st:st + 100]
            if "N" in r:
                continue
            n += 1
            if name == "mq255":
                rec("r%d" % n, 16 if n % 2 else 0, name, st + 1, 255, "100M", r, "*")
            else:
                rec("r%d" % n, 16 if n % 2 else 0, name, st + 1, 60, "100M", r)
c = hap("c1", 0)
odd = [("nskip", 0, 60, "50M200N50M", c[599:649] + c[849:899]), ("pad", 0, 60, "25M2P25M", c[599:649]),
       ("eqx", 0, 60, "30=1X19=", c[599:629] + alt(c[629]) + c[630:649]),
       ("hard", 0, 60, "5H50M5H", c[599:649]), ("leadI", 0, 60, "3I47M", "ACG" + c[599:646]),
       ("trailI", 0, 60, "47M3I", c[599:646] + "ACG"), ("leadD", 0, 60, "2D48M", c[601:649]),
       ("trailD", 0, 60, "48M2D", c[599:647]), ("clipD", 0, 60, "5S2D43M", "AAAAA" + c[601:644]),
       ("allS", 0, 60, "50S", c[599:649]), ("allI", 0, 60, "50I", c[599:649]),
       ("mq255", 0, 255, "50M", c[599:649]), ("placedun", 4, 0, "*", c[599:649]),
       ("placedun2", 4, 0, "50M", c[599:649]), ("secondary", 256, 60, "50M", c[599:649]),
       ("supplementary", 2048, 60, "50M", c[599:649]), ("qcfail", 512, 60, "50M", c[599:649]),
       ("duplicate", 1024, 60, "50M", c[599:649])]
for name, flag, mapq, cigar, seq in odd:
    rec(name, flag, "c1", 600, mapq, cigar, seq)
rec("noseq", 0, "c1", 600, 60, "50M", "*", "*")
rec("noqual", 0, "c1", 600, 60, "50M", c[599:649], "*")
rec("len1", 0, "c1", 650, 60, "1M", c[649])
rec("len1s", 0, "c1", 650, 60, "1S", c[649])
rec("endover", 0, "c1", 2971, 60, "50M", c[2970:] + "A" * 20)
rec("endlast", 0, "c1", 3000, 60, "1M", c[2999])
t = seqs["tiny"]
for name, cigar, seq in (("tiny1", "1M", t), ("tiny2", "1M5S", t + "ACGTA"), ("tiny3", "5S1M", "ACGTA" + t),
                         ("tinyI", "1M2I", t + "AC"), ("tinyD", "1M2D1M", t + "A")):
    rec(name, 0, "tiny", 1, 60, cigar, seq)
for i in range(6):
    rec("mate%d" % i, 99, "c1", 1200, 60, "100M", c[1199:1299], rnext="=", pnext=1230, tlen=100)
    rec("mate%d" % i, 147, "c1", 1230, 60, "50M", c[1229:1279], rnext="=", pnext=1200, tlen=-100)
# edge: the 3rd base deleted, a base inserted after the 3rd-last (reads
# from the contig's ends, both strands)
e = seqs["edge"]
for i in range(20):
    r = e[0:2] + e[3:101]
    rec("edgeL%d" % i, 16 if i % 2 else 0, "edge", 1, 60, "2M1D98M", r)
    r = e[-101:-2] + ins + e[-2:]
    rec("edgeR%d" % i, 16 if i % 2 else 0, "edge", len(e) - 100, 60, "99M1I2M", r)
d = hap("deep", 0)
for i in range(6000):
    rec("deep%d" % i, 16 if i % 2 else 0, "deep", 351, 60, "100M", d[350:450])


def header(order):
    return ["@HD\tVN:1.6\tSO:unsorted"] + ["@SQ\tSN:%s\tLN:%d" % (n, l) for n, l in order]


def write(name, lines):
    with open(os.path.join(D, name), "w") as f:
        f.write("\n".join(lines) + "\n")


write("reads.sam", header(CONTIGS) + recs)
write("empty.sam", header(CONTIGS))
write("reorder.sam", header(list(reversed(CONTIGS))) + recs)
rg = []
for r in recs:
    f = r.split("\t")
    if f[2] == "c1" and f[0].startswith("r"):
        rg.append(r + "\tRG:Z:a")
    elif f[2] == "chr1:1-5":
        rg.append(r)
write("rg.sam", header(CONTIGS) + ["@RG\tID:a\tSM:SA", "@RG\tID:b\tSM:SB"] + rg)
with open(os.path.join(D, "truth.txt"), "w") as f:
    for name, _ in CONTIGS:
        if name == "edge":
            f.write("edge 2 %s %s 1/1\n" % (e[1:3], e[1]))
            f.write("edge %d %s %s 1/1\n" % (len(e) - 2, e[-3], e[-3] + ins))
        for p, gt in sorted([(p, "1/1") for p in HOM.get(name, [])] + [(p, "0/1") for p in HET.get(name, [])]):
            b = seqs[name][p].upper()
            f.write("%s %d %s %s %s\n" % (name, p + 1, b, alt(b), gt))
