#!/usr/bin/env python3
"""mapq_table.py -- is MAPQ calibrated?  Observed wrong rate per MAPQ bin.

Usage: mapq_table.py --bam BAM --truth truth_positions.tsv.gz [--bam BAM2 --truth TRUTH2 ...]
                     [--tol 20] [--dump FILE] [--md]

Several --bam/--truth pairs (in the same order) are pooled into one table:
independent draws scored together, so that bins with few wrong reads have
more to go on.

A read is correct with the rule of ../shared/eval/score_mapping.py: on the
true contig and its unclipped start (or end) within --tol bp of the true
one.  Primary records only (samtools view -F 0x900).  For each MAPQ bin the
table gives reads, wrong, the observed wrong rate, the rate MAPQ promises
(the mean of 10^(-MAPQ/10) over the bin's reads) and observed / expected.
A bin is "within 2x" when the observed rate is within a factor 2 of the
expected one, or (few reads) when the expected count of wrong reads and the
observed count are both small (Poisson: the observed count lies inside the
central 95% of Poisson(expected * 2) and Poisson(expected / 2) overlap).
Otherwise the verdict says which way it is off: "no: conservative" (fewer
wrong than MAPQ promises) or "no: over-confident".
Also: wrong rate at MAPQ >= 20 and >= 60.  --dump writes one line per wrong
read with MAPQ >= 1: name mate flag contig pos mapq cigar AS XS true-contig
true-pos.  Stdlib + samtools only.
"""
import argparse
import gzip
import math
import re
import subprocess
import sys

CIG = re.compile(r"(\d+)([MIDNSHP=X])")
BINS = ((0, 0), (1, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 60))


def ref_len(cigar):
    return sum(int(n) for n, o in CIG.findall(cigar) if o in "MDN=X")


def clips(cigar):
    ops = CIG.findall(cigar)
    lead = trail = 0
    for n, o in ops:
        if o not in "SH":
            break
        lead += int(n)
    for n, o in reversed(ops):
        if o not in "SH":
            break
        trail += int(n)
    return lead, trail


def poisson_cdf(k, lam):
    if k < 0:
        return 0.0
    term = s = math.exp(-lam)
    for i in range(1, k + 1):
        term *= lam / i
        s += term
    return min(s, 1.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bam", required=True, action="append")
    ap.add_argument("--truth", required=True, action="append")
    ap.add_argument("--tol", type=int, default=20)
    ap.add_argument("--dump")
    ap.add_argument("--md", action="store_true", help="markdown table")
    a = ap.parse_args()
    if len(a.bam) != len(a.truth):
        sys.exit("mapq_table.py: give one --truth per --bam")
    per_q = {}  # mapq -> [reads, wrong]
    dump = open(a.dump, "w") if a.dump else None
    for bam, truth_path in zip(a.bam, a.truth):
        score_bam(bam, truth_path, a.tol, per_q, dump)
    if dump:
        dump.close()
    print_table(per_q, a.md)


def score_bam(bam, truth_path, tol, per_q, dump):
    """Add the primary records of bam to per_q (mapq -> [reads, wrong])."""
    truth = {}
    with gzip.open(truth_path, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            truth[(f[0], f[1])] = (f[2], int(f[3]), int(f[3]) + ref_len(f[5]) - 1)
    seen = set()
    p = subprocess.Popen(["samtools", "view", "-F", "0x904", bam], stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        f = line.rstrip("\n").split("\t")
        flag = int(f[1])
        mate = "2" if flag & 0x80 else "1"
        name = f[0][:-2] if f[0].endswith(("/1", "/2")) else f[0]
        t = truth.get((name, mate))
        if t is None or (name, mate) in seen:
            continue
        seen.add((name, mate))
        pos, mapq, cigar = int(f[3]), int(f[4]), f[5]
        lead, trail = clips(cigar)
        ok = f[2] == t[0] and (abs(pos - lead - t[1]) <= tol or abs(pos + ref_len(cigar) - 1 + trail - t[2]) <= tol)
        c = per_q.setdefault(mapq, [0, 0])
        c[0] += 1
        if not ok:
            c[1] += 1
            if dump and mapq >= 1:
                tags = {x[:2]: x[5:] for x in f[11:]}
                dump.write("\t".join([name, mate, str(flag), f[2], f[3], str(mapq), cigar, tags.get("AS", "."),
                                      tags.get("XS", "."), t[0], str(t[1])]) + "\n")
    if p.wait() != 0:
        sys.exit("samtools view failed")


def print_table(per_q, md):
    """The calibration table and the wrong rates at MAPQ >= 1, 20, 60."""
    rows = []
    for lo, hi in BINS:
        n = w = 0
        exp = 0.0
        for q, (r, x) in per_q.items():
            if lo <= q <= hi:
                n += r
                w += x
                exp += r * 10 ** (-q / 10)
        if n == 0:
            rows.append((lo, hi, 0, 0, None, None, None, "-"))
            continue
        obs = w / n
        e = exp / n
        ratio = obs / e if e > 0 else float("inf")
        if 0.5 <= ratio <= 2:
            ok = "yes"
        else:
            # too few reads to tell: can the count come from a rate within 2x?
            lam_hi, lam_lo = exp * 2, exp / 2
            plausible = poisson_cdf(w, lam_hi) > 0.025 and 1 - poisson_cdf(w - 1, lam_lo) > 0.025
            ok = "yes (counts)" if plausible else ("no: conservative" if ratio < 1 else "no: over-confident")
        rows.append((lo, hi, n, w, obs, e, ratio, ok))
    tot = sum(r for r, _ in per_q.values())
    def rate_at(qmin):
        n = sum(r for q, (r, _) in per_q.items() if q >= qmin)
        w = sum(x for q, (_, x) in per_q.items() if q >= qmin)
        return n, w
    if md:
        print("| MAPQ | reads | wrong | observed rate | expected 10^(-MAPQ/10) | observed / expected | within 2x |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    else:
        print("MAPQ\treads\twrong\tobserved\texpected\tobs/exp\twithin2x")
    for lo, hi, n, w, obs, e, ratio, ok in rows:
        lab = "%d" % lo if lo == hi else "%d-%d" % (lo, hi)
        if n == 0:
            cells = [lab, "0", "0", "-", "-", "-", "-"]
        else:
            cells = [lab, "%d" % n, "%d" % w, "%.2e" % obs, "%.2e" % e, "%.2f" % ratio, ok]
        print(("| " + " | ".join(cells) + " |") if md else "\t".join(cells))
    for qmin in (1, 20, 60):
        n, w = rate_at(qmin)
        print("MAPQ>=%d: %d reads, %d wrong, rate %.2e%s" % (qmin, n, w, w / n if n else float("nan"), "  " if md else ""))
    print("reads scored: %d" % tot)


if __name__ == "__main__":
    main()
