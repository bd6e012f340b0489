#!/usr/bin/env bash
# align: ALT contigs (--alt FILE, or REF.alt beside the reference).  A
# synthetic genome: chrP (60 kb), chrQ (30 kb) and chrP_alt1, a copy of
# chrP:20001-25000 with 8 SNPs.  Pairs drawn from that piece of chrP get
# MAPQ 0-few without a list (the ALT copy ties or nearly ties) and MAPQ >= 30
# on chrP with one, with XA naming the ALT copy; pairs carrying two ALT-only
# alleles stay on the ALT contig.  Also: bwa's SAM-style .alt, -t 1 = -t 2,
# and the bad lists.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
python3 - "$TMP" <<'PY' || { echo "not ok generate test data"; exit 1; }
import random, sys
d = sys.argv[1]
r = random.Random(20)
comp = str.maketrans('ACGT', 'TGCA')
def rc(s): return s[::-1].translate(comp)
P = ''.join(r.choice('ACGT') for _ in range(60000))
Q = ''.join(r.choice('ACGT') for _ in range(30000))
A0, A1 = 20000, 25000  # the piece of chrP copied onto the ALT contig
alt = list(P[A0:A1])
snps = sorted(r.sample(range(300, 4700), 6)) + [2500, 2560]  # two 60 bp apart
for p in snps:
    alt[p] = r.choice([b for b in 'ACGT' if b != alt[p]])
alt = ''.join(alt)
with open(d + '/ref.fa', 'w') as f:
    for name, s in (('chrP', P), ('chrQ', Q), ('chrP_alt1', alt)):
        f.write('>%s\n' % name)
        for i in range(0, len(s), 60): f.write(s[i:i + 60] + '\n')
def err(s):  # one sequencing error in a third of the reads
    if r.random() < 1 / 3:
        i = r.randrange(len(s)); s = s[:i] + r.choice([b for b in 'ACGT' if b != s[i]]) + s[i + 1:]
    return s
L = 150
with open(d + '/r1.fq', 'w') as f1, open(d + '/r2.fq', 'w') as f2:
    def pair(name, g, a, e=err):
        ins = r.randint(280, 420)
        s = g[a:a + ins]
        x, y = e(s[:L]), e(rc(s)[:L])
        f1.write('@%s\n%s\n+\n%s\n' % (name, x, 'I' * L))
        f2.write('@%s\n%s\n+\n%s\n' % (name, y, 'I' * L))
    for i in range(300):  # background pairs: insert-size model, unique reads
        g = P if i % 3 else Q
        while True:
            a = r.randrange(0, len(g) - 450)
            if g is Q or a + 450 < A0 or a > A1: break
        pair('bg%d' % i, g, a)
    for i in range(200):  # pairs from the copied piece of the primary
        pair('pri%d' % i, P, r.randrange(A0, A1 - 420))
    for i in range(10):  # pairs from the ALT haplotype, read 1 over both close SNPs
        pair('hap%d' % i, alt, r.randrange(2561 - L + 1, 2500), lambda s: s)
PY
check "index" "$A" index "$TMP/ref.fa"
printf 'chrP_alt1\n' >"$TMP/list.alt"
check "map without a list" "$A" map -t 2 "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/no.bam"
check "map with --alt" "$A" map -t 2 --alt "$TMP/list.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/alt.bam"
samtools view -F 0x900 "$TMP/no.bam" >"$TMP/no.sam"
samtools view -F 0x900 "$TMP/alt.bam" >"$TMP/alt.sam"
# reads from the copied piece: count, MAPQ >= 30, MAPQ <= 3, on chrP, XA naming the ALT contig
check_sh "without a list: most reads of the copied piece get MAPQ 0-3" "
	set -- \$(awk '\$1 ~ /^pri/ { n++; l += \$5 <= 3; s += \$5 } END { print n, l, int(s / n) }' '$TMP/no.sam')
	echo \"reads \$1, MAPQ <= 3: \$2, mean MAPQ \$3\"
	[ \$1 -eq 400 ] && [ \$2 -ge 200 ] && [ \$3 -le 15 ]"
check_sh "with --alt: every read of the copied piece on chrP, MAPQ >= 30, XA names chrP_alt1" "
	set -- \$(awk '\$1 ~ /^pri/ { n++; h += \$5 >= 30; p += \$3 == \"chrP\"; x += /\tXA:Z:chrP_alt1,[-+][0-9]+,[0-9]+M,[0-9]+;/ } END { print n, h, p, x }' '$TMP/alt.sam')
	echo \"reads \$1, MAPQ >= 30: \$2, on chrP: \$3, XA: \$4\"
	[ \$1 -eq 400 ] && [ \$2 -eq 400 ] && [ \$3 -eq 400 ] && [ \$4 -eq 400 ]
	! grep -q 'XA:Z' '$TMP/no.sam'"
check_sh "with --alt: reads elsewhere are unchanged" "
	cmp <(grep -v '^pri\|^hap' '$TMP/no.sam') <(grep -v '^pri\|^hap' '$TMP/alt.sam')"
check_sh "with --alt: pairs with two ALT-only alleles stay on the ALT contig" "
	[ \$(awk '\$1 ~ /^hap/ && \$3 == \"chrP_alt1\"' '$TMP/alt.sam' | wc -l) -eq 20 ]"
