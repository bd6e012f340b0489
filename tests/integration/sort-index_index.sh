#!/usr/bin/env bash
# sort-index: the index written in the sort pass answers region queries
# exactly like one made afterwards by samtools index (BAI, CSI, long contigs).
. "$(dirname "$0")/lib.sh"
SI=$GSA_BIN/sort-index
GEN=$GSA_ROOT/tests/data/sort-index/gen_sam.py
command -v samtools >/dev/null || skip "samtools missing"

# regions FILE N SEED: N random regions over the contigs of a BAM's header,
# plus whole contigs and '*' (records without a position)
regions() {
	samtools view -H "$1" | python3 -c '
import random, sys
rnd = random.Random(int(sys.argv[2]))
ctg = [(f[1][3:], int(f[2][3:])) for f in (l.rstrip("\n").split("\t") for l in sys.stdin) if f[0] == "@SQ"]
out = []
for i in range(int(sys.argv[1])):
    name, ln = rnd.choice(ctg)
    k = rnd.random()
    if k < 0.05:
        out.append(name)
    else:
        if ln > (1 << 29) and rnd.random() < 0.6:
            s = rnd.randint(1 << 29, ln - 1)
        else:
            s = rnd.randint(1, max(1, min(ln, 1 << 29) - 1))
        w = rnd.choice([1, 10, 150, 1000, 20000, 300000])
        out.append("%s:%d-%d" % (name, s, min(ln, s + w)))
out.append("*")
print("\n".join(out))' "$2" "$3"
}

# same_answers BAM IDX_A IDX_B REGIONS_FILE: every region returns the same
# records with either index (one samtools call per index, regions in order)
same_answers() {
	local bam=$1 a=$2 b=$3 rf=$4
	xargs samtools view -X "$bam" "$a" <"$rf" >"$TMP/qa.txt" || return 1
	xargs samtools view -X "$bam" "$b" <"$rf" >"$TMP/qb.txt" || return 1
	test -s "$TMP/qa.txt" && cmp "$TMP/qa.txt" "$TMP/qb.txt"
}

python3 "$GEN" 15000 40 7 >"$TMP/in.sam"

# BAI (default)
check "BAI: sort and index in one pass" "$SI" --quiet -@2 -o "$TMP/o.bam" "$TMP/in.sam"
check_sh "BAI: written beside the BAM, no CSI" "test -s '$TMP/o.bam.bai' && test ! -e '$TMP/o.bam.csi'"
cp "$TMP/o.bam" "$TMP/s.bam"
samtools index "$TMP/s.bam"
regions "$TMP/o.bam" 500 1 >"$TMP/r1.txt"
check "BAI: 500 random regions answer like samtools index" same_answers "$TMP/o.bam" "$TMP/o.bam.bai" "$TMP/s.bam.bai" "$TMP/r1.txt"
check "BAI: byte-identical to samtools index of the same BAM" cmp "$TMP/o.bam.bai" "$TMP/s.bam.bai"
check_sh "BAI: idxstats (mapped/unmapped per contig) agree" "
	mkdir '$TMP/ours'; cp '$TMP/o.bam' '$TMP/o.bam.bai' '$TMP/ours/'
	samtools idxstats '$TMP/ours/o.bam' >'$TMP/i1'; samtools idxstats '$TMP/s.bam' >'$TMP/i2'
	test \$(awk '\$3 > 0' '$TMP/i1' | wc -l) -ge 30 && cmp '$TMP/i1' '$TMP/i2'"

# BAI after spilling (the index is built from the merge, not from memory)
check "BAI: spilling run (-m 1M) index" "$SI" --quiet -m 1M -@2 -o "$TMP/p.bam" "$TMP/in.sam"
cp "$TMP/p.bam" "$TMP/ps.bam"; samtools index "$TMP/ps.bam"
check "BAI: spilled output answers like samtools index" same_answers "$TMP/p.bam" "$TMP/p.bam.bai" "$TMP/ps.bam.bai" "$TMP/r1.txt"

# CSI on request
check "CSI: --csi" "$SI" --quiet --csi -o "$TMP/c.bam" "$TMP/in.sam"
check_sh "CSI: written beside the BAM, no BAI" "test -s '$TMP/c.bam.csi' && test ! -e '$TMP/c.bam.bai'"
cp "$TMP/c.bam" "$TMP/cs.bam"; samtools index -c "$TMP/cs.bam"
check "CSI: regions answer like samtools index -c" same_answers "$TMP/c.bam" "$TMP/c.bam.csi" "$TMP/cs.bam.csi" "$TMP/r1.txt"

# a contig longer than BAI can address: CSI chosen automatically
python3 "$GEN" 3000 5 9 600000000 >"$TMP/long.sam"
check "long contig: sorted, CSI chosen automatically" "$SI" --quiet -o "$TMP/l.bam" "$TMP/long.sam"
check_sh "long contig: .csi written, no .bai" "test -s '$TMP/l.bam.csi' && test ! -e '$TMP/l.bam.bai'"
check_sh "long contig: order equals samtools sort" "
	samtools sort -o '$TMP/lref.bam' '$TMP/long.sam' 2>/dev/null
	samtools view '$TMP/l.bam' | cmp - <(samtools view '$TMP/lref.bam')"
cp "$TMP/l.bam" "$TMP/ls.bam"; samtools index -c "$TMP/ls.bam"
regions "$TMP/l.bam" 300 2 >"$TMP/r2.txt"
check_sh "long contig: some regions lie past 2^29 and hold records" "
	test \$(grep -c '^big:' '$TMP/r2.txt') -gt 50
	test \$(samtools view -c -X '$TMP/l.bam' '$TMP/l.bam.csi' big:536870913-600000000) -gt 100"
check "long contig: regions answer like samtools index -c" same_answers "$TMP/l.bam" "$TMP/l.bam.csi" "$TMP/ls.bam.csi" "$TMP/r2.txt"
check_exit 1 "long contig: --bai refused (usage)" "$SI" --quiet --bai -o "$TMP/lb.bam" "$TMP/long.sam"
check_sh "long contig: nothing left after the refusal" "test ! -e '$TMP/lb.bam' && test ! -e '$TMP/lb.bam.bai'"
check_sh "--no-index writes the BAM only" "'$SI' --quiet --no-index -o '$TMP/ni.bam' '$TMP/in.sam'; test -s '$TMP/ni.bam' && test ! -e '$TMP/ni.bam.bai'"
finish
