#!/usr/bin/env bash
# The Step Functions workflows (cfn/workflow/*.asl.json) executed on this
# machine by gsa-run, every Batch job a real `job` process running its command
# line from cfn/jobs.yml, against s3rver as S3 with the demo sample:
# asl-validator on every ASL file; the reference workflow; the per-sample
# workflow whose merged VCF equals the tools' own pipeline (today's make demo
# steps) record for record; a chromosome subset; a SubmitJob failing once is
# retried; a task failing always ends in the failure path with state, job id
# and cause; a SIGTERM to `job` mid-task (a Spot reclaim) uploads nothing and
# the job is retried; two lanes as lists; a cohort of two samples, one failing (nested
# startExecution.sync:2); SIGTERM to gsa-run; a misspelt environment name or
# JSONPath in (a copy of) the ASL fails locally; a bad input is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_workflow.sh"
command -v samtools >/dev/null || skip "samtools missing (make deps)"
VALIDATOR=$GSA_ROOT/tests/node/node_modules/.bin/asl-validator
S3=$GSA_BIN/s3-stage
DATA=$GSA_ROOT/demo/data

for f in "$GSA_ROOT"/cfn/workflow/*.asl.json; do
	check "asl-validator: $(basename "$f")" "$VALIDATOR" --json-path "$f"
done

start_s3rver || skip "s3rver not available (make deps)"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT JOB_CACHE_DIR=$TMP/cache GSA_BIN
B=s3://gsa-test
mkdir -p "$TMP/ref" "$TMP/logs" "$TMP/work"
cp "$DATA/ref.fa" "$TMP/ref/genome.fa"
"$S3" put --no-progress --quiet "$TMP/ref/genome.fa" "$B/refs/demo/genome.fa" &&
	"$S3" put --no-progress --quiet "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" "$B/in/" ||
	{ echo "not ok demo data uploaded to s3rver"; finish; }

# input FILE key=value...: a workflow input (values as JSON strings, or JSON with key:=)
input() {
	python3 - "$@" <<'PY'
import json, sys
d = {}
for a in sys.argv[2:]:
    k, v = a.split('=', 1)
    d[k.rstrip(':')] = json.loads(v) if k.endswith(':') else v
json.dump(d, open(sys.argv[1], 'w'))
PY
}
# s3ls PREFIX DIR: what is under an S3 prefix, one relative path a line
s3ls() {
	rm -rf "$2"; mkdir -p "$2"
	"$S3" get --no-progress --quiet "$1" "$2/" 2>/dev/null || true
	(cd "$2" && find . -type f | sed 's|^\./||' | sort)
}
run() { "$RUN" --workdir "$TMP/work" --logs "$TMP/logs" "$@"; }

# today's pipeline, straight through the tools: the expected outputs
(
	set -e
	mkdir -p "$TMP/base" && cd "$TMP/base"
	cp "$DATA/ref.fa" ref.fa
	"$GSA_BIN/align" index --quiet ref.fa
	"$GSA_BIN/align" map --quiet -t 2 -R '@RG\tID:demo\tSM:demo' ref.fa "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" |
		"$GSA_BIN/sort-index" --quiet -o demo.bam -
	for c in chr20_10M chr20_35M chr20_50M; do
		"$GSA_BIN/call-variants" --quiet -f ref.fa -r "$c" -o "demo.$c.vcf.gz" demo.bam
	done
	"$GSA_BIN/call-variants" merge --quiet -o demo.vcf.gz demo.chr20_10M.vcf.gz demo.chr20_35M.vcf.gz demo.chr20_50M.vcf.gz
) >"$TMP/base.log" 2>&1 || { sed 's/^/# /' "$TMP/base.log"; echo "not ok baseline pipeline"; finish; }
# a VCF without the lines naming commands and work folders
vcf_body() { zcat "$1" | grep -v -e '^##call-variants' -e '^##reference='; }

input "$TMP/reference.json" reference=$B/refs/demo/
check "reference workflow publishes genome.fa.gsai and .fai beside genome.fa" \
	bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/reference.json' >'$TMP/ref.out' 2>&1"
check_sh "reference prefix: genome.fa, .fai (as samtools faidx) and .gsai" "
	[ \"\$(s3ls() { rm -rf \"\$2\"; mkdir -p \"\$2\"; '$S3' get --no-progress --quiet \"\$1\" \"\$2/\"; (cd \"\$2\" && ls); }; s3ls '$B/refs/demo/' '$TMP/refls' | tr '\n' ' ')\" = 'genome.fa genome.fa.fai genome.fa.gsai ' ]
	samtools faidx '$TMP/ref/genome.fa'
	cmp '$TMP/ref/genome.fa.fai' '$TMP/refls/genome.fa.fai'"

# the happy path: S3 in and out, every contig (read from the .fai on S3)
input "$TMP/s1.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ output_prefix=$B/out/s1/
check "sample workflow on S3 succeeds" bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' --name happy '$TMP/s1.json' >'$TMP/s1.out' 2>'$TMP/s1.err'"
sed 's/^/# /' "$TMP/s1.out"
s3ls "$B/out/s1/" "$TMP/s1" >"$TMP/s1.ls"
# what a sample run publishes: BAM + BAI, VCF + TBI, per contig a VCF + TBI and its metrics,
# each step's metrics, the report and its MultiQC JSON (expected_outputs PREFIX CALLS CONTIG...)
expected_outputs() {
	local c=$2; shift 2
	{
		printf '%s\n' demo.bam demo.bam.bai demo.vcf.gz demo.vcf.gz.tbi demo.align.metrics.json \
			demo.sort-index.metrics.json demo.calls.metrics.json demo.report.html demo_mqc.json
		for k in "$@"; do printf "$c/demo.$k.%s\\n" vcf.gz vcf.gz.tbi metrics.json; done
	} | sort
}
check_sh "outputs: BAM + BAI, VCF + TBI, one VCF per contig of the reference, metrics and report, nothing else" "
	$(declare -f expected_outputs)
	expected_outputs demo demo.calls/happy chr20_10M chr20_35M chr20_50M | diff - '$TMP/s1.ls'"
check_sh "merged VCF equals today's pipeline's, record for record (header too, but for command lines)" "
	diff <(vcf_body() { zcat \"\$1\" | grep -v -e '^##call-variants' -e '^##reference='; }; vcf_body '$TMP/base/demo.vcf.gz') \
	     <(zcat '$TMP/s1/demo.vcf.gz' | grep -v -e '^##call-variants' -e '^##reference=')
	[ \$(zcat '$TMP/s1/demo.vcf.gz' | grep -vc '^#') -gt 400 ]"
check_sh "BAM records equal today's pipeline's" "
	cmp <(samtools view '$TMP/base/demo.bam') <(samtools view '$TMP/s1/demo.bam')"
check_sh "progress: one line per job, the Map, where the outputs are" "
	grep -Eq '^align [|] sort-index +[0-9.]+s  $B/out/s1/' '$TMP/s1.out'
	[ \$(grep -Ec '^call-variants chr20_[0-9]+M +[0-9.]+s' '$TMP/s1.out') -eq 3 ]
	grep -Eq '^  \(3 contigs in parallel\) +[0-9.]+s' '$TMP/s1.out'
	grep -q '^outputs:\$' '$TMP/s1.out'
	grep -Eq '^  vcf +$B/out/s1/demo.vcf.gz\$' '$TMP/s1.out'
	grep -Eq '^  bam +$B/out/s1/demo.bam\$' '$TMP/s1.out'"

# a chromosome subset
input "$TMP/s2.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ \
	output_prefix=$B/out/s2/ 'chromosomes:=["chr20_35M"]'
check "chromosome subset succeeds" bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' --name subset '$TMP/s2.json' >'$TMP/s2.out' 2>&1"
s3ls "$B/out/s2/" "$TMP/s2" >"$TMP/s2.ls"
check_sh "chromosome subset: one CallVariants job, the VCF holds that contig's calls only" "
	[ \$(grep -c '^call-variants ' '$TMP/s2.out') -eq 1 ]
	[ \"\$(grep -c 'demo.calls/subset/.*vcf.gz\$' '$TMP/s2.ls')\" -eq 1 ]
	diff <(zcat '$TMP/base/demo.chr20_35M.vcf.gz' | grep -v '^#') <(zcat '$TMP/s2/demo.vcf.gz' | grep -v '^#')
	[ \$(zcat '$TMP/s2/demo.vcf.gz' | grep -v '^#' | cut -f1 | sort -u) = chr20_35M ]"

# SubmitJob failing once (the Batch API's AWSBatchException): the ASL's Retry submits again
input "$TMP/s3.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ \
	output_prefix=$B/out/s3/ 'chromosomes:=["chr20_10M"]'
check "a task failing once is retried and the run succeeds" bash -c "
	GSA_RUN_FAULTS='{\"Merge\": {\"error\": \"Batch.AWSBatchException\", \"times\": 1}}' \
	'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/s3.json' >'$TMP/s3.out' 2>'$TMP/s3.err'"
check_sh "the retry happened: one failed submission, then the merged VCF" "
	[ \$(grep -c 'Merge: SubmitJob failed (Batch.AWSBatchException' '$TMP/s3.err') -eq 1 ]
	[ \$(grep -c 'merge: attempt 1 started' '$TMP/s3.err') -eq 1 ]
	'$S3' get --no-progress --quiet '$B/out/s3/demo.vcf.gz' '$TMP/s3.vcf.gz'
	diff <(zcat '$TMP/base/demo.chr20_10M.vcf.gz' | grep -v '^#') <(zcat '$TMP/s3.vcf.gz' | grep -v '^#')"

# a task failing always: a FASTQ that is not there (job exits 4, Batch's RetryStrategy exits)
input "$TMP/s4.json" sample_id=demo fastq_1=$B/in/missing_R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ output_prefix=$B/out/s4/
check_exit 4 "a task failing always: gsa-run exits with the job's code" bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/s4.json' >'$TMP/s4.out' 2>'$TMP/s4.err'"
sed 's/^/# /' "$TMP/s4.err" | cut -c1-300
check_sh "failure path: the failing state, its job id and the cause; one attempt (not a Spot reclaim); nothing delivered" "
	grep -Eq 'gsa.SampleFailed: AlignSort failed \(sample demo, Batch job local-[0-9]+-[0-9]+\): States.TaskFailed: exit 4: .*missing_R1.fastq.gz.* \(log .*\)$' '$TMP/s4.err'
	grep -q 'missing_R1.fastq.gz' \"\$(sed -n 's/.*align | sort-index: attempt 1 failed.*; log \\(.*\\)\$/\\1/p' '$TMP/s4.err')\"
	[ \$(grep -c 'align | sort-index: attempt [0-9] started' '$TMP/s4.err') -eq 1 ]
	[ -z \"\$(s3ls() { rm -rf \"\$2\"; mkdir -p \"\$2\"; '$S3' get --no-progress --quiet \"\$1\" \"\$2/\" 2>/dev/null; find \"\$2\" -type f; }; s3ls '$B/out/s4/' '$TMP/s4')\" ]"

# a SIGTERM to job in the middle of AlignSort, as a Spot reclaim sends it
input "$TMP/s5.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ \
	output_prefix=$B/out/s5/ 'chromosomes:=["chr20_50M"]'
"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" "$TMP/s5.json" >"$TMP/s5.out" 2>"$TMP/s5.err" &
runpid=$!
_lib_pids+=($runpid)
pid=
for _ in $(seq 300); do
	pid=$(sed -n 's/^gsa-run: align | sort-index: attempt 1 started (job [^,]*, pid \([0-9]*\)).*/\1/p' "$TMP/s5.err")
	[ -n "$pid" ] && break
	sleep 0.1
