#!/usr/bin/env bash
# The metrics the tools gather while they run equal the peers' numbers for the
# quantities they share: align vs samtools flagstat / stats, sort-index vs
# samtools flagstat / depth, call-variants vs bcftools stats — on the demo
# sample, and on a harder mix of it (random and swapped mates: unmapped reads,
# singletons, improper pairs, mates on other contigs).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_report.sh"
for t in align sort-index call-variants; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
command -v samtools >/dev/null && command -v bcftools >/dev/null || skip "samtools/bcftools missing (make deps)"
PEERS="python3 $GSA_ROOT/tests/integration/report_peers.py"
D=$TMP/demo
check "the demo sample with --metrics on every tool" report_demo_metrics "$D"
samtools flagstat -O json "$D/demo.bam" >"$D/flagstat.json"
samtools stats "$D/demo.bam" >"$D/stats.txt"
samtools depth -aa "$D/demo.bam" >"$D/depth.txt"
bcftools stats -s - "$D/demo.vcf.gz" >"$D/bcftools.txt"
check "demo: align = samtools flagstat (every count)" $PEERS flagstat "$D/align.json" "$D/flagstat.json"
check "demo: align = samtools stats (SN counts, error rate, IS bins)" $PEERS stats "$D/align.json" "$D/stats.txt"
check "demo: sort-index counts = samtools flagstat" $PEERS sortcnt "$D/sort.json" "$D/flagstat.json"
check "demo: sort-index coverage = samtools depth -aa" $PEERS depth "$D/sort.json" "$D/depth.txt"
check "demo: call-variants merge = bcftools stats (SN, TSTV, PSC, IDD, QUAL)" $PEERS bcftools "$D/calls.json" "$D/bcftools.txt"
check "demo: merge's metrics are the sum of the contigs'" $PEERS sum "$D/calls.json" "$D"/calls.chr20_*.json
bcftools stats -s - "$D/demo.chr20_35M.vcf.gz" >"$D/bcftools.35M.txt"
check "demo: one contig's call-variants = bcftools stats" $PEERS bcftools "$D/calls.chr20_35M.json" "$D/bcftools.35M.txt"

# a harder mix: every 10th pair's mate replaced by random bases, every 25th
# pair both random, every 15th mate swapped with a mate from far away
H=$TMP/hard
mkdir -p "$H"
python3 - "$GSA_ROOT/demo/data/R1.fastq.gz" "$GSA_ROOT/demo/data/R2.fastq.gz" "$H" <<'PY'
import gzip, random, sys
rng = random.Random(19)
def recs(p):
    with gzip.open(p, 'rt') as f:
        while True:
            h = f.readline()
            if not h: return
            s, _, q = f.readline(), f.readline(), f.readline()
            yield [h, s.strip(), q]
r1 = list(recs(sys.argv[1]))[:6000]
r2 = list(recs(sys.argv[2]))[:6000]
rand = lambda n: ''.join(rng.choice('ACGT') for _ in range(n))
for i in range(len(r1)):
    if i % 25 == 0: r1[i][1] = rand(len(r1[i][1])); r2[i][1] = rand(len(r2[i][1]))
    elif i % 10 == 0: r2[i][1] = rand(len(r2[i][1]))
    elif i % 15 == 0: r2[i][1] = r2[(i + 3001) % len(r2)][1]
for rs, name in ((r1, 'R1.fq'), (r2, 'R2.fq')):
    with open(f'{sys.argv[3]}/{name}', 'w') as f:
        for h, s, q in rs: f.write(f'{h}{s}\n+\n{q}')
PY
cp "$D/ref.fa" "$D/ref.fa.fai" "$D/ref.fa.gsai" "$H/"
check "hard mix: align | sort-index with --metrics" bash -c "'$GSA_BIN/align' map --quiet -t 2 --metrics '$H/align.json' '$H/ref.fa' '$H/R1.fq' '$H/R2.fq' |
	'$GSA_BIN/sort-index' --quiet --metrics '$H/sort.json' -o '$H/h.bam' -"
samtools flagstat -O json "$H/h.bam" >"$H/flagstat.json"
samtools stats "$H/h.bam" >"$H/stats.txt"
samtools depth -aa "$H/h.bam" >"$H/depth.txt"
check_sh "hard mix: it has unmapped reads, singletons, improper pairs and mates on other contigs" "
	python3 -c \"
import json; f = json.load(open('$H/align.json'))['flagstat']
print(f)
assert f['mapped'] < f['total'] and f['singletons'] > 0 and f['properly_paired'] < f['with_mate_mapped'] and f['mate_other_chr'] > 0\""
check "hard mix: align = samtools flagstat (every count)" $PEERS flagstat "$H/align.json" "$H/flagstat.json"
check "hard mix: align = samtools stats (SN counts, error rate, IS bins)" $PEERS stats "$H/align.json" "$H/stats.txt"
check "hard mix: sort-index counts = samtools flagstat" $PEERS sortcnt "$H/sort.json" "$H/flagstat.json"
check "hard mix: sort-index coverage = samtools depth -aa" $PEERS depth "$H/sort.json" "$H/depth.txt"
finish
