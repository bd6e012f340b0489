#!/usr/bin/env bash
# bench/sort-index/bamw_run.sh — the BAM writer (si_bamw) alone, side by side
# with `samtools view -@2 --output-fmt bam,level=6` on the same records.
#
#   bench/sort-index/bamw_run.sh [IN.bam]     (ROUNDS=N [2])
#
# Inputs: IN.bam (default: the eval BAM cached by run.sh,
# bench/out/sort-index/eval_unsorted.bam, else main's copy) and an uncompressed copy of it
# (`samtools view -u`), so the peer's input decompression can be told apart
# from compression.  Ours: bamw_time reads all records into memory (timed
# apart), then si_bamw writes them with a 2-thread pool at libdeflate
# level 6 and 7 (htslib maps BGZF level 6 to libdeflate 7: same bytes).
# Prints wall, CPU (user+sys) and peak RSS per run, the write phase of ours,
# and output sizes.  Measured, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=bench/out/sort-index/bamw
IN=${1:-bench/out/sort-index/eval_unsorted.bam}
[ -f "$IN" ] || [ $# -gt 0 ] || IN=/work/main/bench/out/sort-index/eval_unsorted.bam
ROUNDS=${ROUNDS:-2}
[ -f "$IN" ] || { echo "no input $IN (run bench/sort-index/run.sh --no-big once, or pass a BAM)" >&2; exit 1; }
[ -f build/obj/tools/sort-index/libsort-index.a ] || { echo "build first: make" >&2; exit 1; }
mkdir -p "$OUT"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon -Itools/sort-index \
	-o "$OUT/bamw_time" bench/sort-index/bamw_time.c build/obj/tools/sort-index/libsort-index.a \
	build/obj/libgsa.a -lhts -ldeflate -lz -pthread -lm
[ -f "$OUT/raw.bam" ] || samtools view -@2 -u -o "$OUT/raw.bam" "$IN"
run() { # label command...
	local label=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$OUT/time" "$@" 2> "$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
	read -r wall user sys rss < "$OUT/time"
	printf '%-40s wall %6.2f  cpu %6.2f  rss %5d MiB  %s\n' "$label" "$wall" \
		"$(echo "$user + $sys" | bc)" $((rss / 1024)) "$(grep -o 'write.*' "$OUT/err" || true)"
}
uptime
for r in $(seq "$ROUNDS"); do
	for src in compressed raw; do
		f=$IN; [ $src = raw ] && f=$OUT/raw.bam
		run "peer view -@2 level=6 ($src in)" samtools view -@2 --output-fmt bam,level=6 -o "$OUT/peer.bam" "$f"
		run "ours si_bamw -@2 -l 6 ($src in)" "$OUT/bamw_time" "$f" "$OUT/ours6.bam" 6 2
		run "ours si_bamw -@2 -l 7 ($src in)" "$OUT/bamw_time" "$f" "$OUT/ours7.bam" 7 2
	done
done
uptime
ls -l "$OUT"/peer.bam "$OUT"/ours6.bam "$OUT"/ours7.bam | awk '{print $5, $9}'
# records identical, and level 7 = htslib's level 6 block for block after the header
cmp <(samtools view "$OUT/ours7.bam" | md5sum) <(samtools view "$OUT/peer.bam" | md5sum) && echo "records identical"