done
sleep 0.3
[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
for _ in $(seq 300); do grep -q 'attempt 1 failed' "$TMP/s5.err" && break; sleep 0.1; done
s3ls "$B/out/s5/" "$TMP/s5a" >"$TMP/s5a.ls"
rc=0
for _ in $(seq 1200); do kill -0 $runpid 2>/dev/null || break; sleep 0.1; done
wait $runpid || rc=$?
check_sh "SIGTERM mid-task: attempt 1 ends 143 as a host reclaim, nothing in S3 after it" "
	[ -n '$pid' ]
	grep -q 'align | sort-index: attempt 1 failed (exit 143, Host EC2 (instance local) terminated.); log .*; retrying' '$TMP/s5.err'
	[ ! -s '$TMP/s5a.ls' ] || ! grep -q 'demo.bam' '$TMP/s5a.ls'
	! find '$S3_DIR' -path '*upload*' -name key | grep -q ."
check_sh "SIGTERM mid-task: Batch's RetryStrategy runs attempt 2 and the workflow succeeds" "
	[ $rc -eq 0 ]
	grep -q 'align | sort-index: attempt 2 started' '$TMP/s5.err'
	s3ls() { rm -rf \"\$2\"; mkdir -p \"\$2\"; '$S3' get --no-progress --quiet \"\$1\" \"\$2/\"; (cd \"\$2\" && find . -type f | sort); }
	$(declare -f expected_outputs)
	s3ls '$B/out/s5/' '$TMP/s5' | sed 's|^\./||' | sort >'$TMP/s5.ls'
	expected_outputs demo \"demo.calls/\$(ls '$TMP/s5/demo.calls')\" chr20_50M | diff - '$TMP/s5.ls'
	cmp <(samtools view '$TMP/base/demo.bam') <(samtools view '$TMP/s5/demo.bam')
	[ -z \"\$(ls -A '$TMP/work')\" ]"

# several lanes: fastq_1 / fastq_2 as lists (the demo reads split in two lanes, one gzip, one plain)
for r in R1 R2; do
	zcat "$DATA/$r.fastq.gz" | head -n 60000 | gzip >"$TMP/${r}_L1.fq.gz"
	zcat "$DATA/$r.fastq.gz" | tail -n +60001 >"$TMP/${r}_L2.fq"
done
"$S3" put --no-progress --quiet "$TMP/R1_L1.fq.gz" "$TMP/R1_L2.fq" "$TMP/R2_L1.fq.gz" "$TMP/R2_L2.fq" "$B/lanes/" ||
	echo "not ok lanes uploaded"
input "$TMP/s7.json" sample_id=demo reference=$B/refs/demo/ output_prefix=$B/out/s7/ 'chromosomes:=["chr20_10M"]' \
	"fastq_1:=[\"$B/lanes/R1_L1.fq.gz\", \"$B/lanes/R1_L2.fq\"]" "fastq_2:=[\"$B/lanes/R2_L1.fq.gz\", \"$B/lanes/R2_L2.fq\"]"
check "lanes: lists of FASTQs succeed" bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/s7.json' >'$TMP/s7.out' 2>&1"
check_sh "lanes: the BAM holds every lane's reads, the same records as one FASTQ pair" "
	'$S3' get --no-progress --quiet '$B/out/s7/demo.bam' '$TMP/s7.bam'
	cmp <(samtools view '$TMP/base/demo.bam') <(samtools view '$TMP/s7.bam')"
input "$TMP/s8.json" sample_id=demo reference=$B/refs/demo/ output_prefix=$B/out/s8/ \
	"fastq_1:=[\"$B/lanes/R1_L1.fq.gz\", \"$B/lanes/R1_L2.fq\"]" "fastq_2:=[\"$B/lanes/R2_L1.fq.gz\"]"
check_exit 2 "lanes: two R1 files and one R2 file are refused (gsa.BadInput)" "$RUN" "$TMP/s8.json"

# a cohort: nested sample executions (states:startExecution.sync:2), one failing
python3 - "$TMP/cohort.json" "$B" <<'PY'
import json, sys
b = sys.argv[2]
s = lambda sid, r1, out: {"sample_id": sid, "fastq_1": f"{b}/in/{r1}", "fastq_2": f"{b}/in/R2.fastq.gz",
                          "reference": f"{b}/refs/demo/", "output_prefix": f"{b}/out/{out}/", "chromosomes": ["chr20_10M"]}
json.dump({"samples": [s("good", "R1.fastq.gz", "c1"), s("bad", "nothing_R1.fastq.gz", "c2")], "max_concurrency": 2},
          open(sys.argv[1], "w"))
PY
check_exit 4 "cohort: one sample failing -> gsa-run exits with its job's code" \
	bash -c "'$RUN' --workdir '$TMP/work' --logs '$TMP/logs' --name coh '$TMP/cohort.json' >'$TMP/coh.out' 2>'$TMP/coh.err'"
sed 's/^/# /' "$TMP/coh.out" | cut -c1-200
check_sh "cohort: the good sample's VCF exists, the bad one is reported with its failing state" "
	'$S3' get --no-progress --quiet '$B/out/c1/good.vcf.gz' '$TMP/good.vcf.gz'
	diff <(zcat '$TMP/base/demo.chr20_10M.vcf.gz' | grep -v '^#') <(zcat '$TMP/good.vcf.gz' | grep -v '^#' | sed 's/\tgood\t/\tdemo\t/')
	grep -q '\"status\":\"SUCCEEDED\"' '$TMP/coh.out'
	grep -q '\"status\":\"FAILED\",\"sample_id\":\"bad\"' '$TMP/coh.out'
	grep -q 'sample bad: States.TaskFailed: .*AlignSort failed (sample bad, Batch job local-' '$TMP/coh.err'
	grep -q '1 of 2 samples failed' '$TMP/coh.err'
	'$S3' get --no-progress --quiet '$B/out/c1/good.calls/coh-0/good.chr20_10M.vcf.gz' '$TMP/good.part.vcf.gz'"

# SIGTERM to gsa-run itself: the running job is stopped, nothing delivered, exit 143
input "$TMP/s9.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz fastq_2=$B/in/R2.fastq.gz reference=$B/refs/demo/ output_prefix=$B/out/s9/
"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" "$TMP/s9.json" >"$TMP/s9.out" 2>"$TMP/s9.err" &
runpid=$!
_lib_pids+=($runpid)
for _ in $(seq 300); do grep -q 'align | sort-index: attempt 1 started' "$TMP/s9.err" && break; sleep 0.1; done
sleep 0.3
kill -TERM $runpid
rc=0
for _ in $(seq 600); do kill -0 $runpid 2>/dev/null || break; sleep 0.1; done
wait $runpid || rc=$?
check_sh "SIGTERM to gsa-run: exit 143, the job stopped, nothing under the output prefix, work folders gone" "
	[ $rc -eq 143 ]
	grep -q 'gsa-run: stopped by SIGTERM' '$TMP/s9.err'
	[ -z \"\$(s3ls() { rm -rf \"\$2\"; mkdir -p \"\$2\"; '$S3' get --no-progress --quiet \"\$1\" \"\$2/\" 2>/dev/null; find \"\$2\" -type f; }; s3ls '$B/out/s9/' '$TMP/s9')\" ]
	[ -z \"\$(ls -A '$TMP/work')\" ]"

# the engine runs what the files say: a misspelt environment name in the ASL is
# an unset ${NAME} for job, a wrong JSONPath fails the state (copies of cfn/)
mkdir -p "$TMP/cfn-name" "$TMP/cfn-path"
cp -r "$GSA_ROOT/cfn/jobs.yml" "$GSA_ROOT/cfn/workflow" "$TMP/cfn-name/"
cp -r "$GSA_ROOT/cfn/jobs.yml" "$GSA_ROOT/cfn/workflow" "$TMP/cfn-path/"
sed -i 's/"Name": "CHROMOSOME"/"Name": "CHROMOSOMES"/' "$TMP/cfn-name/workflow/sample.asl.json"
sed -i 's/"Value.$": "$.calls_prefix"/"Value.$": "$.calls_prefx"/' "$TMP/cfn-path/workflow/sample.asl.json"
check_sh "the fixtures changed the copies" "! cmp -s '$GSA_ROOT/cfn/workflow/sample.asl.json' '$TMP/cfn-name/workflow/sample.asl.json'
	! cmp -s '$GSA_ROOT/cfn/workflow/sample.asl.json' '$TMP/cfn-path/workflow/sample.asl.json'"
check_exit 1 "a wrong environment name in the ASL fails locally: job's unset \${CHROMOSOME} (exit 1)" \
	bash -c "'$RUN' --cfn '$TMP/cfn-name' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/s2.json' >/dev/null 2>'$TMP/name.err'"
check_sh "... named in the failure" "grep -q 'CallVariants failed.*States.TaskFailed: exit 1: .*CHROMOSOME' '$TMP/name.err'
	grep -q 'CHROMOSOME' \"\$(sed -n 's/.*call-variants.*attempt 1 failed.*; log \\(.*\\)\$/\\1/p' '$TMP/name.err' | head -n 1)\""
check_exit 5 "a wrong JSONPath in the ASL fails locally (the state's error, exit 5)" \
	bash -c "'$RUN' --cfn '$TMP/cfn-path' --workdir '$TMP/work' --logs '$TMP/logs' '$TMP/s2.json' >/dev/null 2>'$TMP/path.err'"
check_sh "... named in the failure" "grep -q 'calls_prefx' '$TMP/path.err'"

# bad inputs are refused before any job
input "$TMP/bad.json" sample_id=demo fastq_1=$B/in/R1.fastq.gz reference=$B/refs/demo/ output_prefix=$B/out/bad/
check_exit 2 "an input without fastq_2 is refused (exit 2, gsa.BadInput)" bash -c "'$RUN' '$TMP/bad.json' 2>'$TMP/bad.err'; rc=\$?; grep -q 'gsa.BadInput' '$TMP/bad.err' || exit 9; exit \$rc"
printf '{"sample_id": ' >"$TMP/broken.json"
check_exit 2 "an input that is not JSON is refused (exit 2)" "$RUN" "$TMP/broken.json"
finish
