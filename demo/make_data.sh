#!/usr/bin/env bash
# demo/make_data.sh — rebuild the sample data shipped in demo/data/ (maintainers
# only: `make demo` uses the committed files and never runs this).
#
# Reference: three 120 kb slices of real GRCh37 chromosome 20 (no N), cut from
#   the chr20 FASTA in Debian's vt-examples package and renamed chr20_10M,
#   chr20_35M, chr20_50M (position p is 20:10,000,000+p, 20:35,000,000+p,
#   20:50,000,000+p).  Three contigs so per-chromosome calling has three jobs.
# Truth: mason_variator (seeded) SNPs and 1-10 bp indels; sites within EDGE bp
#   of a contig end or overlapping an earlier site are dropped; a seeded
#   fraction of the heterozygous sites is made homozygous ALT.
# Reads: mason_simulator (seeded), 2x150 bp FR pairs, fragment 350 +- 50,
#   default Illumina error model, simulated from exactly that truth VCF.
#
# Output (demo/data/, or -o DIR): ref.fa, truth.vcf.gz (+ .tbi, normalised with
#   bcftools norm -f ref.fa), R1.fastq.gz, R2.fastq.gz, PARAMS.txt.
# Needs: samtools bcftools tabix python3 seqan-apps vt-examples
#   (scripts/deps.sh demo-data installs them).
# Usage: demo/make_data.sh [-o OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=demo/data
while getopts "o:h" o; do
	case $o in o) OUT=$OPTARG ;; h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; *) exit 1 ;; esac
done

SRC=/usr/share/doc/vt/examples/ref/20.fa.gz
SRC_SHA256=83c80b3fb23822ff0a66f26306e46f5db3c83d48fcff68bcddc353a3d8ef581b
REGIONS="chr20_10M:20:10000001-10120000 chr20_35M:20:35000001-35120000 chr20_50M:20:50000001-50120000"
VAR_SEED=7101 GT_SEED=7102 READ_SEED=7103
SNP_RATE=0.001 INDEL_RATE=0.0002 INDEL_MIN=1 INDEL_MAX=10
HOM_FRAC=0.35 EDGE=500
PAIRS=30000 READ_LEN=150 FRAG_MEAN=350 FRAG_SD=50
MASON=/usr/lib/seqan/bin

for tool in samtools bcftools bgzip tabix python3 "$MASON/mason_variator" "$MASON/mason_simulator"; do
	command -v "$tool" >/dev/null || { echo "make_data: $tool not found (scripts/deps.sh demo-data)" >&2; exit 3; }
