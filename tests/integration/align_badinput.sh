#!/usr/bin/env bash
# align: bad input gives one clear line on stderr, exit 2, and no output
# file (not even a temp) — truncated gzip, R1/R2 count or name mismatch,
# sequence/quality length mismatch, empty input, missing or stale index,
# broken FASTA.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
D=$GSA_ROOT/tests/data/align
python3 "$D/gen_reads.py" "$TMP" 5 || { echo "not ok generate test data"; exit 1; }
"$A" index "$TMP/ref.fa" 2>/dev/null
mkdir -p "$TMP/out"

# bad_map NAME PATTERN ARGS... — exit 2, one stderr line matching PATTERN, out/ empty
bad_map() {
	local name=$1 pat=$2; shift 2
	rm -rf "$TMP/out"/* "$TMP/out"/.[!.]* 2>/dev/null
	"$A" map "$@" -o "$TMP/out/x.bam" >"$TMP/stdout" 2>"$TMP/stderr"; local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/stderr")" -eq 1 ] && grep -q -- "$pat" "$TMP/stderr" \
		&& [ -z "$(ls -A "$TMP/out")" ]; then
		echo "ok $name"
	else
		echo "not ok $name"; echo "#   exit $rc, out/: $(ls -A "$TMP/out" | tr '\n' ' ')"; sed 's/^/#   /' "$TMP/stderr" | head -5
		_lib_failed=1
	fi
}

head -c 20000 <(gzip -c "$TMP/r1.fq") >"$TMP/trunc.fq.gz"
gzip -c "$TMP/r2.fq" >"$TMP/r2.fq.gz"
bad_map "truncated gzip R1 -> exit 2" "truncated" "$TMP/ref.fa" "$TMP/trunc.fq.gz" "$TMP/r2.fq.gz"

head -n 400 "$TMP/r2.fq" >"$TMP/short2.fq"
bad_map "R1/R2 with different read counts -> exit 2" "different numbers of reads" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/short2.fq"

awk 'NR==9 {sub(/^@/, "@renamed_")} {print}' "$TMP/r2.fq" >"$TMP/renamed2.fq"
bad_map "mismatched mate names -> exit 2" "mate is" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/renamed2.fq"

awk 'NR==12 {$0 = substr($0, 2)} {print}' "$TMP/r1.fq" >"$TMP/badqual1.fq"
bad_map "sequence/quality length mismatch -> exit 2" "quality has" "$TMP/ref.fa" "$TMP/badqual1.fq" "$TMP/r2.fq"

: >"$TMP/empty.fq"; gzip -c "$TMP/empty.fq" >"$TMP/empty.fq.gz"
bad_map "empty FASTQ pair -> exit 2" "no reads" "$TMP/ref.fa" "$TMP/empty.fq.gz" "$TMP/empty.fq.gz"
bad_map "empty single-end FASTQ -> exit 2" "no reads" "$TMP/ref.fa" "$TMP/empty.fq"

printf 'this is not fastq\n' >"$TMP/junk.fq"
bad_map "not FASTQ -> exit 2" "not FASTQ" "$TMP/ref.fa" "$TMP/junk.fq"

cp "$TMP/ref.fa" "$TMP/noidx.fa"
bad_map "missing index -> exit 2" "index not found" "$TMP/noidx.fa" "$TMP/r1.fq" "$TMP/r2.fq"

cp "$TMP/ref.fa" "$TMP/stale.fa"; "$A" index "$TMP/stale.fa" 2>/dev/null
sleep 0.05; sed -i '2s/^./T/; 3s/^./G/' "$TMP/stale.fa"; touch "$TMP/stale.fa"
bad_map "stale index (FASTA edited, same size) -> exit 2" "stale index" "$TMP/stale.fa" "$TMP/r1.fq" "$TMP/r2.fq"
echo ACGT >>"$TMP/stale.fa"
bad_map "stale index (FASTA grew) -> exit 2" "stale index" "$TMP/stale.fa" "$TMP/r1.fq" "$TMP/r2.fq"

head -c 100 "$TMP/ref.fa.gsai" >"$TMP/cut.fa.gsai"; cp "$TMP/ref.fa" "$TMP/cut.fa"; touch -d '2000-01-01' "$TMP/cut.fa"
bad_map "truncated index -> exit 2" "index" "$TMP/cut.fa" "$TMP/r1.fq" "$TMP/r2.fq"

check_sh "the same input maps fine (control)" "'$A' map '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/out/ok.bam' 2>/dev/null; samtools quickcheck '$TMP/out/ok.bam'"

# index: broken FASTA -> exit 2, no index file left
bad_index() {
	local name=$1 pat=$2 fa=$3
	"$A" index "$fa" >/dev/null 2>"$TMP/stderr"; local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/stderr")" -eq 1 ] && grep -q -- "$pat" "$TMP/stderr" \
		&& [ -z "$(ls -A "$(dirname "$fa")" | grep gsai)" ]; then echo "ok $name"
	else echo "not ok $name"; echo "#   exit $rc"; sed 's/^/#   /' "$TMP/stderr" | head -3; _lib_failed=1; fi
}
mkdir -p "$TMP/fa1" "$TMP/fa2" "$TMP/fa3" "$TMP/fa4"
printf 'ACGT\n>x\nACGT\n' >"$TMP/fa1/r.fa"; bad_index "index: sequence before header -> exit 2" "before the first" "$TMP/fa1/r.fa"
head -c 30000 <(gzip -c "$TMP/ref.fa") >"$TMP/fa2/r.fa.gz"; bad_index "index: truncated gzip FASTA -> exit 2" "truncated" "$TMP/fa2/r.fa.gz"
: >"$TMP/fa3/r.fa"; bad_index "index: empty FASTA -> exit 2" "no FASTA records" "$TMP/fa3/r.fa"
printf '>a\nACGT\n>a\nACGT\n' >"$TMP/fa4/r.fa"; bad_index "index: duplicate contig name -> exit 2" "duplicate" "$TMP/fa4/r.fa"
check_exit 1 "map without R1 is a usage error (exit 1)" "$A" map "$TMP/ref.fa"
check_sh "common options before the command; JSON error line for a stale index" "
	set +e; '$A' --log-format json map '$TMP/stale.fa' '$TMP/r1.fq' 2>'$TMP/j.err' >/dev/null; rc=\$?; set -e
	[ \$rc -eq 2 ]; python3 -m json.tool --json-lines '$TMP/j.err' >/dev/null; grep -q 'stale index' '$TMP/j.err'"
finish
