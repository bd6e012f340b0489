#!/usr/bin/env bash
# The cohort workflow's joint path, executed on this machine by gsa-run against s3rver: two
# samples of the demo data run the per-sample workflow with gvcf: true (CallVariantsGvcf per
# chromosome), then call-variants joint per chromosome (JointPerChromosome Map) and merge.
# The cohort VCF equals `call-variants joint` + `merge` run by hand on the same gVCFs; a bad
# joint input or a bad gvcf flag is refused before any job.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_workflow.sh"
command -v samtools >/dev/null || skip "samtools missing (make deps)"
S3=$GSA_BIN/s3-stage
start_s3rver || skip "s3rver not available (make deps)"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT JOB_CACHE_DIR=$TMP/cache GSA_BIN
B=s3://gsa-test
mkdir -p "$TMP/ref" "$TMP/logs" "$TMP/work"
cp "$DATA/ref.fa" "$TMP/ref/genome.fa"
"$S3" put --no-progress --quiet "$TMP/ref/genome.fa" "$B/refs/demo/genome.fa" &&
	"$S3" put --no-progress --quiet "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" "$B/in/" ||
	{ echo "not ok demo data uploaded to s3rver"; finish; }
run() { "$RUN" --workdir "$TMP/work" --logs "$TMP/logs" "$@"; }
echo "{\"reference\": \"$B/refs/demo/\"}" >"$TMP/reference.json"
check "reference workflow: the align index beside genome.fa" \
	bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/reference.json' >'$TMP/ref.out' 2>&1"

# cohort FILE [key=json ...]: two samples (the demo reads twice), gVCFs under one prefix, joint on two chromosomes
cohort() {
	python3 - "$B" "$@" <<'PY'
import json, sys
b, out = sys.argv[1], sys.argv[2]
s = lambda sid: {"sample_id": sid, "fastq_1": f"{b}/in/R1.fastq.gz", "fastq_2": f"{b}/in/R2.fastq.gz",
                 "reference": f"{b}/refs/demo/", "output_prefix": f"{b}/out/g/", "chromosomes": ["chr20_10M", "chr20_35M"],
                 "gvcf": True}
d = {"samples": [s("A"), s("B")], "max_concurrency": 2,
     "joint": {"cohort_id": "C1", "gvcf_prefix": f"{b}/out/g/", "output_prefix": f"{b}/out/joint/",
               "chromosomes": ["chr20_10M", "chr20_35M"]}}
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    t = d
    *path, last = k.split(".")
    for p in path:
        t = t[int(p)] if p.isdigit() else t[p]
    t[int(last) if last.isdigit() else last] = json.loads(v)
json.dump(d, open(out, "w"))
PY
}

cohort "$TMP/c.json"
check "joint workflow: two samples with gVCFs, joint per chromosome, merge" \
	bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' --name cj '$TMP/c.json' >'$TMP/c.out' 2>'$TMP/c.err'"
sed 's/^/# /' "$TMP/c.out" | cut -c1-200; tail -12 "$TMP/c.err" | sed 's/^/# /' | cut -c1-400
mkdir -p "$TMP/got"
check_sh "joint workflow: per-sample gVCFs (+ .tbi) per chromosome under the gvcf prefix" "
	for s in A B; do for c in chr20_10M chr20_35M; do
		'$S3' get --no-progress --quiet '$B/out/g/'\$s.\$c.g.vcf.gz '$B/out/g/'\$s.\$c.g.vcf.gz.tbi '$TMP/got/'
	done; done
	[ \$(zcat '$TMP/got/A.chr20_10M.g.vcf.gz' | grep -c '<\\*>') -gt 10 ]"
check_sh "joint workflow: the cohort VCF equals joint + merge run by hand on the same gVCFs" "
	'$S3' get --no-progress --quiet '$B/out/joint/C1.vcf.gz' '$B/out/joint/C1.vcf.gz.tbi' '$TMP/got/'
	cd '$TMP/got'
	for c in chr20_10M chr20_35M; do '$GSA_BIN/call-variants' joint --quiet -r \$c -o hand.\$c.vcf.gz A.\$c.g.vcf.gz B.\$c.g.vcf.gz; done
	'$GSA_BIN/call-variants' merge --quiet -o hand.vcf.gz hand.chr20_10M.vcf.gz hand.chr20_35M.vcf.gz
	diff <(zcat hand.vcf.gz | grep -v '^##') <(zcat C1.vcf.gz | grep -v '^##')
	[ \$(zcat C1.vcf.gz | grep -vc '^#') -gt 10 ]
	[ \"\$(bcftools query -l C1.vcf.gz | tr '\n' ' ')\" = 'A B ' ]
	bcftools view -H C1.vcf.gz | awk '\$9 != \"GT:AD:DP:GQ:PL\" {exit 1}'"
check_sh "joint workflow: the output names the cohort VCF" "grep -q 'joint .*\"vcf\":\"$B/out/joint/C1.vcf.gz\"' '$TMP/c.out'"

cohort "$TMP/bad1.json" 'joint.cohort_id="../x"'
check_exit 2 "joint workflow: a cohort_id with a path is refused (gsa.BadInput)" run "$TMP/bad1.json"
cohort "$TMP/bad2.json" 'joint.chromosomes=["chr20_10M", "x/y"]'
check_exit 2 "joint workflow: a chromosome with a slash is refused" run "$TMP/bad2.json"
cohort "$TMP/bad3.json" 'joint.gvcf_prefix="s3://gsa-test/out/g"'
check_exit 2 "joint workflow: a gvcf_prefix without a trailing slash is refused" run "$TMP/bad3.json"
cohort "$TMP/bad4.json" 'samples.0.gvcf="yes"'
check_sh "joint workflow: gvcf that is not a boolean fails the sample (gsa.BadInput), so no joint calls" "
	rc=0; '$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/bad4.json' >'$TMP/b4.out' 2>'$TMP/b4.err' || rc=\$?
	[ \$rc -ne 0 ]; cat '$TMP/b4.out' '$TMP/b4.err' | grep -c 'gvcf must be true or false'"
finish
