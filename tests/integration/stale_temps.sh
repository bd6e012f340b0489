#!/usr/bin/env bash
# Leftovers after SIGKILL (issue 16, common/stale.h): the next run into the
# same folder removes what a killed run left — its own naming pattern only
# (".OUT.tmp.XXXXXX" of the same output, ".sort-index.XXXXXX" spill folders,
# job's "job-XXXXXX" work folders), only when no live process holds it (an
# flock its owner keeps) and it is older than 10 s.  A leftover's age is
# simulated with touch -d instead of waiting.
. "$(dirname "$0")/lib.sh"
command -v samtools >/dev/null || skip "samtools missing"
command -v flock >/dev/null || skip "flock (util-linux) missing"
SI=$GSA_BIN/sort-index
python3 "$GSA_ROOT/tests/data/sort-index/gen_sam.py" 60000 20 3 >"$TMP/in.sam" || exit 1
samtools view -b -o "$TMP/in.bam" "$TMP/in.sam" || exit 1
mkdir -p "$TMP/o"
old() { touch -d '2 minutes ago' "$@"; }

# hand-made leftovers around one output
printf x >"$TMP/o/.s.bam.tmp.Ab3dE9"; old "$TMP/o/.s.bam.tmp.Ab3dE9"          # stale: removed
printf x >"$TMP/o/.s.bam.tmp.Zz9Yy8"                                          # young: kept
printf x >"$TMP/o/.s.bam.tmp.Held12"; old "$TMP/o/.s.bam.tmp.Held12"          # held by a live process: kept
printf x >"$TMP/o/.t.bam.tmp.Ab3dE9"; old "$TMP/o/.t.bam.tmp.Ab3dE9"          # another output's: kept
printf x >"$TMP/o/.s.bam.tmp.Ab3dE9x"; old "$TMP/o/.s.bam.tmp.Ab3dE9x"        # not the pattern: kept
mkdir -p "$TMP/o/.sort-index.Qw12Er"; printf x >"$TMP/o/.sort-index.Qw12Er/run.0"; old "$TMP/o/.sort-index.Qw12Er"
ln -s /etc/passwd "$TMP/o/.s.bam.tmp.Link12"                                   # a symlink: never
flock -s "$TMP/o/.s.bam.tmp.Held12" sleep 300 &
holder=$!; _lib_pids+=("$holder")
for _ in $(seq 50); do flock -n -x "$TMP/o/.s.bam.tmp.Held12" true 2>/dev/null || break; sleep 0.1; done
check "sort-index writes s.bam beside the leftovers" "$SI" --quiet -o "$TMP/o/s.bam" "$TMP/in.bam"
check_sh "... its stale temp and a stale spill folder are gone" \
	"[ ! -e '$TMP/o/.s.bam.tmp.Ab3dE9' ] && [ ! -e '$TMP/o/.sort-index.Qw12Er' ]"
check_sh "... a young temp, a held temp, another output's temp, other names and a symlink stay" "
	[ -e '$TMP/o/.s.bam.tmp.Zz9Yy8' ]; [ -e '$TMP/o/.s.bam.tmp.Held12' ]; [ -e '$TMP/o/.t.bam.tmp.Ab3dE9' ]
	[ -e '$TMP/o/.s.bam.tmp.Ab3dE9x' ] && [ -L '$TMP/o/.s.bam.tmp.Link12' ] && [ -e /etc/passwd ]"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
rm -f "$TMP/o"/.s.bam.tmp.* "$TMP/o"/.t.bam.tmp.* "$TMP/o/s.bam"*

