#!/usr/bin/env python3
"""Build a small test case for call-variants with known answers.

Writes into OUTDIR: ref.fa, truth.vcf (the calls expected, as applied,
not normalised), reads.sam (reads from the two haplotypes of each contig, with
true CIGARs; indels in repeats placed at their right end on purpose).

Contigs:
  c1  40x: het SNP, hom SNP, 1/2 multi-allelic SNP, het insertion in an A
      homopolymer, hom deletion in a T homopolymer, het deletion with a het
      SNP 6 bp after it on the same haplotype, het 2-bp deletion in a CA repeat
  c2  one read deep, with a hom SNP: too little evidence for a call
  c3  a hom SNP seen only in reads flagged as duplicates (0x400)
  c4  a SNP at 601 seen only by the two overlapping mates of one fragment
      (one observation: no call), and one at 901 seen by two unpaired reads
      (two observations: called)
  c5  40x: a het 3-bp deletion, and 12 more reads of its haplotype that end 5-10 bp
      after it aligned without it (mismatches at their ends, as an aligner leaves
      them): the deletion is called, no SNP from those read ends
  c6  phase: a sure het SNP Y at 501 (ALT on haplotype 0, 6 reads of each haplotype)
      and 2 of 10 reads showing a SNP X at 541, both from haplotype 0, as a het with
      few ALT reads looks: called (its reads fall on one haplotype of Y)
  c7  the same, but X's 2 ALT reads come one from each haplotype, as coincident
      sequencing errors look: not called
"""
import random
import sys

out = sys.argv[1]
rng = random.Random(20241124)
BASES = "ACGT"


def rand_seq(n):
    return [rng.choice(BASES) for _ in range(n)]


def other(b, avoid=()):
    return next(x for x in "ACGT" if x != b and x not in avoid)


def put(seq, pos, s, before, after):
    """Write run s at pos, with bases different from the run around it."""
    for i, c in enumerate(s):
        seq[pos + i] = c
    seq[pos - 1] = before
    seq[pos + len(s)] = after


ref = {}
c1 = rand_seq(2400)
put(c1, 900, "AAAAAAAA", "C", "G")
put(c1, 1100, "TTTTTTTT", "G", "C")
put(c1, 1700, "CACACACA", "T", "G")
# keep the deletion-near-SNP site free of repeats
for i, c in enumerate("GTCAGGTACCTGAGTC"):
    c1[1296 + i] = c
ref["c1"] = c1
ref["c2"] = rand_seq(1200)
ref["c3"] = rand_seq(1200)
ref["c4"] = rand_seq(1200)
c5 = rand_seq(1200)
# the deletion (600-602) and bases after it that differ from the ones 3 further on
for i, c in enumerate("GATCCAGTCAGTCAGGTAC"):
    c5[597 + i] = c
ref["c5"] = c5
ref["c6"] = rand_seq(1200)
ref["c7"] = list(ref["c6"])

# variants: (contig, 0-based pos, ref allele, alt allele, haplotypes carrying it)
V = []
s = ref["c1"]
V.append(("c1", 300, s[300], other(s[300]), (0,)))
V.append(("c1", 500, s[500], other(s[500]), (0, 1)))
a1 = other(s[700]); a2 = other(s[700], (a1,))
V.append(("c1", 700, s[700], a1, (0,)))
V.append(("c1", 700, s[700], a2, (1,)))
V.append(("c1", 907, "A", "AA", (0,)))            # insertion at the right end of A8
V.append(("c1", 1106, "TT", "T", (0, 1)))         # deletion at the right end of T8
V.append(("c1", 1300, "".join(s[1300:1305]), s[1300], (1,)))  # 4-bp deletion
V.append(("c1", 1310, s[1310], other(s[1310]), (1,)))        # SNP 6 bp after it
V.append(("c1", 1705, "ACA", "A", (1,)))          # CA deletion not left-aligned
s = ref["c2"]
V.append(("c2", 600, s[600], other(s[600]), (0, 1)))
s = ref["c3"]
V.append(("c3", 600, s[600], other(s[600]), ()))   # only in duplicates
s = ref["c5"]
V.append(("c5", 599, "".join(s[599:603]), s[599], (0,)))  # 3-bp deletion after 599


def haplotype(name, h):
    """Sequence of haplotype h and, per base, its reference coordinate (None if inserted)."""
    r = ref[name]
    vs = sorted((v for v in V if v[0] == name and h in v[4]), key=lambda v: v[1])
    seq, coord, i = [], [], 0
    for _, pos, ra, aa, _ in vs:
        while i < pos:
            seq.append(r[i]); coord.append(i); i += 1
        # shared prefix, then the rest
        k = 0
        while k < min(len(ra), len(aa)) and ra[k] == aa[k]:
            seq.append(r[i]); coord.append(i); i += 1; k += 1
        for c in aa[k:]:
            if len(aa) > len(ra) or len(ra) == len(aa):
                seq.append(c); coord.append(None if len(aa) > len(ra) else i)
                if len(ra) == len(aa): i += 1
        i = pos + len(ra)
    while i < len(r):
        seq.append(r[i]); coord.append(i); i += 1
    return seq, coord


