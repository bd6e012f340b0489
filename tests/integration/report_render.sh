#!/usr/bin/env bash
# gsa-report on the demo sample's metrics: a self-contained page that headless
# Chromium renders with every SVG plot present and non-empty, no console
# message, and a screenshot with real content (kept as
# build/report/report.png, the picture docs/report.png is committed from).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_report.sh"
for t in align sort-index call-variants gsa-report; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
command -v chromium >/dev/null || skip "chromium missing (scripts/deps.sh report)"

D=$TMP/demo
check "the demo sample with --metrics on every tool" report_demo_metrics "$D"
check "gsa-report writes the page and the MultiQC file" \
	"$GSA_BIN/gsa-report" --quiet -o "$D/report.html" -m "$D/demo_mqc.json" "$D/align.json" "$D/sort.json" "$D/calls.json"

check_sh "the page is self-contained: no script, no link, no external source" "
	f='$D/report.html'
	! grep -qiE '<script|<link|<img|<iframe|@import|url\\(' \"\$f\"
	# the only URI is the SVG namespace
	[ -z \"\$(grep -oE '(src|href)=\"[^\"]*\"' \"\$f\")\" ]
	[ \"\$(grep -oE 'https?://[^\"]*' \"\$f\" | sort -u)\" = 'http://www.w3.org/2000/svg' ]"

# headless Chromium, offline: its own profile, no network beyond file://
chrome() {
	HOME=$TMP timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
		--disable-dev-shm-usage --disable-extensions --user-data-dir="$TMP/profile" --hide-scrollbars \
		--enable-logging=stderr --v=0 "$@"
}
check "chromium renders the page (DOM after load)" \
	bash -c "$(declare -f chrome); TMP='$TMP'; chrome --dump-dom 'file://$D/report.html' >'$TMP/dom.html' 2>'$TMP/dom.err'"
check "chromium takes a screenshot" \
	bash -c "$(declare -f chrome); TMP='$TMP'; cd '$TMP' && chrome --window-size=1280,2900 --screenshot='$TMP/report.png' 'file://$D/report.html' >/dev/null 2>'$TMP/shot.err'"

# every plot: an <svg> with at least one drawn bar (height > 0) or a line of 2+ points
cat >"$TMP/plots.py" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.plots = []; self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'svg': self.cur = {'id': a.get('id'), 'bars': 0, 'points': 0}; self.plots.append(self.cur)
        elif self.cur and tag == 'rect' and a.get('class') == 'bar' and float(a.get('height', 0)) > 0: self.cur['bars'] += 1
        elif self.cur and tag == 'polyline' and a.get('class') == 'line': self.cur['points'] += len(a.get('points', '').split())
    def handle_endtag(self, tag):
        if tag == 'svg': self.cur = None
p = P(); p.feed(open(sys.argv[1]).read())
want = sys.argv[2].split(',')
for pl in p.plots: print(pl)
ids = [pl['id'] for pl in p.plots]
assert ids == want, f'plots {ids}, expected {want}'
empty = [pl['id'] for pl in p.plots if pl['bars'] == 0 and pl['points'] < 2]
assert not empty, f'empty plots: {empty}'
PY
PLOTS=plot-mapq,plot-insert,plot-cycle,plot-depth,plot-cumulative,plot-contigs,plot-types,plot-indels,plot-qual
check "the rendered DOM holds the 9 plots, none empty" python3 "$TMP/plots.py" "$TMP/dom.html" "$PLOTS"
check_sh "the rendered page shows the sample's numbers" "
	grep -q 'gsa QC report: demo' '$TMP/dom.html'
	grep -q '>60,000<' '$TMP/dom.html'"
check_sh "no console message (errors, warnings, logs) while loading the page" "
	! grep -h ':CONSOLE' '$TMP/dom.err' '$TMP/shot.err'"

# the console check sees a script error (so it can fail)
printf '<!DOCTYPE html><title>x</title><p>x</p><script>throw new Error("planted")</script>\n' >"$TMP/bad.html"
check_sh "the console check catches a page that throws" "
	$(declare -f chrome); TMP='$TMP'
	chrome --dump-dom 'file://$TMP/bad.html' >/dev/null 2>'$TMP/bad.err'
	grep ':CONSOLE' '$TMP/bad.err' | grep -q 'Uncaught Error: planted'"

check_sh "the screenshot has content: many colours, plots drawn on the page" "
	read -r w h colours ink < <(python3 '$GSA_ROOT/tests/integration/png_stats.py' '$TMP/report.png')
	echo \"\$w x \$h, \$colours colours, ink \$ink\"
	[ \"\$w\" -eq 1280 ] && [ \"\$colours\" -gt 50 ] && awk -v i=\"\$ink\" 'BEGIN { exit !(i > 0.05) }'"
mkdir -p "$GSA_ROOT/build/report" && cp "$TMP/report.png" "$GSA_ROOT/build/report/report.png" 2>/dev/null || true

check_sh "the MultiQC custom content names the sample and its general-stats columns" "
	python3 - '$D/demo_mqc.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['plot_type'] == 'generalstats' and d['id'] == 'gsa', d
row = d['data']['demo']
cols = [list(c)[0] for c in d['pconfig']]
assert cols == list(row), (cols, list(row))
assert row['gsa_reads'] == 60000 and 99 < row['gsa_mapped_pct'] <= 100, row
assert row['gsa_snps'] > 0 and row['gsa_indels'] > 0, row
PY"

# MultiQC (Debian's) picks the file up as custom content, no plugin: the
# General Statistics table has the sample's row with our numbers
if command -v multiqc >/dev/null; then
	mkdir -p "$TMP/mqc/in" && cp "$D/demo_mqc.json" "$TMP/mqc/in/"
	check "multiqc reads the custom content" bash -c "cd '$TMP/mqc' && HOME='$TMP' timeout 300 multiqc -q -o out in >'$TMP/mqc/log' 2>&1"
	check_sh "... its General Statistics has the demo row with gsa's columns and values" "
		python3 - '$TMP/mqc/out/multiqc_data/multiqc_general_stats.txt' '$D/demo_mqc.json' <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
ours = json.load(open(sys.argv[2]))['data']['demo']
assert [r['Sample'] for r in rows] == ['demo'], rows
got = {k.rsplit('-', 1)[-1]: float(v) for k, v in rows[0].items() if k != 'Sample'}
print(got)
assert set(got) == set(ours), (sorted(got), sorted(ours))
assert all(abs(got[k] - ours[k]) <= 1e-6 * max(1, abs(ours[k])) for k in ours), (got, ours)
PY"
else
	echo "not ok multiqc is installed (scripts/deps.sh report)"; _lib_failed=1
fi
finish
