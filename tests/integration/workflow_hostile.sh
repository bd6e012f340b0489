#!/usr/bin/env bash
# Hostile and careless inputs to the per-sample workflow (cfn/workflow/sample.asl.json)
# run by gsa-run on this machine with the demo data (local paths; s3rver for one
# S3 case). Most cases fail at the ASL's input checks before any job: each must
# exit 2 with ONE line naming what is wrong, start no job, write nothing, and
# run nothing from the input as code. Then a few real runs: a reference without
# .fai or index, a chromosome not in the reference, odd characters in the work
# folder and output folder, the output into an input folder, an S3 output
# bucket that does not exist, SIGINT/SIGTERM to gsa-run or its process group mid-run (no orphaned
# job, nothing under a final name), two gsa-run into one output prefix.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_workflow.sh"
export GSA_BIN JOB_CACHE_DIR=$TMP/cache
R1=$DATA/R1.fastq.gz R2=$DATA/R2.fastq.gz
mkdir -p "$TMP/ref" "$TMP/work" "$TMP/logs" "$TMP/in"
cp "$DATA/ref.fa" "$TMP/ref/genome.fa"
"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" -q <(echo "{\"reference\": \"$TMP/ref/\"}") >/dev/null 2>"$TMP/refidx.err" ||
	{ sed 's/^/# /' "$TMP/refidx.err"; echo "not ok reference indexed"; finish; }
REF=$TMP/ref/

