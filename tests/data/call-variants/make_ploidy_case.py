#!/usr/bin/env python3
"""Build a male chrX case for call-variants --ploidy (haploid truth).

Writes into OUTDIR: ref.fa (contig X, 2,701,000 bp: GRCh37's PAR1 ends at
2,699,520), reads.sam (single-end 100 bp reads, 0.5% base errors, ~30x
around each site, read group SM=S1) and truth.txt (1-based POS, the
genotype expected for a male with --ploidy GRCh37).

Sites:
  2699000  PAR1 (diploid): 60% ALT reads -> 0/1
  2700000  non-PAR: every read ALT -> 1
  2700300  non-PAR: 65% ALT, 35% REF (reads of a paralog placed here) -> 1,
           where a diploid caller says 0/1
"""
import random
import sys

out = sys.argv[1]
rng = random.Random(20241201)
L = 2701000
ref = rng.choices("ACGT", k=L)
sites = [(2699000, 0.60, "0/1"), (2700000, 1.00, "1"), (2700300, 0.65, "1")]
alt = {}
for pos, _, _ in sites:
    alt[pos] = next(b for b in "ACGT" if b != ref[pos - 1])

with open(f"{out}/ref.fa", "w") as f:
    f.write(">X\n")
    s = "".join(ref)
    for i in range(0, L, 60):
        f.write(s[i:i + 60] + "\n")

RL = 100
with open(f"{out}/reads.sam", "w") as f:
    f.write(f"@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:X\tLN:{L}\n@RG\tID:rg1\tSM:S1\n")
    n = 0
    for pos, frac, _ in sites:
        for k in range(60):
            start = pos - rng.randint(5, RL - 5)  # 1-based start covering pos
            carries = rng.random() < frac
            seq = []
            for p in range(start, start + RL):
                b = alt[p] if (p in alt and carries and p == pos) else ref[p - 1]
                if rng.random() < 0.005:
                    b = rng.choice([x for x in "ACGT" if x != b])
                seq.append(b)
            flag = 16 if k % 2 else 0
            n += 1
            f.write(f"r{n}\t{flag}\tX\t{start}\t60\t{RL}M\t*\t0\t0\t{''.join(seq)}\t{'?' * RL}\tRG:Z:rg1\n")

with open(f"{out}/truth.txt", "w") as f:
    for pos, _, gt in sites:
        f.write(f"{pos} {gt}\n")
