#!/usr/bin/env bash
# align: the alignment kernels (scalar, SSE4.1, AVX2) give the same records on
# real chr20 reads (the demo set), for -t 1 and -t 2; an unknown kernel is a
# usage error.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
D=$GSA_ROOT/demo/data

check "index the demo reference" "$A" index -o "$TMP/ref" "$D/ref.fa"
# 20,000 pairs with planted indels and mismatches (mason): many reach the DP
zcat "$D/R1.fastq.gz" | head -n 80000 >"$TMP/r1.fq"
zcat "$D/R2.fastq.gz" | head -n 80000 >"$TMP/r2.fq"
check_sh "scalar kernel maps the reads" "
	'$A' map --kernel scalar -t 2 '$TMP/ref' '$TMP/r1.fq' '$TMP/r2.fq' 2>/dev/null | samtools view - >'$TMP/scalar.sam'
	[ \$(wc -l <'$TMP/scalar.sam') -eq 40000 ]
	[ \$(awk '\$6 ~ /[ID]/' '$TMP/scalar.sam' | wc -l) -gt 100 ]"
for k in sse4.1 avx2; do
	if ! grep -qw "${k/./_}" /proc/cpuinfo; then
		check_exit 1 "$k kernel refused on this CPU without it (usage error)" "$A" map --kernel $k "$TMP/ref" "$TMP/r1.fq" -o "$TMP/x.bam"
		continue
	fi
	for t in 1 2; do
		check_sh "$k kernel, -t $t: the scalar kernel's records" "
			'$A' map --kernel $k -t $t '$TMP/ref' '$TMP/r1.fq' '$TMP/r2.fq' 2>/dev/null | samtools view - >'$TMP/$k.sam'
			cmp '$TMP/scalar.sam' '$TMP/$k.sam'"
	done
done
check_exit 1 "unknown kernel is a usage error" "$A" map --kernel avx512 "$TMP/ref" "$TMP/r1.fq" -o "$TMP/x.bam"
check_sh "no output left after the usage error" "[ ! -e '$TMP/x.bam' ]"
finish