# j KEY=JSON ...: a sample input on stdout, the good demo values unless overridden
j() {
	python3 - "$REF" "$R1" "$R2" "$TMP/out/" "$@" <<'PY'
import json, sys
ref, r1, r2, out = sys.argv[1:5]
d = {"sample_id": "demo", "fastq_1": r1, "fastq_2": r2, "reference": ref, "output_prefix": out, "chromosomes": ["chr20_10M"]}
for a in sys.argv[5:]:
    k, v = a.split("=", 1)
    if v == "DELETE": d.pop(k, None)
    else: d[k] = json.loads(v)
print(json.dumps(d))
PY
}
# bad NAME 'MESSAGE REGEX' KEY=JSON...: refused up front: exit 2, one line on
# stderr naming the problem, no job started, nothing written
n=0
bad() {
	local name=$1 msg=$2; shift 2
	n=$((n + 1))
	j "$@" >"$TMP/in/bad$n.json"
	rm -rf "$TMP/out"
	"$RUN" --workdir "$TMP/work" --logs "$TMP/logs/bad$n" -q "$TMP/in/bad$n.json" >"$TMP/bad.out" 2>"$TMP/bad.err"
	local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && grep -Eq "^gsa-run: .*bad$n.json: gsa.BadInput: $msg" "$TMP/bad.err" &&
		[ ! -e "$TMP/out" ] && [ -z "$(ls -A "$TMP/logs/bad$n" 2>/dev/null)" ] && [ ! -s "$TMP/bad.out" ]; then
		echo "ok refused: $name"
	else
		echo "not ok refused: $name (exit $rc)"; _lib_failed=1
		sed 's/^/#   /' "$TMP/bad.err" | head -n 5
	fi
}
SID='sample_id must be'
FQ='fastq_1 and fastq_2 must each be'
PFX='reference and output_prefix must be'
CHR='chromosomes must be'
bad "no sample_id" 'the input needs sample_id' sample_id=DELETE
bad "no output_prefix" 'the input needs' output_prefix=DELETE
bad "sample_id a number" "$SID" 'sample_id=5'
bad "sample_id null" "$SID" 'sample_id=null'
bad "sample_id empty" "$SID" 'sample_id=""'
bad "sample_id with a space" "$SID" 'sample_id="NA 12878"'
bad "sample_id with a slash and .." "$SID" 'sample_id="../../etc/x"'
bad "sample_id ." "$SID" 'sample_id="."'
bad "sample_id with quotes" "$SID" "sample_id=\"a'b\\\"c\""
bad "sample_id \${HOME}" "$SID" 'sample_id="${HOME}"'
bad "sample_id \$(touch ...)" "$SID" "sample_id=\"\$(touch $TMP/pwned)\""
bad "sample_id backticks" "$SID" "sample_id=\"\`touch $TMP/pwned\`\""
bad "sample_id newline" "$SID" 'sample_id="a\nb"'
bad "sample_id starting with -" "$SID" 'sample_id="-rf"'
bad "sample_id unicode" "$SID" 'sample_id="échantillon"'
bad "sample_id with ?" "$SID" 'sample_id="a?"'
bad "sample_id of 101 characters" "$SID" "sample_id=\"$(printf 'a%.0s' $(seq 101))\""
bad "fastq_1 a number" "$FQ" 'fastq_1=5'
bad "fastq_1 an object" "$FQ" 'fastq_1={"a": 1}'
bad "fastq_1/fastq_2 empty lists" "$FQ" 'fastq_1=[]' 'fastq_2=[]'
bad "fastq_1 empty string" "$FQ" 'fastq_1=""'
bad "fastq_1 a list holding a number" "$FQ" 'fastq_1=[5]' "fastq_2=[\"$R2\"]"
bad "fastq_1 a folder" "$FQ" 'fastq_1="/tmp/"'
bad "fastq_1 with a space" "$FQ" 'fastq_1="/data/my reads/R1.fq.gz"'
bad "fastq_1 with \${AWS_SECRET_ACCESS_KEY}" "$FQ" 'fastq_1="s3://b/${AWS_SECRET_ACCESS_KEY}.fq"'
bad "fastq_1 a glob" "$FQ" 'fastq_1="/data/*.fq.gz"'
bad "fastq_1 with ?" "$FQ" 'fastq_1="/data/R?.fq.gz"'
bad "fastq_1 with a comma" "$FQ" 'fastq_1="/data/a,b.fq.gz"'
bad "second lane bad" "$FQ" "fastq_1=[\"$R1\", \"/x/y z.fq\"]" "fastq_2=[\"$R2\", \"$R2\"]"
bad "fastq lists of different lengths" 'fastq_1 and fastq_2 must list as many files' "fastq_1=[\"$R1\", \"$R1\"]" "fastq_2=[\"$R2\"]"
bad "reference without trailing /" "$PFX" "reference=\"${REF%/}\""
bad "reference a list" "$PFX" "reference=[\"$REF\"]"
bad "reference with a space" "$PFX" "reference=\"$TMP/my ref/\""
bad "output_prefix with \$" "$PFX" 'output_prefix="s3://b/$HOME/"'
bad "output_prefix a glob" "$PFX" 'output_prefix="/tmp/*/"'
bad "chromosomes a string" "$CHR" 'chromosomes="chr20_10M"'
bad "chromosomes empty" "$CHR" 'chromosomes=[]'
bad "chromosomes holding a number" "$CHR" 'chromosomes=["chr20_10M", 20]'
bad "chromosome with a slash" "$CHR" 'chromosomes=["../../x"]'
bad "chromosome starting with -" "$CHR" 'chromosomes=["--help"]'
bad "chromosome with a space" "$CHR" 'chromosomes=["chr 1"]'
bad "duplicate chromosomes" "$CHR" 'chromosomes=["chr20_10M", "chr20_35M", "chr20_10M"]'
bad "max_concurrency a string" 'max_concurrency must be' 'max_concurrency="4"'
bad "max_concurrency negative" 'max_concurrency must be' 'max_concurrency=-1'
bad "max_concurrency 1.5" 'max_concurrency must be' 'max_concurrency=1.5'
check_sh "no input value ran as code" "[ ! -e '$TMP/pwned' ]"
check_sh "extra fields are ignored (a run with one is not refused: see the odd-paths run)" "true"

