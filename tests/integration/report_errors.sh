#!/usr/bin/env bash
# gsa-report and --metrics on bad input: one line naming the file, the exit
# code of the README's table, nothing left under an output's name.
. "$(dirname "$0")/lib.sh"
for t in gsa-report sort-index; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
R=$GSA_BIN/gsa-report
printf '{"tool":"align","kind":"gsa-align-metrics","version":1,"summary":{"reads":10,"mapped":9}}\n' >"$TMP/a.json"
printf '{"kind":"gsa-align-metrics"' >"$TMP/cut.json"
printf '{"kind":"something-else"}\n' >"$TMP/other.json"
printf '[1,2]\n' >"$TMP/array.json"

# one line on stderr, mentioning $2, exit $1, and no $TMP/out.html
bad() {
	local code=$1 what=$2; shift 2
	"$@" >"$TMP/o" 2>"$TMP/e"; local rc=$?
	cat "$TMP/e"
	[ $rc -eq "$code" ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q -- "$what" "$TMP/e" &&
		[ ! -e "$TMP/out.html" ] && [ -z "$(ls -A "$TMP" | grep '\.tmp\.')" ]
}
check "usage: no -o" bad 1 "missing -o" "$R" "$TMP/a.json"
check "usage: no metrics files" bad 1 "no metrics files" "$R" -o "$TMP/out.html"
check "usage: unknown option" bad 1 "unknown option" "$R" --bogus -o "$TMP/out.html" "$TMP/a.json"
check "a missing metrics file: exit 3 naming it" bad 3 "$TMP/nope.json" "$R" -o "$TMP/out.html" "$TMP/a.json" "$TMP/nope.json"
check "a truncated metrics file: exit 2 naming it" bad 2 "$TMP/cut.json" "$R" -o "$TMP/out.html" "$TMP/cut.json"
check "an unknown kind: exit 2 naming it" bad 2 "unknown metrics kind 'something-else'" "$R" -o "$TMP/out.html" "$TMP/other.json"
check "not an object: exit 2" bad 2 "$TMP/array.json" "$R" -o "$TMP/out.html" "$TMP/array.json"
check "two files of one kind: exit 2 naming both" bad 2 "a second gsa-align-metrics file (the first is $TMP/a.json)" \
	"$R" -o "$TMP/out.html" "$TMP/a.json" "$TMP/a.json"
check "an output folder that does not exist: exit 3" bad 3 "$TMP/no/dir" "$R" -o "$TMP/no/dir/out.html" "$TMP/a.json"
check_sh "a partial set of metrics still makes a page (the other sections left out)" "
	'$R' --quiet -o '$TMP/part.html' '$TMP/a.json'
	grep -q 'id=\"alignment\"' '$TMP/part.html'
	! grep -q 'id=\"coverage\"' '$TMP/part.html'
	! grep -q 'id=\"variants\"' '$TMP/part.html'"
check_sh "a sample name with markup is escaped in the page" "
	'$R' --quiet -s '<b>x&y</b>' -o '$TMP/esc.html' '$TMP/a.json'
	grep -q '&lt;b&gt;x&amp;y&lt;/b&gt;' '$TMP/esc.html'
	! grep -q '<b>x' '$TMP/esc.html'"

# --metrics into a folder that does not exist: exit 3 naming the file
printf '@HD\tVN:1.6\n@SQ\tSN:c\tLN:100\nr\t0\tc\t1\t60\t4M\t*\t0\t0\tACGT\t*\n' >"$TMP/in.sam"
check_sh "sort-index --metrics into a missing folder: exit 3 naming it" "
	rc=0; '$GSA_BIN/sort-index' --quiet --metrics '$TMP/no/m.json' -o '$TMP/s.bam' '$TMP/in.sam' 2>'$TMP/e' || rc=\$?
	cat '$TMP/e'; [ \$rc -eq 3 ] && grep -q '$TMP/no/m.json' '$TMP/e'"
finish
