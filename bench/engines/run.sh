#!/usr/bin/env bash
# bench/engines/run.sh — the shared BGZF writer and thread pool against the
# tools as they were before (a git revision), side by side in one run, on the
# same inputs; and whether the outputs are byte for byte the same.
#
#   bench/engines/run.sh [-r REV] [-d DATADIR] [-t THREADS] [-o OUTDIR] [-n VCF_RECORDS]
#
# REV (default main) is built from `git archive REV` into OUTDIR/old, this
# checkout's tracked files as they are now into OUTDIR/new, both with the
# same version string, so that @PG and ##source lines can match.  Both run
# from sibling folders with the same relative names and the same command
# lines (through PATH), so any byte that differs is the tools' doing.
# DATADIR holds ref.fa, R1.fastq.gz, R2.fastq.gz (default eval-data/sim in
# the repository, a make_sim.sh folder).
#   align     `align map -t T -o aln.bam` old vs new; and `align map -t T`
#             to a pipe (uncompressed BAM, what `align | sort-index` costs
#             align) for the speed -o aims at
#   sort      `sort-index -@ T-1 -o sorted.bam aln.bam` (the old aln.bam)
#   call      `call-variants -@ T -f ../ref/ref.fa -o calls.vcf.gz sorted.bam`
#   vcf       write + index alone: `call-variants merge -@ T` of a synthetic
#             plain VCF of N records (default 2,000,000): old = bgzf_write,
#             then tbx_index_build2 reading it all back; new = one pass
# Prints wall s, CPU s (user+sys), peak RSS MB per run, ratios new/old, and
# "same" / "DIFFERENT" for every output file (BAM, BAI, VCF, TBI).  Nothing
# is asserted.  Heavy: run it with nice on a shared machine.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REV=main
DATA=$ROOT/eval-data/sim
T=2
OUT=$ROOT/bench/out/engines
NVCF=2000000
while getopts "r:d:t:o:n:h" o; do
	case $o in
	r) REV=$OPTARG ;; d) DATA=$OPTARG ;; t) T=$OPTARG ;; o) OUT=$OPTARG ;; n) NVCF=$OPTARG ;;
	*) sed -n '2,28p' "$0"; exit 1 ;;
	esac
