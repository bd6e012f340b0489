#!/usr/bin/env bash
# job with local paths: staging by glob, delivery, ${VAR} expansion, no shell,
# exit codes, signals, the work folder, and the JSON phase lines.
. "$(dirname "$0")/lib.sh"
JOB=$GSA_BIN/job
[ -x "$JOB" ] || skip "job not built"

mkdir -p "$TMP/in" "$TMP/w"
printf '>c1\nACGT\n' >"$TMP/in/ref.fa"
printf 'c1\t4\t4\t4\t5\n' >"$TMP/in/ref.fa.fai"
printf 'unrelated\n' >"$TMP/in/notes.txt"

empty_dir() { [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; }

# --- stage-in by glob, stage-out, work folder removed
check_sh "glob inputs staged, outputs delivered, work folder removed" "
	'$JOB' -w '$TMP/w' -i '$TMP/in/ref.fa*' -o 'both.txt' -o 'sub/*.txt' -p '$TMP/out1' -- \
		/bin/sh -c 'ls > both.txt; mkdir sub; cat ref.fa > sub/copy.txt; echo scratch > tmp.dat'
	grep -qx ref.fa '$TMP/out1/both.txt'; grep -qx ref.fa.fai '$TMP/out1/both.txt'
	! grep -q notes.txt '$TMP/out1/both.txt'
	cmp '$TMP/in/ref.fa' '$TMP/out1/sub/copy.txt'
	[ ! -e '$TMP/out1/tmp.dat' ]
	[ -z \"\$(ls -A '$TMP/w')\" ]"

# --- environment configuration (container overrides)
check_sh "JOB_INPUTS/JOB_OUTPUTS/JOB_OUTPUT_PREFIX and \${VAR} expansion" "
	SAMPLE_ID=S1 CHROMOSOME=c1 JOB_WORKDIR='$TMP/w' JOB_INPUTS='$TMP/in/ref.fa $TMP/in/notes.txt' \
	JOB_OUTPUTS='\${SAMPLE_ID}.\${CHROMOSOME}.txt' JOB_OUTPUT_PREFIX='$TMP/out2/\${SAMPLE_ID}' \
		'$JOB' -- /bin/sh -c 'cat ref.fa notes.txt > \"\$1\"' sh '\${SAMPLE_ID}.\${CHROMOSOME}.txt'
	[ \"\$(cat '$TMP/out2/S1/S1.c1.txt')\" = \"\$(cat '$TMP/in/ref.fa' '$TMP/in/notes.txt')\" ]"

check_sh "unset variable: exit 1, names it, nothing left behind" "
	set +e; CHROMOSOME=c1 '$JOB' -w '$TMP/w' -- /bin/echo '\${SAMPLE_IDD}' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 1 ]; grep -q 'SAMPLE_IDD is not set' '$TMP/e'; [ -z \"\$(ls -A '$TMP/w')\" ]"

# --- no shell: metacharacters reach the command as plain bytes
check_sh "arguments are not interpreted by a shell" "
	cd '$TMP'; '$JOB' -w '$TMP/w' -o args.txt -p '$TMP/out3' -- python3 -c \
		'import sys; open(\"args.txt\", \"w\").write(\"|\".join(sys.argv[1:]))' \
		'a;b' '\$(touch pwned)' '\`touch pwned\`' '*' '\$\$' '\$HOME' '> x'
	[ \"\$(cat '$TMP/out3/args.txt')\" = 'a;b|\$(touch pwned)|\`touch pwned\`|*|\$|\$HOME|> x' ]
	[ ! -e pwned ] && [ ! -e x ]"
check_sh "command's options are its own, not job's" "
	'$JOB' -w '$TMP/w' -o o.txt -p '$TMP/out4' -- /bin/sh -c 'printf \"%s|\" \"\$@\" > o.txt' sh -o -i --keep '\$(id)'
	[ \"\$(cat '$TMP/out4/o.txt')\" = '-o|-i|--keep|\$(id)|' ]"

# --- pipelines without a shell (--pipe)
check_sh "--pipe: stdout of each command feeds the next" "
	'$JOB' -P -w '$TMP/w' -o s.txt -p '$TMP/outp' -- /usr/bin/printf 'b\\na\\nc\\n' '|' /usr/bin/sort '|' /usr/bin/tee s.txt
	[ \"\$(cat '$TMP/outp/s.txt' | tr '\\n' ' ')\" = 'a b c ' ]"
check_sh "--pipe: the last failing command's status (pipefail), nothing delivered" "
	set +e; '$JOB' -P -w '$TMP/w' -o x -p '$TMP/outq' -- /bin/sh -c 'touch x; exit 3' '|' /bin/cat 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 3 ]; [ ! -e '$TMP/outq/x' ]
	set +e; '$JOB' -P -w '$TMP/w' -- /bin/echo hi '|' /bin/sh -c 'cat >/dev/null; exit 5' 2>/dev/null; rc=\$?; set -e
	[ \$rc -eq 5 ]"
check_exit 127 "--pipe: a command not found stops the pipeline" "$JOB" -P -w "$TMP/w" -- /bin/sleep 30 '|' no-such-command-gsa
check_sh "without --pipe, '|' is an ordinary argument" "
	'$JOB' -w '$TMP/w' -o a.txt -p '$TMP/outr' -- /bin/sh -c 'echo \"\$*\" > a.txt' sh x '|' y
	[ \"\$(cat '$TMP/outr/a.txt')\" = 'x | y' ]"
check_exit 1 "--pipe: an empty command is a usage error" "$JOB" -P -w "$TMP/w" -- /bin/true '|'

# --- values never run as code (issue 16)
check_sh "a value in a shell's -c script is read by the shell, never run" "
	cd '$TMP'; V='\$(touch ran-v)' '$JOB' -w '$TMP/w' -o o.txt -p '$TMP/outv' -- /bin/sh -c 'echo \"\${V}\" > o.txt' 2>/dev/null
	[ ! -e ran-v ]; [ ! -e '$TMP/w/ran-v' ]; [ \"\$(cat '$TMP/outv/o.txt')\" = '\$(touch ran-v)' ]"
check_sh "... nor through bash -ec, python -c, awk, env and xargs wrappers" "
	cd '$TMP'; export V='\$(touch ran-w)\";import os;os.system(\"touch ran-w\")#'
	'$JOB' -w '$TMP/w' -- env A=1 nice bash -ec 'echo \${V} >/dev/null' 2>/dev/null
	'$JOB' -w '$TMP/w' -- python3 -c 'print(\"\${V}\")' >/dev/null 2>&1 || true
	'$JOB' -w '$TMP/w' -- awk 'BEGIN { x = \"\${V}\" }' 2>/dev/null
	echo | '$JOB' -w '$TMP/w' -- xargs sh -c 'echo \${V}' >/dev/null 2>&1
	[ ! -e ran-w ]; [ -z \"\$(find '$TMP/w' -name ran-w)\" ]"
check_sh "a value that is '|' never splits a --pipe command line" "
	X='|' Y=touch '$JOB' -P -w '$TMP/w' -o o.txt -p '$TMP/outp' -- /bin/sh -c 'printf \"%s \" \"\$@\" > o.txt' sh '\${X}' '\${Y}' ran-p 2>/dev/null
	[ \"\$(cat '$TMP/outp/o.txt')\" = '| touch ran-p ' ]; [ -z \"\$(find '$TMP' -name ran-p)\" ]"

# --- failures
check_sh "failing command: its exit code, nothing delivered" "
	set +e; '$JOB' -w '$TMP/w' -o r.txt -p '$TMP/out5' -- /bin/sh -c 'echo partial > r.txt; exit 7' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 7 ]; [ ! -e '$TMP/out5' ] || empty_dir '$TMP/out5'; grep -q 'exit code 7' '$TMP/e'
	[ -z \"\$(ls -A '$TMP/w')\" ]"
check_sh "command killed by a signal: 128+N" "
	set +e; '$JOB' -w '$TMP/w' -- /bin/sh -c 'kill -KILL \$\$' 2>/dev/null; rc=\$?; set -e; [ \$rc -eq 137 ]"
check_sh "missing declared output: exit 3 naming it, nothing delivered" "
	set +e; '$JOB' -w '$TMP/w' -o a.txt -o 'b*.vcf' -p '$TMP/out6' -- /bin/sh -c 'echo a > a.txt' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 3 ]; grep -q \"declared output 'b\\*.vcf' was not produced\" '$TMP/e'
	[ ! -e '$TMP/out6/a.txt' ]; [ -z \"\$(ls -A '$TMP/w')\" ]"
check_sh "missing input: exit 3 naming it, command not run" "
	set +e; '$JOB' -w '$TMP/w' -i '$TMP/in/nope.fa' -- /bin/sh -c 'touch \"$TMP/ran\"' 2>'$TMP/e'; rc=\$?; set -e
	[ \$rc -eq 3 ]; grep -q 'nope.fa' '$TMP/e'; [ ! -e '$TMP/ran' ]"
check_exit 127 "command not found: 127" "$JOB" -w "$TMP/w" -- no-such-command-gsa
check_exit 1 "outputs without a prefix: usage error" "$JOB" -w "$TMP/w" -o x -- /bin/true
check_exit 1 "no command: usage error" "$JOB" -w "$TMP/w"

# --- signals: SIGTERM mid-run reaches the command; 143; nothing delivered; cleaned
wait_for() { local i; for i in $(seq 1 100); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
check_sh "SIGTERM: forwarded to the command, exit 143, nothing delivered, work folder removed" "
	'$JOB' -w '$TMP/w' -o out.txt -p '$TMP/out7' -- /bin/sh -c \
		'echo early > out.txt; trap \"echo got-term > \\\"$TMP/term\\\"; exit 0\" TERM; touch \"$TMP/started\"; while :; do sleep 1; done' &
	pid=\$!
	$(declare -f wait_for); wait_for '$TMP/started'
	kill -TERM \$pid; set +e; wait \$pid; rc=\$?; set -e
	[ \$rc -eq 143 ]; grep -qx got-term '$TMP/term'
	[ ! -e '$TMP/out7/out.txt' ]; [ -z \"\$(ls -A '$TMP/w')\" ]"
rm -f "$TMP/started"
check_sh "SIGTERM ignored by the command: killed after the grace period, exit 143" "
	'$JOB' -w '$TMP/w' -g 1 -- /bin/sh -c 'trap \"\" TERM; touch \"$TMP/started\"; while :; do sleep 1; done' 2>'$TMP/e' &
	pid=\$!
	$(declare -f wait_for); wait_for '$TMP/started'
	kill -TERM \$pid; set +e; wait \$pid; rc=\$?; set -e
	[ \$rc -eq 143 ]; grep -q 'killing it' '$TMP/e'; [ -z \"\$(ls -A '$TMP/w')\" ]"
rm -f "$TMP/started"
check_sh "SIGINT: forwarded, exit 130" "
	'$JOB' -w '$TMP/w' -- /bin/sh -c 'trap \"exit 0\" INT; touch \"$TMP/started\"; while :; do sleep 1; done' &
	pid=\$!
	$(declare -f wait_for); wait_for '$TMP/started'
	kill -INT \$pid; set +e; wait \$pid; rc=\$?; set -e; [ \$rc -eq 130 ]"

# as a container's PID 1 (a new PID namespace), where a signal without a
# handler would be dropped
rm -f "$TMP/started" "$TMP/term"
if unshare --pid --fork --mount-proc /bin/true 2>/dev/null; then
	check_sh "as PID 1: SIGTERM from outside reaches the command, exit 143" "
		unshare --pid --fork --mount-proc '$JOB' -w '$TMP/w' -- /bin/sh -c \
			'trap \"echo got-term > \\\"$TMP/term\\\"; exit 0\" TERM; touch \"$TMP/started\"; sleep 120 & wait' &
		u=\$! jp=
		# nothing below may stop the check before the kill: the command ends by itself after 120 s at worst
		$(declare -f wait_for); wait_for '$TMP/started' || true
		jp=\$(cat /proc/\$u/task/\$u/children 2>/dev/null || pgrep -P \$u || true); jp=\${jp%% *}
		ns=\$(awk '/^NSpid/ { print \$3 }' /proc/\${jp:-0}/status 2>/dev/null || true)
		kill -TERM \${jp:-\$u}; set +e; wait \$u; rc=\$?; set -e
		[ -n \"\$jp\" ]; [ \"\$ns\" = 1 ]
		[ \$rc -eq 143 ]; grep -qx got-term '$TMP/term'"
else
	echo "# as-PID-1 check not run: unshare --pid needs privileges here"
fi

# --- AWS Batch work folder, --keep, JSON phase lines
check_sh "Batch job id/attempt name the work folder; --keep keeps it; JSON phase lines" "
	AWS_BATCH_JOB_ID=abc-123 AWS_BATCH_JOB_ATTEMPT=2 '$JOB' -k -w '$TMP/w' -i '$TMP/in/ref.fa' -o n.txt -p '$TMP/out8' -- \
		/bin/sh -c 'pwd > n.txt' 2>'$TMP/log.json'
	[ \"\$(cat '$TMP/out8/n.txt')\" = '$TMP/w/abc-123/2' ]; [ -e '$TMP/w/abc-123/2/ref.fa' ]
	python3 - '$TMP/log.json' <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
phases = {l['phase']: l for l in lines if 'phase' in l}
assert set(phases) == {'stage-in', 'run', 'stage-out'}, phases
for p in phases.values():
    assert p['job_id'] == 'abc-123' and p['job_attempt'] == '2'
    assert p['exit_code'] == 0 and p['seconds'] >= 0
assert phases['stage-in']['bytes'] == 9 and phases['stage-in']['files'] == 1
assert phases['stage-out']['bytes'] == len('$TMP/w/abc-123/2\n')
assert phases['run']['bytes'] == len('$TMP/w/abc-123/2\n')  # what the command wrote
PY
	rm -rf '$TMP/w/abc-123'"

# --- a work folder whose path holds glob(3)'s special characters and quotes:
# the outputs are still found (the folder is matched literally), and only they
mkdir -p "$TMP/odd"
ODD=$TMP/odd/'w \ "q" [x] *?'
mkdir -p "$ODD"
export ODD
check "work folder path with \\ \" [ ] * ?: declared outputs found and delivered" \
	"$JOB" -w "$ODD" -o 'o*.txt' -p "$TMP/out-odd" -- /bin/sh -c 'echo one > o1.txt; echo two > o2.txt; echo no > x.txt'
check_sh "... exactly the declared files, work folder removed" "
	[ \"\$(cd '$TMP/out-odd' && ls | tr '\n' ' ')\" = 'o1.txt o2.txt ' ]
	[ \"\$(cat '$TMP/out-odd/o2.txt')\" = two ]
	[ -z \"\$(ls -A \"\$ODD\")\" ]"
finish
