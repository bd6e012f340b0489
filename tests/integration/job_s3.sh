#!/usr/bin/env bash
# job against a real S3 (s3rver on 127.0.0.1): stage-in by glob and prefix,
# stage-out, the shared cache (a second job downloads nothing; a new object
# version is fetched again; two jobs at once fetch once), and that a stopped,
# failing or incomplete command uploads nothing.
. "$(dirname "$0")/lib.sh"
JOB=$GSA_BIN/job
S3=$GSA_BIN/s3-stage; export S3 TMP
[ -x "$JOB" ] || skip "job not built"
[ -x "$S3" ] || skip "s3-stage not built"
start_s3rver || skip "s3rver not available (make deps)"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
B=s3://gsa-test
mkdir -p "$TMP/src/ref" "$TMP/src/reads" "$TMP/w" "$TMP/cache"
python3 - "$TMP/src" <<'PY'
import random, sys
r = random.Random(7)
d = sys.argv[1]
seq = ''.join(r.choice('ACGT') for _ in range(300000))
open(f'{d}/ref/genome.fa', 'w').write('>c1\n' + '\n'.join(seq[i:i+60] for i in range(0, len(seq), 60)) + '\n')
open(f'{d}/ref/genome.fa.fai', 'w').write('c1\t300000\t4\t60\t61\n')
for name in ('S1_R1', 'S1_R2', 'S2_R1'):
    open(f'{d}/reads/{name}.fq', 'w').write(f'@{name}\nACGT\n+\nIIII\n')
PY
"$S3" put --no-progress --quiet "$TMP/src/ref/" "$B/ref/" && "$S3" put --no-progress --quiet "$TMP/src/reads/" "$B/reads/" ||
	{ echo "not ok fixtures uploaded to s3rver"; finish; }

absent() { ! "$S3" get --no-progress --quiet "$1" "$TMP/absent-check/" 2>/dev/null; }
phase() { # LOGFILE PHASE FIELD
	grep "\"phase\":\"$2\"" "$1" | grep -o "\"$3\":[0-9]*" | cut -d: -f2
}