check_sh "REF.alt beside the reference is used (and said in the log); same records as --alt" "
	cp '$TMP/list.alt' '$TMP/ref.fa.alt'
	'$A' map -t 2 '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/auto.bam' 2>'$TMP/auto.log'
	grep -q 'ALT contigs.*ref.fa.alt.*beside the reference' '$TMP/auto.log'
	cmp <(samtools view '$TMP/auto.bam') <(samtools view '$TMP/alt.bam')
	rm '$TMP/ref.fa.alt'"
check_sh "bwa's SAM-style .alt works" "
	printf '@SQ\tSN:chrP_alt1\tLN:5000\n@PG\tID:x\n# note\nchrP_alt1\t0\tchrP\t20001\t255\t5000M\t*\t0\t0\t*\t*\n' >'$TMP/bwa.alt'
	'$A' map -t 2 --alt '$TMP/bwa.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/bwa.bam' 2>'$TMP/bwa.log'
	grep -q 'alt_contigs=1' '$TMP/bwa.log'
	cmp <(samtools view '$TMP/bwa.bam') <(samtools view '$TMP/alt.bam')"
check_sh "-t 1 and -t 2 give the same records with --alt (and -K 37)" "
	'$A' map -t 1 --alt '$TMP/list.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/t1.bam' 2>/dev/null
	'$A' map -t 2 -K 37 --alt '$TMP/list.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/k.bam' 2>/dev/null
	cmp <(samtools view '$TMP/t1.bam') <(samtools view '$TMP/alt.bam')
	[ \$(samtools view '$TMP/k.bam' | grep -c XA:Z) -gt 0 ]"
check_sh "CRLF line ends, blank lines and no final newline: same records" "
	printf '\\r\\n  chrP_alt1 \\r\\n\\r\\nchrP_alt1' >'$TMP/crlf.alt'
	'$A' map -t 2 --alt '$TMP/crlf.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/crlf.bam' 2>'$TMP/crlf.log'
	grep -q 'alt_contigs=1' '$TMP/crlf.log'
	cmp <(samtools view '$TMP/crlf.bam') <(samtools view '$TMP/alt.bam')"
check_sh "an empty list changes nothing" "
	: >'$TMP/empty.alt'
	'$A' map -t 2 --alt '$TMP/empty.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/empty.bam' 2>/dev/null
	cmp <(samtools view '$TMP/empty.bam') <(samtools view '$TMP/no.bam')"
printf 'chrP_alt1\n\nchrX_alt9\n' >"$TMP/bad.alt"
check_exit 2 "a name that is not a contig: exit 2" "$A" map --alt "$TMP/bad.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
check_sh "... with one line naming the file and line, and no output left" "
	'$A' map --alt '$TMP/bad.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/bad.bam' 2>'$TMP/bad.log' || true
	[ \$(wc -l <'$TMP/bad.log') -eq 1 ]
	grep -q \"bad.alt: line 3: 'chrX_alt9' is not a contig of the index\" '$TMP/bad.log'
	[ ! -e '$TMP/bad.bam' ]"
check_sh "a bad REF.alt beside the reference fails the same way" "
	cp '$TMP/bad.alt' '$TMP/ref.fa.alt'
	rc=0; '$A' map '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/bad.bam' 2>'$TMP/bad.log' || rc=\$?
	rm '$TMP/ref.fa.alt'
	[ \$rc -eq 2 ] && grep -q 'ref.fa.alt: line 3' '$TMP/bad.log'"
printf 'chrP_alt1\nchrQ\0x\n' >"$TMP/nul.alt"
check_exit 2 "a NUL byte: exit 2" "$A" map --alt "$TMP/nul.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
head -c 3000000 /dev/zero | tr '\0' 'A' >"$TMP/huge.alt"
check_exit 2 "a 3 MB line: exit 2, no crash" "$A" map --alt "$TMP/huge.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
check_exit 1 "--alt - (stdin is the reads'): exit 1 (was 3, 'No such file')" "$A" map --alt - "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
check_sh "a control byte in an unknown name is shown as '?', not sent to the terminal" "
	printf 'chrP_alt1\\n\\033[31mchrZ\\n' >'$TMP/esc.alt'
	rc=0; '$A' map --alt '$TMP/esc.alt' '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/bad.bam' 2>'$TMP/esc.log' || rc=\$?
	[ \$rc -eq 2 ]; [ \$(wc -l <'$TMP/esc.log') -eq 1 ]; grep -q \"line 2: '?\\[31mchrZ' is not a contig\" '$TMP/esc.log'
	[ ! -e '$TMP/bad.bam' ]; ! grep -q \$'\\033' '$TMP/esc.log'"
check_exit 3 "a missing list: exit 3" "$A" map --alt "$TMP/none.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
check_exit 3 "a directory as the list: exit 3" "$A" map --alt "$TMP" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
mkfifo "$TMP/fifo.alt"
check_exit 3 "a named FIFO as the list: exit 3, no hang" timeout 30 "$A" map --alt "$TMP/fifo.alt" "$TMP/ref.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/bad.bam"
finish