done
[ -r "$SRC" ] || { echo "make_data: $SRC not found (install vt-examples)" >&2; exit 3; }
got=$(sha256sum "$SRC" | cut -d' ' -f1)
[ "$got" = "$SRC_SHA256" ] || { echo "make_data: $SRC: SHA-256 $got, expected $SRC_SHA256" >&2; exit 2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gsa-demo-data-XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
cd "$WORK"

echo "make_data: reference slices" >&2
gzip -dc "$SRC" > src.fa
samtools faidx src.fa
: > ref.fa
for r in $REGIONS; do
	samtools faidx src.fa "${r#*:}" | sed "1s/^>.*/>${r%%:*}/" >> ref.fa
done
rm -f src.fa src.fa.fai
samtools faidx ref.fa
if grep -v '^>' ref.fa | grep -qi n; then echo "make_data: a slice contains N" >&2; exit 2; fi

echo "make_data: mason_variator (seed $VAR_SEED)" >&2
"$MASON/mason_variator" -q -ir ref.fa -ov raw.vcf -n 2 -s "$VAR_SEED" \
	--snp-rate "$SNP_RATE" --small-indel-rate "$INDEL_RATE" \
	--min-small-indel-size "$INDEL_MIN" --max-small-indel-size "$INDEL_MAX" \
	--sv-indel-rate 0 --sv-inversion-rate 0 --sv-translocation-rate 0 --sv-duplication-rate 0 >variator.log 2>&1

echo "make_data: edges, overlaps, genotypes (seed $GT_SEED)" >&2
python3 - raw.vcf ref.fa.fai "$EDGE" "$HOM_FRAC" "$GT_SEED" > truth.unnorm.vcf <<'PY'
import random, sys
vcf, fai, edge, hom_frac, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
length = {l.split('\t')[0]: int(l.split('\t')[1]) for l in open(fai)}
last_end = {}
for line in open(vcf):
    if line.startswith('##'):
        sys.stdout.write(line)
        continue
    if line.startswith('#'):
        sys.stdout.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n' + line)
        continue
    f = line.rstrip('\n').split('\t')
    chrom, pos, ref = f[0], int(f[1]), f[3]
    end = pos + len(ref) - 1
    if pos <= edge or end > length[chrom] - edge:
        continue
    if pos <= last_end.get(chrom, 0) + 1:  # overlapping or adjacent to the previous site
        continue
    last_end[chrom] = end
    # mason gives each haplotype its own random base (often 1|2): keep the
    # first ALT and draw a human-like genotype instead
    f[4] = f[4].split(',')[0]
    gt = '1|1' if rng.random() < hom_frac else rng.choice(['0|1', '1|0'])
    f[7], f[8], f[9:] = '.', 'GT', [gt]
    sys.stdout.write('\t'.join(f) + '\n')
PY
bgzip -f truth.unnorm.vcf && tabix -f -p vcf truth.unnorm.vcf.gz
bcftools norm --no-version -f ref.fa -Oz -o truth.vcf.gz truth.unnorm.vcf.gz
tabix -f -p vcf truth.vcf.gz

echo "make_data: mason_simulator: $PAIRS pairs (seed $READ_SEED)" >&2
"$MASON/mason_simulator" -q -ir ref.fa -iv truth.unnorm.vcf.gz -n "$PAIRS" --seed "$READ_SEED" \
	--num-threads 1 --illumina-read-length "$READ_LEN" \
	--fragment-mean-size "$FRAG_MEAN" --fragment-size-std-dev "$FRAG_SD" \
	-o R1.fastq -or R2.fastq >simulator.log 2>&1
# gzip -n: no name or time stamp in the header, so the bytes are reproducible
gzip -n -9 R1.fastq R2.fastq

cat > PARAMS.txt <<INFO
source: $SRC (Debian vt-examples, sha256 $SRC_SHA256)
regions: $REGIONS
mason_variator -n 2 -s $VAR_SEED --snp-rate $SNP_RATE --small-indel-rate $INDEL_RATE --min-small-indel-size $INDEL_MIN --max-small-indel-size $INDEL_MAX (SV rates 0)
filter: sites within $EDGE bp of a contig end and overlapping/adjacent sites dropped; first ALT kept; genotype 1|1 with probability $HOM_FRAC, else 0|1 or 1|0 (python random seed $GT_SEED)
mason_simulator -n $PAIRS --seed $READ_SEED --num-threads 1 --illumina-read-length $READ_LEN --fragment-mean-size $FRAG_MEAN --fragment-size-std-dev $FRAG_SD
tools: $(samtools --version | head -1); $(bcftools --version | head -1); mason $(dpkg-query -W -f='${Version}' seqan-apps 2>/dev/null || echo unknown)
truth: $(bcftools view -H truth.vcf.gz | wc -l) records ($(bcftools view -H -v snps truth.vcf.gz | wc -l) SNP, $(bcftools view -H -v indels truth.vcf.gz | wc -l) indel)
md5: R1.fastq.gz $(md5sum R1.fastq.gz | cut -d' ' -f1) R2.fastq.gz $(md5sum R2.fastq.gz | cut -d' ' -f1)
INFO

rm -f "$OUT"/ref.fa.fai
cp ref.fa truth.vcf.gz truth.vcf.gz.tbi R1.fastq.gz R2.fastq.gz PARAMS.txt "$OUT"/
echo "make_data: wrote $OUT ($(du -sh "$OUT" | cut -f1))" >&2
cat PARAMS.txt >&2
