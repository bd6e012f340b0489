#!/usr/bin/env bash
# Progress on align, sort-index, call-variants and s3-stage: a live line on a
# terminal (script(1) gives the tools a pty), a "progress done" log line off a
# terminal and with --log-format json, nothing with --quiet; the data written
# is the same whichever way progress is shown.
. "$(dirname "$0")/lib.sh"
for t in align sort-index call-variants s3-stage; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
command -v script >/dev/null || skip "script (util-linux) missing"
command -v samtools >/dev/null || skip "samtools missing (make deps)"
DATA=$GSA_ROOT/demo/data
cp "$DATA/ref.fa" "$TMP/ref.fa"
"$GSA_BIN/align" index --fai --quiet "$TMP/ref.fa"
MAP="'$GSA_BIN/align' map -t 2 '$TMP/ref.fa' '$DATA/R1.fastq.gz' '$DATA/R2.fastq.gz'"

# json: every stderr line is a JSON object; the last progress line is the total
cat >"$TMP/done.py" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
done = [l for l in lines if l['msg'] == 'progress done']
assert len(done) == 1, done
d = done[0]
print(d)
assert d['unit'] == sys.argv[2] and d['done'] == int(sys.argv[3]), d
if len(sys.argv) > 4: assert d['total'] == int(sys.argv[4]), d
PY
check "align --log-format json: one 'progress done' line, 60000 reads" bash -c "
	$MAP --log-format json -o '$TMP/json.bam' 2>'$TMP/align.json.err' &&
	python3 '$TMP/done.py' '$TMP/align.json.err' reads 60000 60000"
check_sh "align off a terminal (text): a 'progress done' log line, no carriage return" "
	$MAP -o '$TMP/text.bam' 2>'$TMP/align.text.err'
	grep -q '^align: progress done unit=reads done=60000 total=60000 ' '$TMP/align.text.err'
	! grep -q \$'\\r' '$TMP/align.text.err'"
check_sh "align --quiet: nothing on stderr" "
	$MAP --quiet -o '$TMP/quiet.bam' 2>'$TMP/align.quiet.err'
	[ ! -s '$TMP/align.quiet.err' ]"
check_sh "align on a terminal: a live line (carriage return, reads, rate, ETA) ended by a newline" "
	script -qefc \"$MAP -o '$TMP/tty.bam'\" '$TMP/align.tty' >/dev/null
	grep -a -q \$'\\ralign: 60.0k reads / 60.0k (100%)  [0-9.k]* reads/s  ETA 0:00:00\\033\\[K\\r\$' '$TMP/align.tty'"
check_sh "align: the same records whichever way progress is shown" "
	for b in text quiet tty; do
		cmp <(samtools view '$TMP/json.bam') <(samtools view \"$TMP/\$b.bam\")
	done"

check "sort-index --log-format json: 'progress done' after writing every record" bash -c "
	'$GSA_BIN/sort-index' --log-format json -o '$TMP/s.bam' '$TMP/json.bam' 2>'$TMP/si.err' &&
	python3 '$TMP/done.py' '$TMP/si.err' records 60000 60000 && grep -q '\"phase\":\"writing\"' '$TMP/si.err'"
check_sh "sort-index --quiet: nothing on stderr; the same BAM as with progress" "
	'$GSA_BIN/sort-index' --quiet -o '$TMP/sq.bam' '$TMP/json.bam' 2>'$TMP/siq.err'
	[ ! -s '$TMP/siq.err' ]
	cmp <(samtools view '$TMP/s.bam') <(samtools view '$TMP/sq.bam')"
check_sh "sort-index on a terminal: a live line" "
	script -qefc \"'$GSA_BIN/sort-index' -o '$TMP/st.bam' '$TMP/json.bam'\" '$TMP/si.tty' >/dev/null
	grep -a -q \$'\\rsort-index: writing: 60.0k records / 60.0k (100%)' '$TMP/si.tty'"

check "call-variants --log-format json: 'progress done' over the contigs' 360000 bases" bash -c "
	'$GSA_BIN/call-variants' --log-format json -f '$TMP/ref.fa' -o '$TMP/c.vcf.gz' '$TMP/s.bam' 2>'$TMP/cv.err' &&
	python3 '$TMP/done.py' '$TMP/cv.err' bases 360000 360000"
check_sh "call-variants --quiet: nothing on stderr; the same records" "
	'$GSA_BIN/call-variants' --quiet -f '$TMP/ref.fa' -o '$TMP/cq.vcf.gz' '$TMP/s.bam' 2>'$TMP/cvq.err'
	[ ! -s '$TMP/cvq.err' ]
	cmp <(zcat '$TMP/c.vcf.gz' | grep -v '^##') <(zcat '$TMP/cq.vcf.gz' | grep -v '^##')"

size=$(stat -c %s "$TMP/s.bam")
check "s3-stage --log-format json: 'progress done' with every byte" bash -c "
	'$GSA_BIN/s3-stage' get --log-format json '$TMP/s.bam' '$TMP/copy.bam' 2>'$TMP/s3.err' &&
	python3 '$TMP/done.py' '$TMP/s3.err' bytes $size $size && cmp '$TMP/s.bam' '$TMP/copy.bam'"
check_sh "s3-stage --quiet and --no-progress: no progress line" "
	'$GSA_BIN/s3-stage' get --quiet '$TMP/s.bam' '$TMP/copy2.bam' 2>'$TMP/s3q.err'
	[ ! -s '$TMP/s3q.err' ]
	'$GSA_BIN/s3-stage' get --no-progress --log-format json '$TMP/s.bam' '$TMP/copy3.bam' 2>'$TMP/s3n.err'
	! grep -q progress '$TMP/s3n.err'"
check_sh "s3-stage on a terminal: a live line in bytes" "
	script -qefc \"'$GSA_BIN/s3-stage' get '$TMP/s.bam' '$TMP/copy4.bam'\" '$TMP/s3.tty' >/dev/null
	grep -a -q \$'\\rs3-stage: .*MiB / .*MiB (100%)' '$TMP/s3.tty'"
finish
