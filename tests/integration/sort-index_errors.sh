#!/usr/bin/env bash
# sort-index: bad input, full disks and signals give a clear error, the
# exit code from the table, and leave no output, index or temp file.
. "$(dirname "$0")/lib.sh"
SI=$GSA_BIN/sort-index
GEN=$GSA_ROOT/tests/data/sort-index/gen_sam.py
command -v samtools >/dev/null || skip "samtools missing"

python3 "$GEN" 12000 20 3 >"$TMP/in.sam"
samtools view -b -o "$TMP/in.bam" "$TMP/in.sam"
size=$(stat -c %s "$TMP/in.bam")
head -c $((size / 2)) "$TMP/in.bam" >"$TMP/cut_mid.bam"      # cut inside a BGZF block
head -c $((size - 28)) "$TMP/in.bam" >"$TMP/cut_eof.bam"     # whole blocks, no EOF marker
mkdir -p "$TMP/out"

# nothing_left DIR: no BAM, index or temp file in DIR
nothing_left() { test -z "$(ls -A "$1")"; }
# one_line_error LOG WORDS: exactly one line, naming the input and saying what is wrong
one_line_error() { test "$(wc -l <"$1")" -eq 1 && grep -q "$2" "$1"; }

check_exit 1 "usage: missing -o" "$SI" "$TMP/in.bam"
check_exit 1 "usage: bad -m" "$SI" -m 12Q -o "$TMP/out/x.bam" "$TMP/in.bam"
check_exit 1 "usage: bad -l" "$SI" -l 13 -o "$TMP/out/x.bam" "$TMP/in.bam"
check_exit 1 "usage: -o - (the index needs a file)" "$SI" -o - "$TMP/in.bam"
check_exit 1 "usage: two inputs" "$SI" -o "$TMP/out/x.bam" "$TMP/in.bam" "$TMP/in.bam"
check_exit 3 "missing input file: exit 3" "$SI" -o "$TMP/out/x.bam" "$TMP/nope.bam"
check_exit 3 "output folder missing: exit 3 before reading" "$SI" -o "$TMP/nodir/x.bam" "$TMP/in.bam"
check_exit 3 "temp folder missing: exit 3 before reading" "$SI" -T "$TMP/nodir" -o "$TMP/out/x.bam" "$TMP/in.bam"

for threads in 0 2; do
	check_exit 2 "truncated BAM (cut mid-block), -@$threads: exit 2" \
		sh -c "'$SI' -@$threads -o '$TMP/out/t.bam' '$TMP/cut_mid.bam' 2>'$TMP/e.log'"
	check "truncated BAM: one line naming the file" one_line_error "$TMP/e.log" "cut_mid.bam: truncated"
	check_exit 2 "truncated BAM (no EOF marker), -@$threads: exit 2" "$SI" -@$threads -o "$TMP/out/t.bam" "$TMP/cut_eof.bam"
	check_exit 2 "truncated BAM through a pipe (mid-block), -@$threads: exit 2" \
		sh -c "cat '$TMP/cut_mid.bam' | '$SI' -@$threads -o '$TMP/out/t.bam' -"
	check_exit 2 "truncated BAM through a pipe (no EOF marker), -@$threads: exit 2" \
		sh -c "cat '$TMP/cut_eof.bam' | '$SI' -@$threads -o '$TMP/out/t.bam' - 2>'$TMP/e.log'"
	check "truncated pipe: says stdin is truncated" one_line_error "$TMP/e.log" "stdin: truncated"
done
check "no output, index or temp file after truncated input" nothing_left "$TMP/out"

