#!/usr/bin/env bash
# Every tool: --help and --version exit 0 on stdout, an unknown option exits 1
# with one line on stderr, --log-format json errors are JSON.
. "$(dirname "$0")/lib.sh"

n=0
for tool in "$GSA_BIN"/*; do
	[ -x "$tool" ] || continue
	t=$(basename "$tool"); n=$((n + 1))
	check_sh "$t --help prints usage" "'$tool' --help | grep -q 'Usage:'"
	check_sh "$t --version names the tool and version" \
		"'$tool' --version | grep -Eq '^$t \\(gsa\\) [0-9]+\\.[0-9]+\\.[0-9]+'"
	check_sh "$t unknown option: exit 1, one line" \
		"set +e; '$tool' --no-such-option >'$TMP/o' 2>'$TMP/e'; rc=\$?; set -e
		 [ \$rc -eq 1 ]; [ ! -s '$TMP/o' ]; [ \$(wc -l <'$TMP/e') -eq 1 ]; grep -q -- '--no-such-option' '$TMP/e'"
	check_sh "$t json error line parses" \
		"set +e; '$tool' --log-format json --no-such-option 2>'$TMP/e' >/dev/null; set -e
		 python3 -m json.tool --json-lines '$TMP/e' >/dev/null"
done
[ $n -gt 0 ] || skip "no tools built in $GSA_BIN yet"
finish
