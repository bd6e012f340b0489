# tests/integration/lib_report.sh — the demo sample through align | sort-index,
# call-variants per contig and merge, every tool with --metrics (source it
# after lib.sh).
#
#   report_demo_metrics DIR   writes DIR/{demo.bam,demo.vcf.gz,align.json,
#                             sort.json,calls.json,calls.CONTIG.json}
report_demo_metrics() {
	local d=$1 c
	mkdir -p "$d"
	cp "$GSA_ROOT/demo/data/ref.fa" "$d/ref.fa"
	"$GSA_BIN/align" index --fai --quiet "$d/ref.fa" || return 1
	"$GSA_BIN/align" map --quiet -t 2 -R '@RG\tID:demo\tSM:demo' --metrics "$d/align.json" "$d/ref.fa" \
		"$GSA_ROOT/demo/data/R1.fastq.gz" "$GSA_ROOT/demo/data/R2.fastq.gz" |
		"$GSA_BIN/sort-index" --quiet -@ 1 --metrics "$d/sort.json" -o "$d/demo.bam" - || return 1
	for c in chr20_10M chr20_35M chr20_50M; do
		"$GSA_BIN/call-variants" --quiet -f "$d/ref.fa" -r "$c" --metrics "$d/calls.$c.json" \
			-o "$d/demo.$c.vcf.gz" "$d/demo.bam" || return 1
	done
	"$GSA_BIN/call-variants" merge --quiet --metrics "$d/calls.json" -o "$d/demo.vcf.gz" "$d"/demo.chr20_*.vcf.gz
}
