#!/usr/bin/env python3
"""Generate a small reference and read pairs with known true positions for
the align integration tests.

    gen_reads.py OUTDIR [SEED]

Writes OUTDIR/ref.fa (3 contigs: a header with spaces, a lower-case stretch,
an N run, a 600 bp segment present twice), r1.fq / r2.fq (2x100), and
OUTDIR/truth.tsv: name, mate, contig, 1-based leftmost true position,
strand, class, expected edits.  Classes: bg (background pairs, 0.3% errors),
exact, snp, indel, rev, ncall (read with N), edge (read runs off a contig
end), repeat (both mates inside the duplicated segment), rescue (mate 2 has a
mismatch every 8 bases: no exact 19-mer), chim (mate 1 joins two contigs).
"""
import random
import sys

COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def rc(s):
    return s.translate(COMP)[::-1]


def main():
    out = sys.argv[1]
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    L, FRAG, SD = 100, 300, 25
    names = ["chrA", "chrB", "chrC"]
    lens = [60000, 40000, 30000]
    seqs = ["".join(rnd.choice("ACGT") for _ in range(n)) for n in lens]
    a = list(seqs[0])
    for i in range(20000, 20500):
        a[i] = "N"
    seqs[0] = "".join(a)
    seg = seqs[0][30000:30600]
    seqs[2] = seqs[2][:10000] + seg + seqs[2][10600:]
    b = seqs[1]
    seqs[1] = b[:1000] + b[1000:3000].lower() + b[3000:]
    with open(f"{out}/ref.fa", "w") as f:
        headers = ["chrA first contig, with spaces", "chrB", "chrC\tlast one"]
        for h, s in zip(headers, seqs):
            f.write(f">{h}\n")
            for i in range(0, len(s), 70):
                f.write(s[i:i + 70] + "\n")
    up = [s.upper() for s in seqs]
    avoid = {0: [(19800, 20700), (29700, 30900)], 2: [(9700, 10900)]}
    reads = []  # (name, r1, r2, truth rows)

    def qual(n):
        return "".join(rnd.choice("?@ABCDEFGHI") for _ in range(n))

    def mutate(s, rate):
        s = list(s)
        for i in range(len(s)):
            if rnd.random() < rate:
                s[i] = rnd.choice([c for c in "ACGT" if c != s[i]])
        return "".join(s)

    def pair(name, c, start, frag, cls, r1=None, r2=None, e1="", e2="", swap=False):
        """fragment [start, start+frag) of contig c; mate 1 forward at start,
        mate 2 reverse ending at start+frag (swap: mate 1 is the reverse one)."""
        s1 = r1 if r1 is not None else up[c][start:start + L]
        s2 = r2 if r2 is not None else rc(up[c][start + frag - L:start + frag])
        t1 = (names[c], start + 1, "+", cls, e1)
        t2 = (names[c], start + frag - L + 1, "-", cls, e2)
        if swap:
            s1, s2 = s2, s1
            t1, t2 = t2, t1
            e1, e2 = e2, e1
        reads.append((name, s1, s2, [t1, t2]))

    n_bg = 0
    while n_bg < 1500:
        c = rnd.choice([0, 0, 1, 2])
        frag = int(rnd.gauss(FRAG, SD))
        st = rnd.randrange(50, lens[c] - frag - 50)
        if any(st < e and st + frag > s for s, e in avoid.get(c, [])):
            continue
        fwd = up[c][st:st + L]
        rev = rc(up[c][st + frag - L:st + frag])
        pair(f"bg{n_bg}", c, st, frag, "bg", mutate(fwd, 0.003), mutate(rev, 0.003), swap=rnd.random() < 0.5)
        n_bg += 1
    # planted cases
    pair("exact1", 1, 5000, 320, "exact")
    s = list(up[1][8000:8100])
    for i in (10, 50, 90):
        s[i] = "A" if s[i] != "A" else "C"
    pair("snp1", 1, 8000, 300, "snp", r1="".join(s), e1="NM3")
    # deletion of 3 bases at read offset 50: read = ref[0:50] + ref[53:103]
    r = up[2][15000:15050] + up[2][15053:15103]
    pair("del1", 2, 15000, 310, "indel", r1=r, e1="D3")
    # insertion of 2 bases at offset 60
    r = up[0][40000:40060] + "GT" + up[0][40060:40098]
    pair("ins1", 0, 40000, 290, "indel", r1=r, e1="I2")
    pair("rev1", 0, 45000, 300, "rev", swap=True)
    r = list(up[0][47000:47100])
    for i in (5, 6, 40, 77):
        r[i] = "N"
    pair("ncall1", 0, 47000, 300, "ncall", r1="".join(r), e1="NM4")
    # mate 2 runs 30 bases past the end of chrB: reverse mate covering the end
    tail = up[1][lens[1] - 70:] + "".join(rnd.choice("ACGT") for _ in range(30))
    pair("edge1", 1, lens[1] + 30 - 300, 300, "edge", r2=rc(tail), e2="clip")
    # both mates inside the duplicated segment (chrA 30000..30600 == chrC 10000..10600)
    pair("repeat1", 0, 30100, 350, "repeat")
    # mate 2 with a mismatch every 8th base: no 19-mer seed survives
    m2 = list(rc(up[1][25000 + 300 - L:25000 + 300]))
    for i in range(3, L, 8):
        m2[i] = "A" if m2[i] != "A" else "C"
    pair("rescue1", 1, 25000, 300, "rescue", r2="".join(m2))
    # chimera: mate 1 = 60 bases of chrA 50000 + 40 bases of chrC 20000
    r = up[0][50000:50060] + up[2][20000:20040]
    pair("chim1", 0, 50000, 300, "chim", r1=r)
    # different read order for the planted ones so they are not all at the end
    rnd.shuffle(reads)
    with open(f"{out}/r1.fq", "w") as f1, open(f"{out}/r2.fq", "w") as f2, open(f"{out}/truth.tsv", "w") as ft:
        for name, s1, s2, tr in reads:
            f1.write(f"@{name}/1 extra comment\n{s1}\n+\n{qual(len(s1))}\n")
            f2.write(f"@{name}/2\n{s2}\n+\n{qual(len(s2))}\n")
            for mate, t in zip((1, 2), tr):
                ft.write("\t".join(map(str, (name, mate) + t)) + "\n")


if __name__ == "__main__":
    main()
