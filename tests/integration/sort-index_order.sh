#!/usr/bin/env bash
# sort-index: record order identical to samtools sort (coordinate and -n),
# from files, stdin (SAM, BAM, uncompressed BAM), with and without spilling.
. "$(dirname "$0")/lib.sh"
SI=$GSA_BIN/sort-index
GEN=$GSA_ROOT/tests/data/sort-index/gen_sam.py
command -v samtools >/dev/null || skip "samtools missing"

# ~24,000 records on 60 contigs: ties, unmapped pairs, unmapped mates at
# their mate, secondary/supplementary copies, natural-order names
python3 "$GEN" 12000 60 42 >"$TMP/in.sam"
samtools view -b -o "$TMP/in.bam" "$TMP/in.sam"
samtools sort -o "$TMP/ref.bam" "$TMP/in.sam" 2>/dev/null
samtools sort -n -o "$TMP/refn.bam" "$TMP/in.sam" 2>/dev/null
samtools view "$TMP/ref.bam" >"$TMP/ref.txt"
samtools view "$TMP/refn.bam" >"$TMP/refn.txt"

# same_as REF_TXT BAM: records (not header) identical, in the same order
same_as() { samtools view "$2" | cmp - "$1"; }

# count LINES_MATCHING_AWK_PROGRAM: how many reference records match
count() { awk "$1" "$TMP/ref.txt" | wc -l; }
check_sh "input has every case the order must handle" "
	test $(count '$3 == "*"') -gt 100                                 # no position
	test $(count '$6 == "*" && $3 != "*"') -gt 100                    # unmapped, at its mate
	test $(count 'int($2 / 256) % 2 == 1') -gt 10                     # secondary
	test $(cut -f3,4 "$TMP/ref.txt" | sort | uniq -d | wc -l) -gt 100 # ties
	test $(cut -f3 "$TMP/ref.txt" | sort -u | wc -l) -ge 50           # many contigs"

check "coordinate: SAM file, single thread" "$SI" --quiet -o "$TMP/a.bam" "$TMP/in.sam"
check "coordinate: same records and order as samtools sort" same_as "$TMP/ref.txt" "$TMP/a.bam"
check "coordinate: BAM on stdin, -@2" sh -c "'$SI' --quiet -@2 -o '$TMP/b.bam' - <'$TMP/in.bam'"
check "coordinate: stdin BAM order equals samtools" same_as "$TMP/ref.txt" "$TMP/b.bam"
check "coordinate: uncompressed BAM from a pipe" \
	sh -c "samtools view -u '$TMP/in.sam' | '$SI' --quiet -@2 -o '$TMP/c.bam' - && samtools view '$TMP/c.bam' | cmp - '$TMP/ref.txt'"

mkdir -p "$TMP/spill"
check "coordinate: spilling under -m 1M -@2 (many runs)" \
	sh -c "'$SI' --log-format json -m 1M -@2 -T '$TMP/spill' -o '$TMP/d.bam' '$TMP/in.bam' 2>'$TMP/d.log' && grep -q '\"runs\":[1-9]' '$TMP/d.log'"
check "coordinate: spilled result equals samtools" same_as "$TMP/ref.txt" "$TMP/d.bam"
check_sh "spill folder left empty" "test -z \"\$(ls -A '$TMP/spill')\""
check "coordinate: intermediate merges (more runs than merged at once)" \
	sh -c "'$SI' --verbose --merge-width 3 -m 1M -o '$TMP/e.bam' '$TMP/in.sam' 2>'$TMP/e.log' && samtools view '$TMP/e.bam' | cmp - '$TMP/ref.txt'"
check_sh "intermediate merges happened" "grep -q 'merged 3 runs into one' '$TMP/e.log'"

check "name: -n equals samtools sort -n" sh -c "'$SI' --quiet -n -o '$TMP/n.bam' '$TMP/in.sam' && samtools view '$TMP/n.bam' | cmp - '$TMP/refn.txt'"
check "name: -n spilling, stdin" sh -c "'$SI' --quiet -n -m 1M -@2 -T '$TMP/spill' -o '$TMP/n2.bam' - <'$TMP/in.sam' && samtools view '$TMP/n2.bam' | cmp - '$TMP/refn.txt'"
check_sh "name: no index written for a name-sorted BAM" "test ! -e '$TMP/n.bam.bai' && test ! -e '$TMP/n.bam.csi'"

check_sh "header: SO:coordinate, @PG sort-index chained after the input's" "
	samtools view -H '$TMP/a.bam' | grep -q '^@HD.*SO:coordinate'
	samtools view -H '$TMP/a.bam' | grep -q '^@PG	ID:sort-index	PN:sort-index	PP:gen'
	samtools view -H '$TMP/n.bam' | grep -q '^@HD.*SO:queryname'
	test \$(samtools view -H '$TMP/a.bam' | grep -c '^@SQ') -eq 60"
check_sh "header: @HD added when the input has none" "
	grep -v '^@HD' '$TMP/in.sam' | '$SI' --quiet -o '$TMP/h.bam' -
	samtools view -H '$TMP/h.bam' | head -n 1 | grep -q '^@HD	VN:.*SO:coordinate'"
check_sh "outputs pass samtools quickcheck, index beside them" "
	samtools quickcheck '$TMP/a.bam' '$TMP/b.bam' '$TMP/d.bam' '$TMP/n.bam'
	test -s '$TMP/a.bam.bai' && test -s '$TMP/d.bam.bai'"
check_sh "empty input (header only) gives an empty indexed BAM" "
	grep '^@' '$TMP/in.sam' | '$SI' --quiet -o '$TMP/empty.bam' -
	test \$(samtools view -c '$TMP/empty.bam') -eq 0 && test -s '$TMP/empty.bam.bai'"
check_sh "-l 0 and -l 12 give the same records" "
	'$SI' --quiet -l 0 -o '$TMP/l0.bam' '$TMP/in.bam'; '$SI' --quiet -l 12 -o '$TMP/l9.bam' '$TMP/in.bam'
	test \$(stat -c %s '$TMP/l0.bam') -gt \$(stat -c %s '$TMP/l9.bam')
	samtools view '$TMP/l0.bam' | cmp - '$TMP/ref.txt'; samtools view '$TMP/l9.bam' | cmp - '$TMP/ref.txt'"
finish