check_sh "stage-in by glob and prefix, stage-out to S3" "
	'$JOB' -w '$TMP/w' -c '$TMP/cache' -i '$B/reads/S1_*.fq' -i '$B/ref/' -o names.txt -p '$B/out1/' -- \
		/bin/sh -c 'ls > names.txt'
	'$S3' get --no-progress --quiet '$B/out1/names.txt' '$TMP/names.txt'
	[ \"\$(tr '\n' ' ' < '$TMP/names.txt')\" = 'S1_R1.fq S1_R2.fq genome.fa genome.fa.fai names.txt ' ]
	[ -z \"\$(ls -A '$TMP/w')\" ]"

size=$(stat -c %s "$TMP/src/ref/genome.fa")
rm -rf "$TMP/cache"; mkdir -p "$TMP/cache"
check_sh "cache: the second job on the instance downloads nothing" "
	'$JOB' --log-format json -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/genome.fa' -- /usr/bin/cmp genome.fa '$TMP/src/ref/genome.fa' 2>'$TMP/j1.log'
	'$JOB' --log-format json -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/genome.fa' -- /usr/bin/cmp genome.fa '$TMP/src/ref/genome.fa' 2>'$TMP/j2.log'
	$(declare -f phase)
	[ \"\$(phase '$TMP/j1.log' stage-in bytes_transferred)\" = $size ]
	[ \"\$(phase '$TMP/j1.log' stage-in cache_hits)\" = 0 ]
	[ \"\$(phase '$TMP/j2.log' stage-in bytes_transferred)\" = 0 ]
	[ \"\$(phase '$TMP/j2.log' stage-in cache_hits)\" = 1 ]
	[ \"\$(phase '$TMP/j2.log' stage-in bytes)\" = $size ]"

check_sh "cache: a changed object is fetched again" "
	printf '>c1\nACGTACGT\n' > '$TMP/new.fa'
	'$S3' put --no-progress --quiet '$TMP/new.fa' '$B/ref/genome.fa'
	'$JOB' --log-format json -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/genome.fa' -- /usr/bin/cmp genome.fa '$TMP/new.fa' 2>'$TMP/j3.log'
	$(declare -f phase)
	[ \"\$(phase '$TMP/j3.log' stage-in cache_hits)\" = 0 ]
	'$S3' put --no-progress --quiet '$TMP/src/ref/genome.fa' '$B/ref/genome.fa'"

rm -rf "$TMP/cache"; mkdir -p "$TMP/cache"
check_sh "cache: two jobs starting together fetch once" "
	'$JOB' --log-format json -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/genome.fa' -- /bin/true 2>'$TMP/c1.log' & p1=\$!
	'$JOB' --log-format json -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/genome.fa' -- /bin/true 2>'$TMP/c2.log' & p2=\$!
	wait \$p1; wait \$p2
	$(declare -f phase)
	[ \$(( \$(phase '$TMP/c1.log' stage-in bytes_transferred) + \$(phase '$TMP/c2.log' stage-in bytes_transferred) )) -eq $size ]
	[ \$(( \$(phase '$TMP/c1.log' stage-in cache_hits) + \$(phase '$TMP/c2.log' stage-in cache_hits) )) -eq 1 ]"

check_sh "no cache: --no-cache downloads into the work folder" "
	'$JOB' --log-format json --no-cache -w '$TMP/w' -c '$TMP/nocache' -i '$B/ref/genome.fa.fai' -- /usr/bin/cmp genome.fa.fai '$TMP/src/ref/genome.fa.fai' 2>'$TMP/n.log'
	[ ! -e '$TMP/nocache' ]"

wait_for() { local i; for i in $(seq 1 100); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
check_sh "SIGTERM mid-run: command gets it, exit 143, nothing uploaded, work folder removed" "
	'$JOB' -w '$TMP/w' -c '$TMP/cache' -i '$B/reads/S1_R1.fq' -o out.txt -p '$B/out2/' -- /bin/sh -c \
		'echo early > out.txt; trap \"echo got-term > \\\"$TMP/term\\\"; exit 0\" TERM; touch \"$TMP/started\"; while :; do sleep 1; done' &
	pid=\$!
	$(declare -f wait_for); wait_for '$TMP/started'
	kill -TERM \$pid; set +e; wait \$pid; rc=\$?; set -e
	[ \$rc -eq 143 ]; grep -qx got-term '$TMP/term'
	$(declare -f absent); absent '$B/out2/'
	[ -z \"\$(ls -A '$TMP/w')\" ]"

# another job holds the cache entry's lock (as while it downloads): this job
# waits; a SIGTERM while it waits stops it before the command runs
uri=$B/ref/genome.fa.fai
entry=$TMP/cache/objects/$(printf %s "$uri" | sha256sum | cut -d' ' -f1)
mkdir -p "$entry"
rm -f "$TMP/started"
check_sh "SIGTERM while waiting for the cache lock: exit 143, command not run, folder removed" "
	python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], \"w\"); fcntl.flock(f, fcntl.LOCK_EX); open(sys.argv[2], \"w\").close(); time.sleep(60)' \\
		'$entry/lock' '$TMP/started' & holder=\$!
	$(declare -f wait_for); wait_for '$TMP/started'
	'$JOB' -w '$TMP/w' -c '$TMP/cache' -i '$uri' -- /bin/sh -c 'touch \"$TMP/ran2\"' 2>'$TMP/e' & pid=\$!
	for i in \$(seq 1 100); do grep -q 'waiting for another job' '$TMP/e' && break; sleep 0.1; done
	grep -q 'waiting for another job' '$TMP/e'
	kill -TERM \$pid; set +e; wait \$pid; rc=\$?; set -e
	kill \$holder; wait \$holder || true
	[ \$rc -eq 143 ]; [ ! -e '$TMP/ran2' ]; [ -z \"\$(ls -A '$TMP/w')\" ]"

check_sh "missing output: exit 3 naming it, nothing uploaded" "
	set +e; '$JOB' -w '$TMP/w' -o a.txt -o b.txt -p '$B/out3/' -- /bin/sh -c 'echo a > a.txt' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 3 ]; grep -q \"declared output 'b.txt' was not produced\" '$TMP/e'
	$(declare -f absent); absent '$B/out3/'"

check_sh "failing command: its exit code, nothing uploaded" "
	set +e; '$JOB' -w '$TMP/w' -o a.txt -p '$B/out4/' -- /bin/sh -c 'echo a > a.txt; exit 9' 2>/dev/null; rc=\$?; set -e
	[ \$rc -eq 9 ]
	$(declare -f absent); absent '$B/out4/'"

check_sh "missing S3 input: exit 4 naming it, command not run" "
	set +e; '$JOB' -w '$TMP/w' -c '$TMP/cache' -i '$B/ref/nope.fa' -- /bin/sh -c 'touch \"$TMP/ran\"' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 4 ]; grep -q 'nope.fa' '$TMP/e'; [ ! -e '$TMP/ran' ]
	set +e; '$JOB' -w '$TMP/w' -c '$TMP/cache' -i '$B/reads/S9_*.fq' -- /bin/true 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 4 ]; grep -q 'S9_\*.fq' '$TMP/e'"
finish