# the other workflows' inputs: refused before any job
raw() { # NAME 'STDERR REGEX' JSON
	n=$((n + 1))
	printf '%s' "$3" >"$TMP/in/raw$n.json"
	"$RUN" --workdir "$TMP/work" --logs "$TMP/logs/raw$n" -q "$TMP/in/raw$n.json" >/dev/null 2>"$TMP/raw.err"
	local rc=$?
	if [ $rc -eq 2 ] && grep -Eq "$2" "$TMP/raw.err" && [ "$(wc -l <"$TMP/raw.err")" -le 2 ] &&
		! grep -rq 'attempt 1 started' "$TMP/raw.err"; then echo "ok refused: $1"
	else echo "not ok refused: $1 (exit $rc)"; _lib_failed=1; sed 's/^/#   /' "$TMP/raw.err" | head -n 5; fi
}
raw "reference workflow: \${HOME} in reference" "gsa.BadInput: the input needs reference" '{"reference": "/tmp/${HOME}/"}'
raw "reference workflow: a space in reference" "gsa.BadInput: the input needs reference" '{"reference": "/tmp/my ref/"}'
raw "reference workflow: ? in reference" "gsa.BadInput: the input needs reference" '{"reference": "/tmp/ref?/"}'
raw "cohort: samples a string" "gsa.BadInput: the input needs samples" '{"samples": "x"}'
raw "cohort: samples empty" "gsa.BadInput: the input needs samples" '{"samples": []}'
raw "cohort: max_concurrency a string" "gsa.BadInput: max_concurrency must be" '{"samples": [{}], "max_concurrency": "x"}'
raw "cohort: a sample that is a number (reported by its index)" 'sample #0: .*gsa.BadInput.*the input needs sample_id' '{"samples": [5]}'
raw "cohort: a sample_id with a slash" "gsa.BadInput: samples\[1\]: sample_id must be" \
	"{\"samples\": [$(j), $(j 'sample_id="a/b"')]}"

# the input file itself: one line each, README's exit codes
rm -rf "$TMP/out"
inputfile() { # CODE NAME 'MESSAGE' FILE
	"$RUN" --workdir "$TMP/work" --logs "$TMP/logs/file" -q "$4" >/dev/null 2>"$TMP/f.err"
	local rc=$?
	if [ $rc -eq "$1" ] && [ "$(wc -l <"$TMP/f.err")" -eq 1 ] && grep -q "$3" "$TMP/f.err"; then echo "ok input file: $2"
	else echo "not ok input file: $2 (exit $rc)"; _lib_failed=1; sed 's/^/#   /' "$TMP/f.err" | head -n 5; fi
}
printf '{"sample_id": "demo", ' >"$TMP/in/trunc.json"
: >"$TMP/in/empty.json"
printf '"just a string"' >"$TMP/in/string.json"
printf '[1, 2]' >"$TMP/in/list.json"
head -c 300000 /dev/zero | tr '\0' ' ' >"$TMP/in/huge.json"
printf '\x89PNG\r\n' >"$TMP/in/binary.json"
inputfile 3 "does not exist" 'no such file' "$TMP/in/nothing.json"
inputfile 3 "a folder" 'is a folder' "$TMP/in"
inputfile 2 "truncated JSON" 'not JSON' "$TMP/in/trunc.json"
inputfile 2 "empty file" 'not JSON' "$TMP/in/empty.json"
inputfile 2 "binary" 'not JSON' "$TMP/in/binary.json"
inputfile 2 "a JSON string" 'must be a JSON object, got string' "$TMP/in/string.json"
inputfile 2 "a JSON list" 'must be a JSON object, got a list' "$TMP/in/list.json"
inputfile 2 "over 256 KiB" 'larger than 256 KiB' "$TMP/in/huge.json"
check_exit 1 "no input file is usage (exit 1)" "$RUN"
check_exit 1 "an unknown option is usage (exit 1)" "$RUN" --frobnicate "$TMP/in/trunc.json"
check_sh "nothing was written by the refused inputs" "[ ! -e '$TMP/out' ] && [ -z \"\$(ls -A '$TMP/work')\" ]"

# real runs: what the input checks cannot see
# run NAME CODE 'STDERR REGEX' KEY=JSON...
run() {
	local name=$1 want=$2 msg=$3; shift 3
	n=$((n + 1))
	j "$@" >"$TMP/in/run$n.json"
	"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" -q "$TMP/in/run$n.json" >"$TMP/run$n.out" 2>"$TMP/run$n.err"
	local rc=$?
	if [ $rc -eq "$want" ] && { [ -z "$msg" ] || { [ "$(wc -l <"$TMP/run$n.err")" -eq 1 ] && grep -Eq "$msg" "$TMP/run$n.err"; }; }; then echo "ok $name"
	else echo "not ok $name (exit $rc)"; _lib_failed=1; sed 's/^/#   /' "$TMP/run$n.err" | head -n 5; fi
}
mkdir -p "$TMP/nofai" "$TMP/noidx"
cp "$DATA/ref.fa" "$TMP/nofai/genome.fa"
cp "$TMP/ref/genome.fa" "$TMP/ref/genome.fa.fai" "$TMP/noidx/"
run "reference without .fai: exit 3, one line naming it" 3 \
	"ReadFai failed \(sample demo\): S3.NoSuchKey: $TMP/nofai/genome.fa.fai: no such file" \
	chromosomes=DELETE "reference=\"$TMP/nofai/\"" "output_prefix=\"$TMP/o1/\""
