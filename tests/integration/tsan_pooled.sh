#!/usr/bin/env bash
# tsan_pooled: the tools that run on common/pool (align map, sort-index,
# call-variants and its merge, s3-stage) built with ThreadSanitizer
# (make tsan, build/tsan/bin/) and run with several threads on a slice of
# the demo data: no data race reported, and the same output as the
# release build.
. "$(dirname "$0")/lib.sh"
command -v samtools >/dev/null || skip "samtools missing"
TS=$GSA_ROOT/build/tsan/bin
# only the pooled tools, built once (make skips what is up to date)
check "make VARIANT=tsan (align, sort-index, call-variants, s3-stage)" \
	make -C "$GSA_ROOT" --no-print-directory VARIANT=tsan \
	build/tsan/bin/align build/tsan/bin/sort-index build/tsan/bin/call-variants build/tsan/bin/s3-stage
for t in align sort-index call-variants s3-stage; do [ -x "$TS/$t" ] || { finish; exit 1; }; done
# races are reported and fail the run (exit 66); report to a file per process
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$TMP/tsan second_deadlock_stack=1"
D=$GSA_ROOT/demo/data
cp "$D/ref.fa" "$TMP/ref.fa"
zcat "$D/R1.fastq.gz" | head -n 24000 | gzip -1 >"$TMP/r1.fq.gz"
zcat "$D/R2.fastq.gz" | head -n 24000 | gzip -1 >"$TMP/r2.fq.gz"
"$GSA_BIN/align" index --fai "$TMP/ref.fa" >/dev/null 2>&1

check "align map -t 3 -K 1000 -o (pool: reading, mapping, compressing)" \
	"$TS/align" map --quiet -t 3 -K 1000 -o "$TMP/a.bam" "$TMP/ref.fa" "$TMP/r1.fq.gz" "$TMP/r2.fq.gz"
"$GSA_BIN/align" map --quiet -t 1 -K 1000 -o "$TMP/a1.bam" "$TMP/ref.fa" "$TMP/r1.fq.gz" "$TMP/r2.fq.gz" 2>/dev/null
check_sh "align under TSan: the records of the release build" \
	"cmp <(samtools view '$TMP/a.bam') <(samtools view '$TMP/a1.bam')"
check "sort-index -@ 3 (pool: inflating, sorting, deflating)" \
	"$TS/sort-index" --quiet -@ 3 -m 1M -o "$TMP/s.bam" "$TMP/a.bam"
check "call-variants -@ 3 (pool: calling, compressing)" \
	"$TS/call-variants" --quiet -@ 3 --chunk-size 20000 -f "$TMP/ref.fa" -o "$TMP/c.vcf.gz" "$TMP/s.bam"
for c in $(cut -f1 "$TMP/ref.fa.fai"); do
	"$GSA_BIN/call-variants" --quiet -f "$TMP/ref.fa" -r "$c" -o "$TMP/p.$c.vcf.gz" "$TMP/s.bam"
done
check "call-variants merge -@ 3" "$TS/call-variants" merge --quiet -@ 3 -o "$TMP/m.vcf.gz" "$TMP"/p.*.vcf.gz
check_sh "merge under TSan: the records of the single-run call" \
	"cmp <(zcat '$TMP/m.vcf.gz' | grep -v '^#') <(zcat '$TMP/c.vcf.gz' | grep -v '^#')"
mkdir -p "$TMP/src" "$TMP/dst"
for i in 1 2 3 4 5 6; do head -c $((i * 70000)) /dev/urandom >"$TMP/src/f$i"; done
check "s3-stage get -t 4 of a folder (pool: transfer workers, local copies)" \
	"$TS/s3-stage" get --quiet -t 4 "$TMP/src/" "$TMP/dst/"
check_sh "s3-stage copies are whole" "diff -r '$TMP/src' '$TMP/dst'"
check_sh "no data race reported (TSan logs)" "! cat '$TMP'/tsan.* 2>/dev/null | grep -m 20 -A 12 'WARNING: ThreadSanitizer'"
finish
