#!/usr/bin/env bash
# call-variants merge (order, index) and bad input: BAM without index, reference not
# matching the BAM header, unknown contig, truncated BAM -> exit 2 and no output at all.
. "$(dirname "$0")/lib.sh"
CV=$GSA_BIN/call-variants
D=$TMP/case; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_case.py" "$D" || exit 1
samtools faidx "$D/ref.fa" && samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1
"$CV" --quiet --keep-duplicates -f "$D/ref.fa" -o "$D/all.vcf.gz" "$D/aln.bam" || exit 1

# --- merge: per-contig parts given in reverse order come out in header order
CONTIGS=$(cut -f1 "$D/ref.fa.fai")   # every contig of the case, in header order
parts=()
for c in $CONTIGS; do
	"$CV" --quiet --keep-duplicates -f "$D/ref.fa" -r "$c" -o "$D/part.$c.vcf.gz" "$D/aln.bam" || exit 1
	parts=("$D/part.$c.vcf.gz" "${parts[@]}")
done
check "merge: runs" "$CV" merge -o "$D/merged.vcf.gz" "${parts[@]}"
check_sh "merge: records in contig order, same as one whole-genome call" \
	"diff <(zcat '$D/all.vcf.gz' | grep -v '^#') <(zcat '$D/merged.vcf.gz' | grep -v '^#')"
check_sh "merge: indexed, index counts every record" \
	"[ \$(bcftools index -n '$D/merged.vcf.gz') -eq \$(zcat '$D/all.vcf.gz' | grep -vc '^#') ]; bcftools view -H -r c3 '$D/merged.vcf.gz' | grep -q ."
check_sh "merge: header records the merge command" "bcftools view -h '$D/merged.vcf.gz' | grep -q '^##call-variants_mergeCommand='"
check_exit 2 "merge: a truncated part -> exit 2" \
	bash -c "head -c 300 '$D/part.c1.vcf.gz' >'$D/bad.vcf.gz'; '$CV' merge -o '$D/m2.vcf.gz' '$D/bad.vcf.gz' '$D/part.c2.vcf.gz'"
check_sh "merge: nothing written after the error" "[ ! -e '$D/m2.vcf.gz' ] && [ ! -e '$D/m2.vcf.gz.tbi' ] && ! ls -a '$D' | grep -q '^\.m2'"
check_exit 1 "merge: no -o -> usage error" "$CV" merge "$D/part.c1.vcf.gz"
# a part pattern (no shell to expand it: the workflow's Merge job) stands for its matches
check "merge: a part glob expands to its files" bash -c "cd '$D' && '$CV' merge --quiet -o globbed.vcf.gz 'part.c*.vcf.gz'"
check_sh "merge: the glob's merge equals the listed parts' merge" \
	"diff <(zcat '$D/merged.vcf.gz' | grep -v '^##call-variants') <(zcat '$D/globbed.vcf.gz' | grep -v '^##call-variants')"
check_exit 3 "merge: a part glob matching nothing -> exit 3" "$CV" merge --quiet -o "$D/m3.vcf.gz" "$D/nothing.*.vcf.gz"

# --- bad input: exit 2, one error line naming the file, no output files
nothing_left() { [ ! -e "$1" ] && [ ! -e "$1.tbi" ] && ! ls -a "$(dirname "$1")" | grep -q "^\.$(basename "$1")\.tmp"; }
bad() { # name expected-text args...
	local name=$1 text=$2; shift 2
	local out=$D/bad.$RANDOM.vcf.gz
	"$CV" "$@" -o "$out" >"$D/o" 2>"$D/e"; local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$D/e")" -eq 1 ] && grep -q -- "$text" "$D/e" && nothing_left "$out"; then
		echo "ok $name"
	else
		echo "not ok $name"; echo "#   exit $rc"; sed 's/^/#   /' "$D/e" | head -5; _lib_failed=1
	fi
}
cp "$D/aln.bam" "$D/noidx.bam"
bad "bad: BAM without index -> exit 2" "noidx.bam: no index" -f "$D/ref.fa" "$D/noidx.bam"
sed 's/^>c2$/>cX/' "$D/ref.fa" >"$D/ref_name.fa"
bad "bad: reference missing a BAM contig -> exit 2" "contig c2" -f "$D/ref_name.fa" "$D/aln.bam"
{ cat "$D/ref.fa"; echo ACGT; } >"$D/ref_len.fa"  # the last contig 4 bp longer
bad "bad: reference contig length differs -> exit 2" "$(tail -n 1 "$D/ref.fa.fai" | cut -f1) has length" -f "$D/ref_len.fa" "$D/aln.bam"
bad "bad: region on an unknown contig -> exit 2" "chrNope" -f "$D/ref.fa" -r chrNope "$D/aln.bam"
printf 'chrNope\t0\t100\n' >"$D/bad.bed"
bad "bad: BED naming an unknown contig -> exit 2" "unknown contig chrNope" -f "$D/ref.fa" -R "$D/bad.bed" "$D/aln.bam"
size=$(stat -c %s "$D/aln.bam")
head -c $((size * 2 / 3)) "$D/aln.bam" >"$D/trunc.bam"; cp "$D/aln.bam.bai" "$D/trunc.bam.bai"
bad "bad: truncated BAM -> exit 2" "trunc.bam: truncated" -f "$D/ref.fa" "$D/trunc.bam"
check_exit 3 "bad: missing BAM -> exit 3 (I/O)" "$CV" --quiet -f "$D/ref.fa" -o "$D/x.vcf.gz" "$D/none.bam"
check_exit 1 "bad: no -f -> usage error" "$CV" -o "$D/x.vcf.gz" "$D/aln.bam"
check_sh "bad: json error line" \
	"set +e; '$CV' --log-format json -f '$D/ref.fa' -r chrNope -o '$D/x.vcf.gz' '$D/aln.bam' 2>'$D/j'; [ \$? -eq 2 ]; set -e; python3 -m json.tool --json-lines '$D/j' >/dev/null"

# -R with a BED file limits the calls to its regions
printf 'c1\t250\t600\n' >"$D/r.bed"
check "regions: -R BED" "$CV" --quiet -f "$D/ref.fa" -R "$D/r.bed" -o "$D/bed.vcf.gz" "$D/aln.bam"
check_sh "regions: only sites in the BED (c1:301, c1:501)" \
	"[ \"\$(bcftools query -f '%CHROM:%POS ' '$D/bed.vcf.gz')\" = 'c1:301 c1:501 ' ]"
finish
