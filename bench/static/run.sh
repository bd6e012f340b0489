#!/usr/bin/env bash
# bench/static/run.sh — the static musl build (build/static/bin, `make static`)
# against the dynamic glibc build (build/bin, `make`), side by side in one run:
# align index, align map, sort-index, call-variants per contig, on the same
# input, the two builds alternating step by step, ROUNDS times.
#
#   bench/static/run.sh [-d DATADIR] [-t THREADS] [-r ROUNDS] [-o OUTDIR]
#
# DATADIR holds ref.fa, R1.fastq.gz, R2.fastq.gz (../shared/eval/make_sim.sh;
# default eval-data/sim).  Prints, per step, the best wall and CPU (user+sys)
# seconds of the rounds and peak RSS for both builds with static/dynamic
# ratios, and checks that both builds' outputs are identical.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/eval-data/sim
T=2 ROUNDS=2
OUT=$ROOT/bench/out/static
while getopts "d:t:r:o:h" o; do
	case $o in
	d) DATA=$OPTARG ;; t) T=$OPTARG ;; r) ROUNDS=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 1 ;;
	esac
done
DYN=$ROOT/build/bin STA=$ROOT/build/static/bin
for b in "$DYN" "$STA"; do
	for t in align sort-index call-variants; do
		[ -x "$b/$t" ] || { echo "bench: $b/$t missing (make && make static)" >&2; exit 3; }
	done
done
for f in ref.fa R1.fastq.gz R2.fastq.gz; do
	[ -s "$DATA/$f" ] || { echo "bench: $DATA/$f missing (../shared/eval/make_sim.sh)" >&2; exit 3; }
done
rm -rf "$OUT"; mkdir -p "$OUT/dynamic" "$OUT/static"
cat "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" "$DATA/ref.fa" >/dev/null # warm the page cache
RG='@RG\tID:SIM\tSM:SIM'
mapfile -t contigs < <(sed -n 's/^>\([^[:space:]]*\).*/\1/p' "$DATA/ref.fa")

# run LABEL BUILD CMD...: time one step; keep the best wall/CPU of the rounds
run() {
	local label=$1 build=$2; shift 2
	local d=$OUT/$build
	/usr/bin/time -f '%e %U %S %M' -o "$d/$label.time" "$@" >"$d/$label.out" 2>"$d/$label.log" ||
		{ echo "bench: $build $label failed:" >&2; tail -n 5 "$d/$label.log" >&2; exit 1; }
	awk '{ print $1, $2 + $3, $4 / 1024 }' "$d/$label.time" >>"$d/$label.all"
}
step_all() { # BUILD BIN DIR
	local b=$1 bin=$2 d=$OUT/$1
	cp "$DATA/ref.fa" "$d/ref.fa"
	run "align index" "$b" "$bin/align" index "$d/ref.fa"
	run "align map" "$b" "$bin/align" map -t "$T" -R "$RG" "$d/ref.fa" "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" -o "$d/map.bam"
	run "sort-index" "$b" "$bin/sort-index" -@ "$T" -m 512M -o "$d/aln.bam" "$d/map.bam"
	local c
	for c in "${contigs[@]}"; do
		run "call-variants $c" "$b" "$bin/call-variants" -f "$d/ref.fa" -r "$c" -o "$d/$c.vcf.gz" "$d/aln.bam"
	done
}

echo "static vs dynamic: $DATA, -t $T, $ROUNDS rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
	# alternate which build goes first
	if ((r % 2)); then step_all dynamic "$DYN"; step_all static "$STA"
	else step_all static "$STA"; step_all dynamic "$DYN"; fi
done

best() { sort -n -k"$2" "$1" | head -n 1 | cut -d' ' -f"$2"; }
printf '| step | dynamic wall s | static wall s | ratio | dynamic CPU s | static CPU s | ratio | dynamic RSS MB | static RSS MB |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
steps=("align index" "align map" "sort-index")
for c in "${contigs[@]}"; do steps+=("call-variants $c"); done
for s in "${steps[@]}"; do
	dw=$(best "$OUT/dynamic/$s.all" 1) sw=$(best "$OUT/static/$s.all" 1)
	dc=$(best "$OUT/dynamic/$s.all" 2) sc=$(best "$OUT/static/$s.all" 2)
	dr=$(best "$OUT/dynamic/$s.all" 3) sr=$(best "$OUT/static/$s.all" 3)
	awk -v s="$s" -v dw="$dw" -v sw="$sw" -v dc="$dc" -v sc="$sc" -v dr="$dr" -v sr="$sr" 'BEGIN {
		printf "| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx | %.0f | %.0f |\n",
			s, dw, sw, sw / dw, dc, sc, (dc > 0 ? sc / dc : 0), dr, sr }'
done
# the two builds must compute the same thing (records; headers name the paths)
same=yes
cmp -s <(samtools view "$OUT/dynamic/aln.bam") <(samtools view "$OUT/static/aln.bam") || same="no (sorted BAM records differ)"
for c in "${contigs[@]}"; do
	cmp -s <(gzip -dc "$OUT/dynamic/$c.vcf.gz" | grep -v '^##') <(gzip -dc "$OUT/static/$c.vcf.gz" | grep -v '^##') ||
		same="no ($c VCF differs)"
done
echo "outputs identical (sorted BAM content, VCF records): $same"
