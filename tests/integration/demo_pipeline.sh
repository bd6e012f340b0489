#!/usr/bin/env bash
# make demo's pipeline (demo/run.sh: the reference and sample workflows of
# cfn/workflow run by gsa-run — index -> align | sort-index -> call-variants per
# contig in parallel -> merge, every step through job) on the shipped sample;
# the VCF must match the sample's truth with SNP F1 >= 0.99.
. "$(dirname "$0")/lib.sh"
for t in job align sort-index call-variants; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
command -v bcftools >/dev/null || skip "bcftools missing (make deps)"
DATA=$GSA_ROOT/demo/data
OUT=$TMP/demo

check "demo/run.sh completes" bash -c "GSA_BIN='$GSA_BIN' '$GSA_ROOT/demo/run.sh' -o '$OUT' -t 2 >'$TMP/demo.out' 2>&1"
sed 's/^/# /' "$TMP/demo.out"
check_sh "every step printed its time; one summary line" "
	for s in index 'align [|] sort-index' 'call-variants chr20_10M' 'call-variants chr20_35M' 'call-variants chr20_50M' merge total; do
		grep -Eq \"^\$s +[0-9.]+s\" '$TMP/demo.out'
	done
	[ \$(grep -c '^summary: 60000 reads' '$TMP/demo.out') -eq 1 ]
	grep -Eq '% mapped; [0-9]+ variant alleles: [0-9]+ SNP, [0-9]+ indel' '$TMP/demo.out'"
check_sh "outputs: sorted indexed BAM, indexed VCF; work folders removed" "
	samtools quickcheck '$OUT/demo.bam'
	samtools view -H '$OUT/demo.bam' | grep -q 'SO:coordinate'
	samtools idxstats '$OUT/demo.bam' >/dev/null
	[ \"\$(tabix -l '$OUT/demo.vcf.gz' | tr '\n' ' ')\" = 'chr20_10M chr20_35M chr20_50M ' ]
	[ -z \"\$(ls -A '$OUT/work')\" ]"
check_sh "every job logged stage-in, run and stage-out" "
	for l in '$OUT'/logs/*.log; do
		grep -q 'stage-in phase=stage-in' \"\$l\"; grep -q 'run phase=run' \"\$l\"; grep -q 'stage-out phase=stage-out' \"\$l\"
	done"

cp "$DATA/ref.fa" "$TMP/ref.fa" # bcftools writes ref.fa.fai beside it: not into the source tree
bcftools norm -f "$TMP/ref.fa" -m -any -Oz -o "$TMP/truth.norm.vcf.gz" "$DATA/truth.vcf.gz" 2>/dev/null
bcftools norm -f "$TMP/ref.fa" -m -any -Oz -o "$TMP/calls.norm.vcf.gz" "$OUT/demo.vcf.gz" 2>/dev/null
python3 "$GSA_ROOT/tests/integration/vcf_f1.py" "$TMP/truth.norm.vcf.gz" "$TMP/calls.norm.vcf.gz" >"$TMP/f1.txt" 2>&1
sed 's/^/# /' "$TMP/f1.txt"
check_sh "SNP F1 >= 0.99 against the sample's truth" "
	awk '\$1 == \"SNP\" { split(\$7, a, \"=\"); ok = (a[2] + 0 >= 0.99) } END { exit !ok }' '$TMP/f1.txt'"
finish
