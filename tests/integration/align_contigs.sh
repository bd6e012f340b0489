#!/usr/bin/env bash
# align: a reference of 500 small contigs (FASTA headers with descriptions)
# and an N run: every planted pair lands on its own contig, and a read
# running into the N run is soft-clipped there.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
python3 - "$TMP" <<'PY' || { echo "not ok generate test data"; exit 1; }
import random, sys
d = sys.argv[1]
r = random.Random(3)
orig = [''.join(r.choice('ACGT') for _ in range(1200)) for _ in range(500)]
seqs = list(orig)
seqs[7] = orig[7][:600] + 'N' * 300 + orig[7][900:]
# one 300 bp segment at 700..1000 of 12 contigs: a 12-copy repeat
seg = orig[100][700:1000]
for i in range(100, 112):
    orig[i] = orig[i][:700] + seg + orig[i][1000:]
    seqs[i] = orig[i]
comp = str.maketrans('ACGT', 'TGCA')
with open(d + '/ref.fa', 'w') as f:
    for i, s in enumerate(seqs):
        f.write('>ctg%d some description %d\n%s\n' % (i, i, s))
with open(d + '/r1.fq', 'w') as f1, open(d + '/r2.fq', 'w') as f2:
    for i in list(range(0, 500, 12)) + [7]:
        s = orig[i]
        a = s[550:650] if i == 7 else s[100:200]
        b = (s[1000:1100] if i == 7 else s[350:450])[::-1].translate(comp)
        f1.write('@p%d\n%s\n+\n%s\n' % (i, a, 'I' * len(a)))
        f2.write('@p%d\n%s\n+\n%s\n' % (i, b, 'I' * len(b)))
with open(d + '/rep1.fq', 'w') as f1, open(d + '/rep2.fq', 'w') as f2:
    f1.write('@rep\n%s\n+\n%s\n' % (seg[20:120], 'I' * 100))
    f2.write('@rep\n%s\n+\n%s\n' % (seg[180:280][::-1].translate(comp), 'I' * 100))
PY
check "index 500 contigs" "$A" index "$TMP/ref.fa"
check "map" "$A" map "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/o.bam"
samtools view -F 0x904 "$TMP/o.bam" >"$TMP/o.sam" 2>/dev/null
check_sh "header lists 500 contigs by their first word" "
	[ \$(samtools view -H '$TMP/o.bam' | grep -c '^@SQ') -eq 500 ]
	samtools view -H '$TMP/o.bam' | grep -qP '^@SQ\tSN:ctg499\tLN:1200\$'"
check_sh "all 86 reads mapped, each on the contig its name says" "
	[ \$(wc -l <'$TMP/o.sam') -eq 86 ]
	[ \$(awk '\$3 != \"ctg\" substr(\$1, 2)' '$TMP/o.sam' | wc -l) -eq 0 ]"
check_sh "a read running into the reference N run is clipped at it" "
	c=\$(samtools view -f 64 '$TMP/o.bam' | awk '\$1 == \"p7\" { print \$4, \$6 }')
	[ \"\$c\" = '551 50M50S' ] || { echo \"p7 mate 1: \$c\"; exit 1; }"
check_sh "a pair inside a 12-copy repeat whose seeds all exceed the cap is still placed, MAPQ 0" "
	'$A' map --max-occ 1 '$TMP/ref.fa' '$TMP/rep1.fq' '$TMP/rep2.fq' -o '$TMP/rep.bam' 2>/dev/null
	samtools view '$TMP/rep.bam' >'$TMP/rep.sam'
	[ \$(wc -l <'$TMP/rep.sam') -eq 2 ]
	[ \$(awk '\$5 == 0 && \$3 ~ /^ctg1(0[0-9]|1[01])\$/' '$TMP/rep.sam' | wc -l) -eq 2 ]"
finish
