#!/usr/bin/env python3
"""Reads of mixed lengths (50-250 bp) from a real reference, with truth.

    gen_mixed.py REF.fa OUTDIR [SEED]

Writes OUTDIR/se.fq (single-end reads, lengths drawn from 50..250),
OUTDIR/m1.fq + m2.fq (pairs whose two mates have independent lengths,
fragments 300-600 bp, FR) and OUTDIR/truth.tsv: name, mate (0 for
single-end), contig, 1-based leftmost true position.  Reads carry 1%
substitutions and, one read in five, a 1-4 bp indel in their middle.
Reads overlapping an N are not drawn.
"""
import random
import sys

COMP = str.maketrans("ACGTN", "TGCAN")


def rc(s):
    return s.translate(COMP)[::-1]


def read_fasta(path):
    seqs, name = {}, None
    for line in open(path):
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = []
        else:
            seqs[name].append(line.strip().upper())
    return {k: "".join(v) for k, v in seqs.items()}


def mutate(rnd, s):
    s = list(s)
    for i in range(len(s)):
        if rnd.random() < 0.01:
            s[i] = rnd.choice([c for c in "ACGT" if c != s[i]])
    if rnd.random() < 0.2:
        m = len(s) // 2
        k = rnd.randint(1, 4)
        if rnd.random() < 0.5:
            del s[m:m + k]
        else:
            s[m:m] = [rnd.choice("ACGT") for _ in range(k)]
    return "".join(s)


def main():
    ref = read_fasta(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    names = sorted(ref)
    truth = open(out + "/truth.tsv", "w")

    def draw(n):
        while True:
            c = rnd.choice(names)
            if len(ref[c]) <= n + 10:
                continue
            p = rnd.randrange(0, len(ref[c]) - n - 5)
            s = ref[c][p:p + n + 5]
            if "N" not in s:
                return c, p

    with open(out + "/se.fq", "w") as f:
        for i in range(600):
            n = rnd.randint(50, 250)
            c, p = draw(n)
            s = mutate(rnd, ref[c][p:p + n])[:n]
            rev = rnd.random() < 0.5
            f.write("@se%d\n%s\n+\n%s\n" % (i, rc(s) if rev else s, "I" * len(s)))
            truth.write("se%d\t0\t%s\t%d\n" % (i, c, p + 1))
    with open(out + "/m1.fq", "w") as f1, open(out + "/m2.fq", "w") as f2:
        for i in range(400):
            n1, n2, frag = rnd.randint(50, 250), rnd.randint(50, 250), rnd.randint(300, 600)
            c, p = draw(frag)
            a = mutate(rnd, ref[c][p:p + n1])[:n1]
            b = mutate(rnd, ref[c][p + frag - n2:p + frag])[-n2:]
            f1.write("@pr%d\n%s\n+\n%s\n" % (i, a, "I" * len(a)))
            f2.write("@pr%d\n%s\n+\n%s\n" % (i, rc(b), "I" * len(b)))
            truth.write("pr%d\t1\t%s\t%d\n" % (i, c, p + 1))
            truth.write("pr%d\t2\t%s\t%d\n" % (i, c, p + frag - len(b) + 1))


if __name__ == "__main__":
    main()