def cigar_of(coord):
    ops = []
    def add(op, n=1):
        if ops and ops[-1][0] == op: ops[-1][1] += n
        else: ops.append([op, n])
    lead = 0
    while lead < len(coord) and coord[lead] is None: lead += 1
    trail = 0
    while trail < len(coord) - lead and coord[len(coord) - 1 - trail] is None: trail += 1
    if lead: add("S", lead)
    prev = None
    for c in coord[lead:len(coord) - trail]:
        if c is None: add("I"); continue
        if prev is not None and c > prev + 1: add("D", c - prev - 1)
        add("M"); prev = c
    if trail: add("S", trail)
    start = coord[lead]
    return start, "".join(f"{n}{op}" for op, n in ops)


L = 100
reads = []
for name in ("c1", "c2", "c3", "c5"):
    for h in (0, 1):
        seq, coord = haplotype(name, h)
        step = 5 if name != "c2" else 200
        for st in range(h * (step // 2 if name != "c2" else 100), len(seq) - L + 1, step):
            c = coord[st:st + L]
            if all(x is None for x in c): continue
            pos, cig = cigar_of(c)
            reads.append((name, pos, cig, "".join(seq[st:st + L]), 0))
# c5: haplotype-0 reads ending 5-10 bp after the deletion, aligned without it
seq5, coord5 = haplotype("c5", 0)
after = coord5.index(603)  # first base after the deletion on the haplotype
for k in range(5, 11):
    for _ in range(2):
        st = after + k - L
        reads.append(("c5", coord5[st], f"{L}M", "".join(seq5[st:st + L]), 0))
# c6, c7: explicit reads around Y (500) and X (540), 0-based
phase_reads = []
for name in ("c6", "c7"):
    r = ref[name]
    y_alt, x_alt = other(r[500]), other(r[540])
    def rd(st, hap, x):
        s = list(r[st:st + L])
        if hap == 0: s[500 - st] = y_alt
        if x: s[540 - st] = x_alt
        return "".join(s)
    # reads over Y only (start 401-440): 4 per haplotype
    for i, st in enumerate((405, 415, 425, 435)):
        phase_reads.append((name, st, f"{L}M", rd(st, 0, False), 0))
        phase_reads.append((name, st + 2, f"{L}M", rd(st + 2, 1, False), 0))
    # reads over Y and X (start 441-500): haplotype 0: 2, haplotype 1: 8
    alt_haps = (0, 0) if name == "c6" else (0, 1)
    hap0 = (445, 470)
    hap1 = (443, 450, 457, 463, 468, 476, 483, 490)
    for i, st in enumerate(hap0):
        phase_reads.append((name, st, f"{L}M", rd(st, 0, i == 0 or alt_haps[1] == 0), 0))
    for i, st in enumerate(hap1):
        phase_reads.append((name, st, f"{L}M", rd(st, 1, name == "c7" and i == 0), 0))
reads += phase_reads
# c3: normal reads show the reference; duplicate-flagged reads show the SNP
r3 = ref["c3"]
for st in range(560, 600, 4):
    s = list(r3[st:st + L]); s[600 - st] = [v for v in V if v[0] == "c3"][0][3]
    reads.append(("c3", st, f"{L}M", "".join(s), 0x400))

# c4: no other reads
r4 = ref["c4"]
def alt_read(st, at):
    s = list(r4[st:st + L]); s[at - st] = other(r4[at]); return "".join(s)
pair = [("c4", 550, f"{L}M", alt_read(550, 600), 0x1 | 0x2 | 0x20 | 0x40, "=", 561),
        ("c4", 560, f"{L}M", alt_read(560, 600), 0x1 | 0x2 | 0x10 | 0x80, "=", 551)]
singles = [("c4", 850, f"{L}M", alt_read(850, 900), 0), ("c4", 860, f"{L}M", alt_read(860, 900), 0)]

with open(f"{out}/ref.fa", "w") as f:
    for name, s in ref.items():
        f.write(f">{name}\n")
        for i in range(0, len(s), 60): f.write("".join(s[i:i + 60]) + "\n")
with open(f"{out}/truth.vcf", "w") as f:
    f.write("##fileformat=VCFv4.2\n")
    for name, s in ref.items(): f.write(f"##contig=<ID={name},length={len(s)}>\n")
    f.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
    f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n")
    for name, pos, ra, aa, hs in sorted(V, key=lambda v: (v[0], v[1])):
        if name != "c1": continue  # c2, c3: no call expected
        gt = "1/1" if len(hs) == 2 else "0/1"
        f.write(f"{name}\t{pos + 1}\t.\t{ra}\t{aa}\t.\t.\t.\tGT\t{gt}\n")
with open(f"{out}/reads.sam", "w") as f:
    f.write("@HD\tVN:1.6\tSO:unsorted\n")
    for name, s in ref.items(): f.write(f"@SQ\tSN:{name}\tLN:{len(s)}\n")
    f.write("@RG\tID:rg1\tSM:S1\n")
    for i, (name, pos, cig, seq, flag) in enumerate(reads + singles):
        flag |= 16 if i % 2 else 0
        f.write(f"r{i}\t{flag}\t{name}\t{pos + 1}\t60\t{cig}\t*\t0\t0\t{seq}\t{'?' * len(seq)}\tRG:Z:rg1\n")
    for name, pos, cig, seq, flag, mref, mpos in pair:
        f.write(f"pair1\t{flag}\t{name}\t{pos + 1}\t60\t{cig}\t{mref}\t{mpos}\t{L + 10 if flag & 0x40 else -(L + 10)}\t{seq}\t{'?' * len(seq)}\tRG:Z:rg1\n")
