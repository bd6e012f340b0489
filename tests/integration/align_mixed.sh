#!/usr/bin/env bash
# align: single-end runs and read lengths from 50 to 250 bp in one run (single
# and paired, mates of different lengths), on real chr20 sequence (the demo
# reference): reads placed at their truth, records consistent, -t invariant.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
D=$GSA_ROOT/tests/data/align

python3 "$D/gen_mixed.py" "$GSA_ROOT/demo/data/ref.fa" "$TMP" 5 || { echo "not ok generate test data"; exit 1; }
check "index the demo reference" "$A" index -o "$TMP/ref" "$GSA_ROOT/demo/data/ref.fa"
check "single-end reads of 50-250 bp map" "$A" map -t 2 "$TMP/ref" "$TMP/se.fq" -o "$TMP/se.bam"
check_sh "single-end: 99% at their truth, none wrong at MAPQ >= 20, SEQ/CIGAR lengths agree" "
	samtools view '$TMP/se.bam' >'$TMP/se.sam'
	python3 '$D/check_mixed.py' '$TMP/truth.tsv' '$TMP/se.sam' se 0.99"
check_sh "single-end records: no paired flags, no mate fields" "
	[ \$(awk 'and(\$2, 1) || \$7 != \"*\" || \$9 != 0' '$TMP/se.sam' | wc -l) -eq 0 ]"
check "pairs with mates of different lengths map" "$A" map -t 2 "$TMP/ref" "$TMP/m1.fq" "$TMP/m2.fq" -o "$TMP/pe.bam"
check_sh "pairs: 99.5% at their truth, none wrong at MAPQ >= 20, SEQ/CIGAR lengths agree" "
	samtools view '$TMP/pe.bam' >'$TMP/pe.sam'
	python3 '$D/check_mixed.py' '$TMP/truth.tsv' '$TMP/pe.sam' pe 0.995"
check_sh "pairs: nearly all properly paired (insert model from mixed lengths)" "
	p=\$(samtools view -c -f 2 '$TMP/pe.bam'); [ \$p -ge 780 ] || { echo \"proper: \$p\"; exit 1; }"
check_sh "samtools calmd agrees with NM and MD on mixed lengths" "
	cp '$GSA_ROOT/demo/data/ref.fa' '$TMP/ref.fa'
	samtools sort -o '$TMP/s.bam' '$TMP/pe.bam' 2>/dev/null
	[ \$(samtools calmd '$TMP/s.bam' '$TMP/ref.fa' 2>&1 >/dev/null | grep -c different) -eq 0 ]"
check_sh "single-end and mixed-length output identical for -t 1 and -t 3" "
	'$A' map -t 1 -K 97 '$TMP/ref' '$TMP/se.fq' 2>/dev/null | samtools view - | md5sum >'$TMP/a'
	'$A' map -t 3 -K 97 '$TMP/ref' '$TMP/se.fq' 2>/dev/null | samtools view - | md5sum >'$TMP/b'
	cmp '$TMP/a' '$TMP/b'
	'$A' map -t 1 -K 61 '$TMP/ref' '$TMP/m1.fq' '$TMP/m2.fq' 2>/dev/null | samtools view - | md5sum >'$TMP/c'
	'$A' map -t 3 -K 61 '$TMP/ref' '$TMP/m1.fq' '$TMP/m2.fq' 2>/dev/null | samtools view - | md5sum >'$TMP/d'
	cmp '$TMP/c' '$TMP/d'"
finish
