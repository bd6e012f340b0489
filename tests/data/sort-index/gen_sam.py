#!/usr/bin/env python3
"""Write a synthetic, unsorted SAM to stdout for sort-index tests.

gen_sam.py N_PAIRS N_CONTIGS SEED [LONG_CONTIG_LEN]

Covers: many contigs, pairs in random order, ties (same contig, position and
strand), both strands, pairs with one unmapped mate placed at its mate's
position, fully unmapped pairs (no position), secondary and supplementary
records sharing a name, names whose natural and byte orders differ
("r9" < "r10", leading zeros), and optional aux tags.  With LONG_CONTIG_LEN a
contig longer than BAI can index is added and some reads land past 2^29.
"""
import random
import sys


QUALS = "".join(chr(c) for c in range(35, 74))


def main():
    n_pairs, n_contigs, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    long_len = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    rnd = random.Random(seed)
    contigs = [("ctg%d" % i, rnd.randint(5000, 200000)) for i in range(n_contigs)]
    if long_len:
        contigs.append(("big", long_len))
    out = sys.stdout
    out.write("@HD\tVN:1.6\tSO:unsorted\n")
    for name, ln in contigs:
        out.write("@SQ\tSN:%s\tLN:%d\n" % (name, ln))
    out.write("@RG\tID:g1\tSM:s1\n@PG\tID:gen\tPN:gen_sam.py\n")

    def seq(n):
        return "".join(rnd.choices("ACGT", k=n))

    def rec(qn, flag, rname, pos, mapq, cigar, rnext, pnext, tlen, s, tags):
        q = "*" if s == "*" else "".join(rnd.choices(QUALS, k=len(s)))
        fields = [qn, str(flag), rname, str(pos), str(mapq), cigar, rnext, str(pnext), str(tlen), s, q]
        return "\t".join(fields + tags) + "\n"

    recs = []
    prefixes = ["r", "read_", "q0", "A:1:"]
    for i in range(n_pairs):
        qn = "%s%d" % (rnd.choice(prefixes), rnd.randint(0, 10 ** rnd.randint(1, 6)))
        if rnd.random() < 0.1:
            qn += ":%03d" % rnd.randint(0, 50)
        L = rnd.choice([50, 100, 150])
        tags = ["RG:Z:g1"] + (["NM:i:%d" % rnd.randint(0, 5)] if rnd.random() < 0.5 else [])
        kind = rnd.random()
        ci = rnd.randrange(len(contigs))
        cname, clen = contigs[ci]
        if long_len and ci == len(contigs) - 1 and rnd.random() < 0.7:
            pos = rnd.randint((1 << 29) + 1, clen - 2 * L)
        elif rnd.random() < 0.3:
            pos = rnd.randint(1, 20)  # crowded start: many ties
        else:
            pos = rnd.randint(1, clen - 2 * L)
        if kind < 0.08:  # both unmapped, no position
            recs.append(rec(qn, 77, "*", 0, 0, "*", "*", 0, 0, seq(L), tags))
            recs.append(rec(qn, 141, "*", 0, 0, "*", "*", 0, 0, seq(L), tags))
        elif kind < 0.2:  # one mate unmapped, placed at its mate
            r1 = rnd.random() < 0.5
            f_m = 0x1 | 0x8 | (0x40 if r1 else 0x80) | (0x10 if rnd.random() < 0.5 else 0)
            f_u = 0x1 | 0x4 | (0x80 if r1 else 0x40)
            recs.append(rec(qn, f_m, cname, pos, 60, "%dM" % L, "=", pos, 0, seq(L), tags))
            recs.append(rec(qn, f_u, cname, pos, 0, "*", "=", pos, 0, seq(L), tags))
        else:
            mpos = min(pos + rnd.randint(0, 400), clen - L)
            rev = rnd.random() < 0.5
            f1 = 0x1 | 0x2 | 0x40 | (0x10 if rev else 0x20)
            f2 = 0x1 | 0x2 | 0x80 | (0x20 if rev else 0x10)
            tl = mpos + L - pos
            recs.append(rec(qn, f1, cname, pos, rnd.randint(0, 60), "%dM" % L, "=", mpos, tl, seq(L), tags))
            recs.append(rec(qn, f2, cname, mpos, rnd.randint(0, 60), "%dM" % L, "=", pos, -tl, seq(L), tags))
            if rnd.random() < 0.05:  # secondary and supplementary copies
                sp = rnd.randint(1, clen - L)
                recs.append(rec(qn, f1 | 0x100, cname, sp, 0, "%dM" % L, "=", mpos, 0, "*", []))
                recs.append(rec(qn, f2 | 0x800, cname, sp, 0, "%dS%dM" % (L // 2, L - L // 2), "=", pos, 0, seq(L), tags))
    rnd.shuffle(recs)
    out.writelines(recs)


if __name__ == "__main__":
    main()