# corrupt data inside a block: flip bytes in the middle of the file
python3 -c "
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
for i in range(len(d) // 2, len(d) // 2 + 64): d[i] ^= 0x5a
open(sys.argv[2], 'wb').write(d)" "$TMP/in.bam" "$TMP/corrupt.bam"
check_exit 2 "corrupt BGZF block: exit 2" "$SI" -o "$TMP/out/c.bam" "$TMP/corrupt.bam"
{ head -n 3000 "$TMP/in.sam"; printf 'bad\tnotaflag\tctg1\t5\t60\t4M\t*\t0\t0\tACGT\t*\n'; tail -n 3000 "$TMP/in.sam"; } >"$TMP/badfield.sam"
for threads in 0 2; do
	check_exit 2 "malformed SAM record on stdin, -@$threads: exit 2" \
		sh -c "'$SI' -@$threads -o '$TMP/out/bf.bam' - <'$TMP/badfield.sam' 2>'$TMP/e.log'"
	check "malformed SAM: one line saying so" one_line_error "$TMP/e.log" "stdin: malformed SAM record"
done
echo "this is not a BAM file" >"$TMP/junk.txt"
check_exit 2 "not SAM/BAM: exit 2" "$SI" -o "$TMP/out/j.bam" "$TMP/junk.txt"

# header/record mismatch: records on a contig the header no longer lists
samtools view -H "$TMP/in.bam" | grep -v 'SN:ctg19' >"$TMP/h.sam"
samtools reheader "$TMP/h.sam" "$TMP/in.bam" >"$TMP/mismatch.bam"
check_exit 2 "record on a contig missing from the header: exit 2" \
	sh -c "'$SI' -o '$TMP/out/m.bam' '$TMP/mismatch.bam' 2>'$TMP/e.log'"
check "header mismatch: one line saying so" one_line_error "$TMP/e.log" "contig the header does not list"
printf '@SQ\tSN:a\tLN:100\nr1\t0\ta\t500\t60\t4M\t*\t0\t0\tACGT\t*\n' >"$TMP/past.sam"
check_exit 2 "record past the end of its contig: exit 2" "$SI" -o "$TMP/out/p.bam" "$TMP/past.sam"
check "no output, index or temp file after bad input" nothing_left "$TMP/out"

check_sh "JSON error line with --log-format json" "
	! '$SI' --log-format json -o '$TMP/out/t.bam' '$TMP/cut_mid.bam' 2>'$TMP/e.json'
	python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d[\"level\"]==\"error\" and \"truncated\" in d[\"msg\"]' '$TMP/e.json'"

# SIGTERM while runs are spilled: exit 143, the temp folder emptied
mkdir -p "$TMP/spill" "$TMP/sig"
mkfifo "$TMP/fifo"
"$SI" --quiet -m 1M -T "$TMP/spill" -o "$TMP/sig/s.bam" - <"$TMP/fifo" &
sipid=$!
exec 3>"$TMP/fifo"
cat "$TMP/in.sam" >&3 # sort-index now waits for more input
tries=100
while [ $tries -gt 0 ] && ! ls "$TMP"/spill/.sort-index.*/run.* >/dev/null 2>&1; do sleep 0.1; tries=$((tries - 1)); done
check_sh "SIGTERM test: runs were spilled before the signal" "ls '$TMP'/spill/.sort-index.*/run.* >/dev/null"
kill -TERM $sipid
wait $sipid; rc=$?
exec 3>&-
check_sh "SIGTERM: exit 143" "test $rc -eq 143"
check "SIGTERM: temp folder left empty" nothing_left "$TMP/spill"
check "SIGTERM: no output left" nothing_left "$TMP/sig"

# full disks: a 4 MiB ext4 image (needs root and loop devices)
full_disk_tests() {
	mkdir -p "$TMP/mnt"
	truncate -s 4M "$TMP/img" && mkfs.ext4 -q "$TMP/img" && mount -o loop "$TMP/img" "$TMP/mnt" || return 1
	at_exit "umount '$TMP/mnt'"
	rm -rf "$TMP/mnt/lost+found"
	check_exit 3 "output folder full: exit 3" sh -c "'$SI' -l 0 -o '$TMP/mnt/full.bam' '$TMP/in.bam' 2>'$TMP/e.log'"
	check "output folder full: one line saying no space" one_line_error "$TMP/e.log" "No space left"
	check "output folder full: no output or index left" nothing_left "$TMP/mnt"
	check_exit 3 "output folder full with -@2 (errors from writer threads): exit 3" \
		sh -c "'$SI' -@2 -l 0 -o '$TMP/mnt/full.bam' '$TMP/in.bam' 2>'$TMP/e.log'"
	check "output folder full with -@2: no space named, nothing left" \
		sh -c "grep -q 'No space left' '$TMP/e.log' && test -z \"\$(ls -A '$TMP/mnt')\""
	check_exit 3 "temp folder full: exit 3" \
		sh -c "'$SI' -m 1M -T '$TMP/mnt' -o '$TMP/out/tf.bam' '$TMP/in.sam' 2>'$TMP/e.log'"
	check "temp folder full: one line saying no space" one_line_error "$TMP/e.log" "No space left"
	check "temp folder full: no temp files left" nothing_left "$TMP/mnt"
	check "temp folder full: no output left" nothing_left "$TMP/out"
}
if [ "$(id -u)" -eq 0 ] && command -v mkfs.ext4 >/dev/null; then
	full_disk_tests || echo "# loop mount unavailable: full-disk checks not run"
else
	echo "# not root: full-disk checks not run"
fi
finish
