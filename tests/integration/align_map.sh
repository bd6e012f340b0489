#!/usr/bin/env bash
# align: index + map a small generated reference with planted read pairs of
# known origin (exact, SNPs, indels, reverse strand, N in reads, contig end,
# repeat -> MAPQ 0, mate rescue, chimera -> SA), checked against the truth
# and by samtools and picard; single-end, interleaved, stdin, -t invariance.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
D=$GSA_ROOT/tests/data/align
RG='@RG\tID:T1\tSM:sample1\tPL:ILLUMINA\tLB:L1'

python3 "$D/gen_reads.py" "$TMP" 11 || { echo "not ok generate test data"; exit 1; }
check "align index builds REF.gsai beside the FASTA" "$A" index "$TMP/ref.fa"
check_sh "index file is non-empty" "[ -s '$TMP/ref.fa.gsai' ]"
gzip -c "$TMP/r1.fq" >"$TMP/r1.fq.gz"; gzip -c "$TMP/r2.fq" >"$TMP/r2.fq.gz"

check "map paired gzip FASTQ to -o BAM" "$A" map -t 2 -R "$RG" "$TMP/ref.fa" "$TMP/r1.fq.gz" "$TMP/r2.fq.gz" -o "$TMP/o.bam"
check "samtools quickcheck" samtools quickcheck "$TMP/o.bam"
samtools view "$TMP/o.bam" >"$TMP/o.sam" 2>/dev/null
check "planted reads placed as their truth says" python3 "$D/check_bam.py" "$TMP/truth.tsv" "$TMP/o.sam"
check_sh "header: contig names are the first word, @RG and @PG present" "
	samtools view -H '$TMP/o.bam' >'$TMP/h.txt'
	grep -qP '^@SQ\tSN:chrA\tLN:60000' '$TMP/h.txt'
	grep -qP '^@SQ\tSN:chrC\tLN:30000' '$TMP/h.txt'
	grep -qP '^@RG\tID:T1\tSM:sample1' '$TMP/h.txt'
	grep -qP '^@PG\tID:align' '$TMP/h.txt'"
check_sh "every record has RG, mapped ones NM MD AS XS, paired ones MC MQ" "
	[ -s '$TMP/o.sam' ]
	[ \$(grep -vc 'RG:Z:T1' '$TMP/o.sam') -eq 0 ]
	samtools view -F 4 '$TMP/o.bam' >'$TMP/mapped.sam'; [ -s '$TMP/mapped.sam' ]
	for t in NM:i: MD:Z: AS:i: XS:i:; do [ \$(grep -vc \$t '$TMP/mapped.sam') -eq 0 ]; done
	samtools view -F 12 '$TMP/o.bam' >'$TMP/both.sam'; [ -s '$TMP/both.sam' ]
	for t in MC:Z: MQ:i:; do [ \$(grep -vc \$t '$TMP/both.sam') -eq 0 ]; done"
check_sh "flagstat: all primaries mapped, nearly all properly paired" "
	samtools flagstat '$TMP/o.bam' >'$TMP/fs.txt'
	grep -q '^3020 + 0 primary\$' '$TMP/fs.txt'
	grep -q '^3020 + 0 primary mapped' '$TMP/fs.txt'
	p=\$(awk '/properly paired/ {print \$1}' '$TMP/fs.txt'); [ \$p -ge 3000 ]"
samtools sort -o "$TMP/s.bam" "$TMP/o.bam" 2>/dev/null && samtools index "$TMP/s.bam"
samtools faidx "$TMP/ref.fa"; samtools dict "$TMP/ref.fa" >"$TMP/ref.dict" 2>/dev/null
check_sh "picard ValidateSamFile (with reference: NM checked) finds no errors" "
	PicardCommandLine ValidateSamFile I='$TMP/s.bam' R='$TMP/ref.fa' MODE=SUMMARY >'$TMP/v.txt' 2>&1 || { grep -E 'ERROR|WARNING:' '$TMP/v.txt'; exit 1; }
	grep -q 'No errors found' '$TMP/v.txt'"
check_sh "samtools calmd agrees with our NM and MD" "
	samtools calmd '$TMP/s.bam' '$TMP/ref.fa' 2>&1 >/dev/null | grep -v 'is different' >/dev/null || true
	[ \$(samtools calmd '$TMP/s.bam' '$TMP/ref.fa' 2>&1 >/dev/null | grep -c 'different') -eq 0 ]"

# -t does not change the output; stdout is uncompressed BAM
check_sh "output identical for -t 1 and -t 3 (stdout BAM)" "
	'$A' map -t 1 -K 700 -R '$RG' '$TMP/ref.fa' '$TMP/r1.fq.gz' '$TMP/r2.fq.gz' 2>/dev/null | samtools view - | md5sum >'$TMP/m1'
	'$A' map -t 3 -K 700 -R '$RG' '$TMP/ref.fa' '$TMP/r1.fq.gz' '$TMP/r2.fq.gz' 2>/dev/null | samtools view - | md5sum >'$TMP/m3'
	cmp '$TMP/m1' '$TMP/m3'"
check_sh "interleaved input from stdin gives the same records" "
	paste -d '\n' <(paste - - - - <'$TMP/r1.fq') <(paste - - - - <'$TMP/r2.fq') | tr '\t' '\n' \
		| '$A' map --interleaved -R '$RG' '$TMP/ref.fa' - 2>/dev/null | samtools view - | md5sum >'$TMP/mi'
	samtools view '$TMP/o.bam' | md5sum | cmp - '$TMP/mi'"
check_sh "lanes: comma-separated R1/R2 lists read as their concatenation (same records)" "
	head -n 2000 '$TMP/r1.fq' | gzip >'$TMP/r1_L1.fq.gz'; tail -n +2001 '$TMP/r1.fq' >'$TMP/r1_L2.fq'
	head -n 2000 '$TMP/r2.fq' | gzip >'$TMP/r2_L1.fq.gz'; tail -n +2001 '$TMP/r2.fq' >'$TMP/r2_L2.fq'
	'$A' map -R '$RG' '$TMP/ref.fa' '$TMP/r1_L1.fq.gz,$TMP/r1_L2.fq' '$TMP/r2_L1.fq.gz,$TMP/r2_L2.fq' 2>/dev/null | samtools view - | md5sum >'$TMP/ml'
	samtools view '$TMP/o.bam' | md5sum | cmp - '$TMP/ml'"
check_exit 3 "lanes: a missing file of the list -> exit 3" "$A" map "$TMP/ref.fa" "$TMP/r1_L1.fq.gz,$TMP/nope.fq" "$TMP/r2_L1.fq.gz,$TMP/r2_L2.fq"
check_sh "single-end reads map and carry no pairing flags" "
	'$A' map '$TMP/ref.fa' '$TMP/r1.fq.gz' -o '$TMP/se.bam' 2>/dev/null
	samtools view -F 0x900 '$TMP/se.bam' >'$TMP/se.sam'
	[ \$(wc -l <'$TMP/se.sam') -eq 1510 ]
	[ \$(samtools view -c -f 1 '$TMP/se.bam') -eq 0 ]
	[ \$(samtools view -c -F 0x904 '$TMP/se.bam') -ge 1500 ]"
finish
