#!/usr/bin/env python3
"""Check align's records for gen_mixed.py's reads.

    check_mixed.py truth.tsv SAM se|pe MIN_CORRECT_FRACTION

Every read has one primary record whose SEQ length and CIGAR query length
equal the read's length; at least MIN_CORRECT_FRACTION of the reads are
placed within 20 bp of their truth; none is wrong with MAPQ >= 20; mates of
a pair name each other.  Prints what fails and exits 1.
"""
import re
import sys

CIG = re.compile(r"(\d+)([MIDNSHP=X])")


def main():
    truth = {}
    for line in open(sys.argv[1]):
        n, m, c, p = line.split()
        truth[(n, m)] = (c, int(p))
    mode, min_frac = sys.argv[3], float(sys.argv[4])
    want = {k for k in truth if (k[1] == "0") == (mode == "se")}
    seen, bad = {}, []
    ok = 0
    lengths = set()
    for line in open(sys.argv[2]):
        f = line.rstrip("\n").split("\t")
        flag = int(f[1])
        if flag & 0x900:
            continue
        m = "0" if mode == "se" else ("1" if flag & 0x40 else "2")
        key = (f[0], m)
        if key not in want or key in seen:
            bad.append("unexpected or repeated record %s/%s" % key)
            continue
        seen[key] = f
        lengths.add(len(f[9]))
        if mode == "pe" and (flag & 1) == 0:
            bad.append("%s/%s: not flagged paired" % key)
        if flag & 4:
            continue
        qlen = sum(int(n) for n, o in CIG.findall(f[5]) if o in "MIS=X")
        if qlen != len(f[9]) or len(f[9]) != len(f[10]):
            bad.append("%s/%s: CIGAR %s for a %d bp read" % (key[0], key[1], f[5], len(f[9])))
        lead = re.match(r"^(\d+)S", f[5])
        start = int(f[3]) - (int(lead.group(1)) if lead else 0)
        c, p = truth[key]
        if f[2] == c and abs(start - p) <= 20:
            ok += 1
        elif int(f[4]) >= 20:
            bad.append("%s/%s: wrong place %s:%s with MAPQ %s" % (key[0], key[1], f[2], f[3], f[4]))
    missing = want - set(seen)
    if missing:
        bad.append("%d reads without a primary record" % len(missing))
    if ok < min_frac * len(want):
        bad.append("only %d of %d reads placed correctly" % (ok, len(want)))
    if max(lengths, default=0) - min(lengths, default=0) < 150:
        bad.append("read lengths not mixed: %s..%s" % (min(lengths, default=0), max(lengths, default=0)))
    for b in bad[:20]:
        print(b)
    print("%s: %d/%d correct" % (mode, ok, len(want)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