# a real SIGKILL in the middle of a spilling sort: leftovers, then swept
kill_mid_run() { # OUT: start a spilling sort, SIGKILL it once it has spilled
	"$SI" --quiet -m 1M -l 9 -o "$1" "$TMP/in.sam" 2>/dev/null &
	local pid=$! i
	for i in $(seq 200); do ls -d "$TMP/o"/.sort-index.* >/dev/null 2>&1 && break; sleep 0.05; done
	kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
}
kill_mid_run "$TMP/o/k.bam"
check_sh "SIGKILL mid-sort leaves a spill folder and no k.bam" "ls -d '$TMP/o'/.sort-index.* >/dev/null && [ ! -e '$TMP/o/k.bam' ]"
find "$TMP/o" -mindepth 1 -exec touch -h -d '2 minutes ago' {} +
check "the next sort into the same folder succeeds" "$SI" --quiet -m 1M -o "$TMP/o/k.bam" "$TMP/in.sam"
check_sh "... and nothing of the killed run is left" "
	[ -z \"\$(ls -A '$TMP/o' | grep -v '^k\.bam\$' | grep -v '^k\.bam\.bai\$')\" ] && samtools quickcheck '$TMP/o/k.bam'"

# call-variants: the output temps of a killed run (data and index)
D=$TMP/cv; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_case.py" "$D" >/dev/null && samtools faidx "$D/ref.fa" &&
	samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1
printf x >"$D/.v.vcf.gz.tmp.Ab3dE9"; printf x >"$D/.v.vcf.gz.tbi.tmp.Ab3dE9"; old "$D"/.v.vcf.gz*
check_sh "call-variants removes the stale temps of its VCF and index" "
	'$GSA_BIN/call-variants' --quiet -f '$D/ref.fa' -o '$D/v.vcf.gz' '$D/aln.bam'
	[ ! -e '$D/.v.vcf.gz.tmp.Ab3dE9' ] && [ ! -e '$D/.v.vcf.gz.tbi.tmp.Ab3dE9' ] && [ -s '$D/v.vcf.gz.tbi' ]"

# job: a work folder whose job was SIGKILLed while its command runs on
J=$TMP/jw; mkdir -p "$J"
"$GSA_BIN/job" -w "$J" -- sleep 300 2>/dev/null &
jpid=$!
for _ in $(seq 100); do ls -d "$J"/job-* >/dev/null 2>&1 && pgrep -P $jpid sleep >/dev/null && break; sleep 0.05; done
orphan=$(pgrep -P $jpid sleep)
kill -KILL $jpid; wait $jpid 2>/dev/null
[ -n "$orphan" ] && _lib_pids+=("$orphan")
left=$(ls -d "$J"/job-* 2>/dev/null | head -n 1)
touch -d '2 minutes ago' "$left"
check_sh "job SIGKILLed: its folder stays while the orphaned command runs (it holds the lock)" "
	[ -n '$left' ]; [ -n '$orphan' ]; '$GSA_BIN/job' --quiet -w '$J' -- true; [ -d '$left' ]"
kill "$orphan" 2>/dev/null
for _ in $(seq 100); do kill -0 "$orphan" 2>/dev/null || break; sleep 0.05; done
check_sh "... and the next job removes it once nothing holds it" "'$GSA_BIN/job' --quiet -w '$J' -- true; [ ! -e '$left' ]"
check_sh "job --keep: the kept folder is renamed *.kept and never swept" "
	'$GSA_BIN/job' --quiet -k -w '$J' -- true; k=\$(ls -d '$J'/job-*.kept); touch -d '2 minutes ago' \"\$k\"
	'$GSA_BIN/job' --quiet -w '$J' -- true; [ -d \"\$k\" ]"
# align index --fai: the .fai goes through the same temp (htslib writes it), so a killed
# run's ".ref.fa.fai.tmp.XXXXXX" is swept by the next one
mkdir -p "$TMP/ix"; cp "$GSA_ROOT/demo/data/ref.fa" "$TMP/ix/ref.fa"
printf x >"$TMP/ix/.ref.fa.fai.tmp.Kx81Qa"; old "$TMP/ix/.ref.fa.fai.tmp.Kx81Qa"
check_sh "align index --fai: the .fai equals samtools faidx's, its stale temp is gone, no temp left" "
	'$GSA_BIN/align' index --quiet --fai '$TMP/ix/ref.fa'
	samtools faidx -o '$TMP/ix/want.fai' '$TMP/ix/ref.fa'; cmp '$TMP/ix/want.fai' '$TMP/ix/ref.fa.fai'
	[ -z \"\$(ls -A '$TMP/ix' | grep tmp)\" ]"
finish