run "reference without the index: exit 3, one line naming the file" 3 \
	"AlignSort failed \(sample demo, Batch job local-[0-9-]+\): States.TaskFailed: exit 3: .*$TMP/noidx/genome.fa.gsai: No such file" \
	"reference=\"$TMP/noidx/\"" "output_prefix=\"$TMP/o2/\""
check_sh "... nothing under either output prefix" "[ ! -e '$TMP/o1' ] && [ ! -e '$TMP/o2' ]"
run "a chromosome not in the reference: exit 2, one line naming it" 2 \
	"CallVariants failed \(sample demo, Batch job local-[0-9-]+\): States.TaskFailed: exit 2: .*'chrNOPE'" \
	'chromosomes=["chrNOPE"]' "output_prefix=\"$TMP/o3/\""
check_sh "... no VCF under a final name, no work folder left" "
	[ ! -e '$TMP/o3/demo.vcf.gz' ] && ! find '$TMP/o3' -name '*.vcf.gz*' | grep -q . && [ -z \"\$(ls -A '$TMP/work')\" ]"

# odd but allowed characters: quotes, backticks, a backslash, unicode, a space
# and '..' in the output folder, a work folder with glob characters and quotes,
# an extra field in the input
ODD=$TMP/"o'q\"d\`b\`é\\x"/../"out é'\"/"
mkdir -p "$TMP/o'q\"d\`b\`é\\x"
WODD=$TMP/'w \ "q" [x] *?'
mkdir -p "$WODD"
export WODD
j "output_prefix=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$ODD")" 'comment="an extra field"' >"$TMP/in/odd.json"
check "odd characters in the output and work folders: the run succeeds" \
	"$RUN" --workdir "$WODD" --logs "$TMP/logs" -q "$TMP/in/odd.json"