done
[ -d "$DATA" ] || { echo "no data set: $DATA (give -d DIR)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
DATA=$(cd "$DATA" && pwd)
rm -rf "$OUT"; mkdir -p "$OUT/src-old" "$OUT/src-new" "$OUT/old" "$OUT/new" "$OUT/time"
OUT=$(cd "$OUT" && pwd)

# ---- the two builds ------------------------------------------------------
git -C "$ROOT" archive "$REV" | tar -x -C "$OUT/src-old"
(cd "$ROOT" && git ls-files -z | tar --null -T - -cf -) | tar -x -C "$OUT/src-new"
for v in old new; do
	make -C "$OUT/src-$v" -j"$T" GSA_VERSION=bench build >"$OUT/build-$v.log" 2>&1 ||
		{ tail "$OUT/build-$v.log" >&2; exit 1; }
	mkdir -p "$OUT/bin-$v"
	cp "$OUT/src-$v"/build/bin/* "$OUT/bin-$v/"
done

# ---- helpers -------------------------------------------------------------
# tm LABEL VERSION cmd... — run in OUT/VERSION with that version's tools first on PATH
tm() {
	local label=$1 v=$2; shift 2
	(cd "$OUT/$v" && PATH="$OUT/bin-$v:$PATH" /usr/bin/time -f '%e %U %S %M' -o "$OUT/time/$label.$v" "$@")
}
row() { # LABEL A B — wall, CPU, RSS of A and B and the ratios B/A
	awk -v l="$1" -v a="$2" -v b="$3" 'NR == FNR { w1 = $1; c1 = $2 + $3; r1 = $4 / 1024; next }
		{ w2 = $1; c2 = $2 + $3; r2 = $4 / 1024 }
		END { printf "%-34s %8.2f %8.2f %8.2f %8.2f %7.0f %7.0f %6.2fx %6.2fx\n", l " (" a " -> " b ")",
			w1, w2, c1, c2, r1, r2, w2 / w1, (c1 > 0 ? c2 / c1 : 0) }' "$OUT/time/$4" "$OUT/time/$5"
}
same() { for f in "$@"; do
	if cmp -s "$OUT/old/$f" "$OUT/new/$f"; then echo "  same       $f ($(stat -c %s "$OUT/new/$f") bytes)"
	else echo "  DIFFERENT  $f"; fi
done; }

# call-variants writes the reference's absolute path: one copy for both
mkdir -p "$OUT/ref"; cp "$DATA/ref.fa" "$OUT/ref/ref.fa"; samtools faidx "$OUT/ref/ref.fa"
for v in old new; do cp "$OUT/ref/ref.fa" "$OUT/ref/ref.fa.fai" "$OUT/$v/"; done
(cd "$OUT/new" && PATH="$OUT/bin-new:$PATH" align index ref.fa >/dev/null 2>&1)
cp "$OUT/new/ref.fa.gsai" "$OUT/old/"
cat "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz" >/dev/null # the page cache, warm for both

echo "# engines: $REV (old) vs this checkout (new), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores,"
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (shared machine), -t $T, data $DATA"
printf '%-34s %8s %8s %8s %8s %7s %7s %7s %7s\n' run wall_old wall_new cpu_old cpu_new rss_old rss_new wall_x cpu_x

# ---- align -o, and align to a pipe ---------------------------------------
RG='@RG\tID:S\tSM:S'
for v in old new; do
	tm align_o $v align map --quiet -t "$T" -R "$RG" -o aln.bam ref.fa "$DATA/R1.fastq.gz" "$DATA/R2.fastq.gz"
	tm align_pipe $v sh -c "align map --quiet -t $T -R '$RG' ref.fa '$DATA/R1.fastq.gz' '$DATA/R2.fastq.gz' | cat >aln.ubam"
done
row "align -o" old new align_o.old align_o.new
row "align | (pipe)" old new align_pipe.old align_pipe.new
row "align -o vs the pipe" pipe -o align_pipe.new align_o.new

# ---- sort-index (both on the same input: the old aln.bam) ---------------
cp "$OUT/old/aln.bam" "$OUT/new/in.bam"; cp "$OUT/old/aln.bam" "$OUT/old/in.bam"
for v in old new; do tm sort $v sort-index --quiet -@ $((T - 1)) -o sorted.bam in.bam; done
row "sort-index" old new sort.old sort.new

# ---- call-variants -------------------------------------------------------
cp "$OUT/old/sorted.bam" "$OUT/new/in.sorted.bam"; cp "$OUT/old/sorted.bam" "$OUT/old/in.sorted.bam"
for v in old new; do
	samtools index "$OUT/$v/in.sorted.bam"
	tm call $v call-variants --quiet -@ "$T" -f ../ref/ref.fa -o calls.vcf.gz in.sorted.bam
done
row "call-variants" old new call.old call.new

# ---- VCF write + index alone ---------------------------------------------
awk -v n="$NVCF" 'BEGIN {
	print "##fileformat=VCFv4.2"
	print "##contig=<ID=c1,length=250000000>"; print "##contig=<ID=c2,length=250000000>"
	print "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"d\">"
	print "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"g\">"
	print "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"p\">"
	print "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS"
	for (i = 0; i < n; i++) {
		c = i < n / 2 ? "c1" : "c2"; p = (i % (n / 2)) * 100 + 1
		printf "%s\t%d\t.\tA\t%s\t%d\tPASS\tDP=%d\tGT:PL\t0/1:%d,0,%d\n", c, p, i % 3 ? "T" : "AC", 30 + i % 50, 10 + i % 40, i % 90, i % 70
	}
}' >"$OUT/new/part.vcf"
cp "$OUT/new/part.vcf" "$OUT/old/part.vcf"
# today's merge has no -@: the same command line for both (one thread)
for v in old new; do tm vcf $v call-variants merge --quiet -o big.vcf.gz part.vcf; done
row "merge: VCF write + index" old new vcf.old vcf.new
tm vcf_t new call-variants merge --quiet -@ "$T" -o big_t.vcf.gz part.vcf
row "merge -@ T (new) vs old" old new vcf.old vcf_t.new

echo "# outputs"
same aln.bam aln.ubam sorted.bam sorted.bam.bai calls.vcf.gz calls.vcf.gz.tbi big.vcf.gz big.vcf.gz.tbi
echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