check_sh "... the outputs are where the input said, the work folder is empty" "
	cd '$TMP'; d=\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"output_prefix\"])' '$TMP/in/odd.json')
	[ -s \"\$d/demo.vcf.gz\" ]; [ -s \"\$d/demo.vcf.gz.tbi\" ]; [ -s \"\$d/demo.bam\" ]
	zcat \"\$d/demo.vcf.gz\" | grep -q '^chr20_10M'
	[ -z \"\$(ls -A \"\$WODD\")\" ]"
rm -rf "$TMP/work"/*

# the output into an input folder (the reference's): inputs untouched
cp -r "$TMP/ref" "$TMP/ref2"
sums() { (cd "$1" && sha256sum genome.fa genome.fa.fai genome.fa.gsai); }
sums "$TMP/ref2" >"$TMP/ref2.sums"
run "output_prefix = the reference folder: succeeds" 0 "" "reference=\"$TMP/ref2/\"" "output_prefix=\"$TMP/ref2/\""
check_sh "... the reference files are unchanged, the outputs beside them" "
	diff <(cd '$TMP/ref2' && sha256sum genome.fa genome.fa.fai genome.fa.gsai) '$TMP/ref2.sums'
	[ -s '$TMP/ref2/demo.vcf.gz' ] && [ -s '$TMP/ref2/demo.bam' ]"

# an S3 output whose bucket does not exist: exit 4, nothing left
if start_s3rver; then
	export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
	run "s3:// output in a bucket that does not exist: exit 4, one line" 4 \
		'AlignSort failed \(sample demo, Batch job local-[0-9-]+\): States.TaskFailed: exit 4: ' \
		'output_prefix="s3://no-such-bucket/out/"'
	check_sh "... no work folder left" "[ -z \"\$(ls -A '$TMP/work')\" ]"
	unset AWS_ENDPOINT_URL_S3
else
	echo "not ok s3rver started"; _lib_failed=1
fi

# SIGINT / SIGTERM to gsa-run while AlignSort runs, and while the Map runs:
# exit 130 / 143, every job it started gone, nothing under a final name
stop_at() { # SIGNAL 'PROGRESS REGEX' NAME [group: to the whole process group, as Ctrl-C does]
	local sig=$1 at=$2 name=$3 group=${4:-} rc=0 pids p
	rm -rf "$TMP/os" "$TMP/work"/*
	j 'chromosomes=["chr20_10M", "chr20_35M", "chr20_50M"]' 'max_concurrency=3' "output_prefix=\"$TMP/os/\"" >"$TMP/in/stop.json"
	setsid "$RUN" --workdir "$TMP/work" --logs "$TMP/logs" "$TMP/in/stop.json" >"$TMP/stop.out" 2>"$TMP/stop.err" &
	local runpid=$!
	_lib_pids+=($runpid)
	for _ in $(seq 600); do grep -Eq "$at" "$TMP/stop.err" && break; sleep 0.05; done
	if [ -n "$group" ]; then kill -"$sig" -- -$runpid; else kill -"$sig" $runpid; fi
	for _ in $(seq 600); do kill -0 $runpid 2>/dev/null || break; sleep 0.1; done
	wait $runpid || rc=$?
	pids=$(sed -n 's/.*attempt [0-9]* started (job [^,]*, pid \([0-9]*\)).*/\1/p' "$TMP/stop.err")
	local alive=
	for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
	check_sh "$name" "
		[ $rc -eq $([ "$sig" = INT ] && echo 130 || echo 143) ]
		grep -Eq '$at' '$TMP/stop.err'
		[ -n '$pids' ] && [ -z '$alive' ]
		grep -q 'gsa-run: stopped by SIG$sig' '$TMP/stop.err'
		[ ! -e '$TMP/os/demo.vcf.gz' ] && [ ! -e '$TMP/os/demo.vcf.gz.tbi' ]
		! find '$TMP/os' -name '*tmp*' 2>/dev/null | grep -q .
		[ -z \"\$(ls -A '$TMP/work')\" ]"
}
stop_at INT 'align [|] sort-index: attempt 1 started' "SIGINT during AlignSort: exit 130, no job left, nothing delivered"
check_sh "... and no BAM under its final name" "[ ! -e '$TMP/os/demo.bam' ]"
stop_at TERM 'call-variants chr20_[0-9]+M: attempt 1 started' "SIGTERM during the Map: exit 143, no job left, no VCF delivered"
stop_at INT 'call-variants chr20_[0-9]+M: attempt 1 started' "Ctrl-C (SIGINT to the process group) during the Map: exit 130, no job left" group
stop_at TERM 'align [|] sort-index: attempt 1 started' "SIGTERM to the process group during AlignSort: exit 143, not retried as a Spot reclaim" group
check_sh "... no attempt 2" "! grep -q 'attempt 2 started' '$TMP/stop.err'"

# two gsa-run at once into the same output prefix: both succeed, the outputs are whole
rm -rf "$TMP/same" "$TMP/work"/*
j "output_prefix=\"$TMP/same/\"" >"$TMP/in/same.json"
"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" -q "$TMP/in/same.json" >"$TMP/same1.out" 2>"$TMP/same1.err" &
p1=$!
"$RUN" --workdir "$TMP/work" --logs "$TMP/logs" -q "$TMP/in/same.json" >"$TMP/same2.out" 2>"$TMP/same2.err" &
p2=$!
_lib_pids+=($p1 $p2)
rc1=0 rc2=0
wait $p1 || rc1=$?
wait $p2 || rc2=$?
check_sh "two gsa-run into one output prefix: both succeed, each in its own calls folder, the VCF is whole" "
	[ $rc1 -eq 0 ]; [ $rc2 -eq 0 ]
	[ \$(ls '$TMP/same/demo.calls' | wc -l) -eq 2 ]
	gzip -t '$TMP/same/demo.vcf.gz'
	[ \$(zcat '$TMP/same/demo.vcf.gz' | grep -vc '^#') -gt 0 ]
	! find '$TMP/same' -name '*tmp*' | grep -q .
	[ -z \"\$(ls -A '$TMP/work')\" ]"
finish
