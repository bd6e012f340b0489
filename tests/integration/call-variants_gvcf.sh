#!/usr/bin/env bash
# call-variants --gvcf and joint on the hand-built case (tests/data/call-variants/make_case.py):
# every position is covered once (blocks + records), records carry <*> with PL, the calls equal the
# plain VCF's, bcftools view and bcftools merge --gvcf read it; joint of two samples gives
# GT:AD:DP:GQ:PL for both at every site and the single-sample genotypes at confident sites.
. "$(dirname "$0")/lib.sh"
CV=$GSA_BIN/call-variants
D=$TMP/gvcf; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_case.py" "$D" || exit 1
samtools faidx "$D/ref.fa" && samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1
samtools addreplacerg -r '@RG\tID:rg2\tSM:S2' -o "$D/s2.bam" "$D/aln.bam" 2>/dev/null && samtools index "$D/s2.bam" || exit 1

check "gvcf: runs" "$CV" --gvcf -f "$D/ref.fa" -o "$D/s1.g.vcf.gz" "$D/aln.bam"
check "gvcf: plain VCF of the same BAM" "$CV" --quiet -f "$D/ref.fa" -o "$D/s1.vcf.gz" "$D/aln.bam"
check "gvcf: bcftools view reads it" bcftools view "$D/s1.g.vcf.gz" -o /dev/null
check_sh "gvcf: header declares <*>, END, MIN_DP" \
	"h=\$(bcftools view -h '$D/s1.g.vcf.gz'); for s in '##ALT=<ID=*' '##INFO=<ID=END' '##FORMAT=<ID=MIN_DP'; do grep -qF \"\$s\" <<<\"\$h\"; done"
# every base of every contig once: block lengths + distinct record positions = genome length
check_sh "gvcf: blocks and records cover every position exactly once" \
	"want=\$(awk '{s+=\$2} END {print s}' '$D/ref.fa.fai'); \
	 bcftools query -f '%CHROM %POS %INFO/END\n' '$D/s1.g.vcf.gz' | awk '\$3==\".\" {k[\$1\" \"\$2]=1; next} {n+=\$3-\$2+1; for (p=\$2;p<=\$3;p++) if ((\$1\" \"p) in seen) dup=1; } END {for (x in k) n++; print n}' >'$D/cov.txt'; \
	 [ \"\$(cat '$D/cov.txt')\" = \"\$want\" ]"
check_sh "gvcf: no block overlaps a record position or another block" \
	"bcftools query -f '%CHROM %POS %INFO/END\n' '$D/s1.g.vcf.gz' | awk '{e=(\$3==\".\")?\$2:\$3; if (\$1==c && \$2<=last && !(\$3==\".\" && \$2==lastrec)) exit 1; if (\$3==\".\") lastrec=\$2; c=\$1; if (e>last||\$1!=c0) last=e; c0=\$1}'"
check_sh "gvcf: every variant record ends with <*> and has one PL per genotype" \
	"bcftools query -i 'INFO/END=\".\"' -f '%ALT [%PL]\n' '$D/s1.g.vcf.gz' | awk '{n=split(\$1,a,\",\"); if (a[n]!=\"<*>\") exit 1; k=split(\$2,p,\",\"); if (k!=(n+1)*(n+2)/2) exit 1}'"
check_sh "gvcf: the non-REF genotypes are the plain VCF's calls (positions and genotypes)" \
	"diff <(bcftools query -i 'GT=\"alt\"' -f '%CHROM %POS [%GT]\n' '$D/s1.g.vcf.gz' | sort -u) <(bcftools query -f '%CHROM %POS [%GT]\n' '$D/s1.vcf.gz' | sort -u)"
check "gvcf: --gvcf-bands 0,20" "$CV" --quiet --gvcf --gvcf-bands 0,20 -f "$D/ref.fa" -o "$D/b.g.vcf.gz" "$D/aln.bam"
check_sh "gvcf: wider bands give fewer blocks, each GQ in its band" \
	"[ \$(bcftools view -H '$D/b.g.vcf.gz' | wc -l) -lt \$(bcftools view -H '$D/s1.g.vcf.gz' | wc -l) ]; \
	 bcftools query -i 'INFO/END!=\".\"' -f '[%GQ]\n' '$D/b.g.vcf.gz' | awk '\$1>99 || \$1<0 {exit 1}'"
check "gvcf: second sample" "$CV" --quiet --gvcf -f "$D/ref.fa" -o "$D/s2.g.vcf.gz" "$D/s2.bam"
check "gvcf: bcftools merge --gvcf accepts both" bcftools merge --gvcf "$D/ref.fa" -Oz -o "$D/bm.vcf.gz" "$D/s1.g.vcf.gz" "$D/s2.g.vcf.gz"
check_sh "gvcf: the merge holds both samples and every record of ours" \
	"[ \"\$(bcftools query -l '$D/bm.vcf.gz' | tr '\n' ' ')\" = 'S1 S2 ' ]; [ \$(bcftools view -H -i 'INFO/END=\".\"' '$D/bm.vcf.gz' | wc -l) -ge \$(bcftools view -H -i 'INFO/END=\".\"' '$D/s1.g.vcf.gz' | wc -l) ]"
check_exit 1 "gvcf: bad --gvcf-bands -> exit 1" "$CV" --quiet --gvcf --gvcf-bands 20,10 -f "$D/ref.fa" -o "$D/x.vcf.gz" "$D/aln.bam"
check_exit 2 "gvcf: two samples -> exit 2" "$CV" --quiet --gvcf -f "$D/ref.fa" -o "$D/x.vcf.gz" "$D/aln.bam" "$D/s2.bam"
check_sh "gvcf: nothing left after the errors" "[ ! -e '$D/x.vcf.gz' ]"

# joint
check "joint: two gVCFs, one region" "$CV" joint -r c1 -o "$D/j.vcf.gz" "$D/s1.g.vcf.gz" "$D/s2.g.vcf.gz"
check_sh "joint: two sample columns, GT:AD:DP:GQ:PL everywhere, no missing GT" \
	"[ \"\$(bcftools query -l '$D/j.vcf.gz' | tr '\n' ' ')\" = 'S1 S2 ' ]; \
	 bcftools view -H '$D/j.vcf.gz' | awk '\$9!=\"GT:AD:DP:GQ:PL\" || \$10 ~ /^\\./ || \$11 ~ /^\\./ {exit 1}'"
check_sh "joint: equals the single-sample calls at confident sites (GQ >= 20)" \
	"bcftools query -r c1 -i 'GQ>=20' -f '%POS %REF %ALT [%GT]\n' '$D/s1.vcf.gz' >'$D/single.txt'; [ -s '$D/single.txt' ]; \
	 bcftools query -f '%POS %REF %ALT [%GT ]\n' '$D/j.vcf.gz' >'$D/joint.txt'; \
	 awk 'NR==FNR {j[\$1]=\$2\" \"\$3\" \"\$4\" \"\$5; next} {if (j[\$1] != \$2\" \"\$3\" \"\$4\" \"\$4) {print \"differs: \" \$0 \" vs \" j[\$1]; bad=1}} END {exit bad}' '$D/joint.txt' '$D/single.txt'"
check "joint: glob of parts, whole files" "$CV" joint --quiet -o "$D/jall.vcf.gz" "$D/s*.g.vcf.gz"
# -r: read on from the region's first index offset, in file order, up to its end
check_sh "joint: -r c1:A-B gives the whole-file calls at those positions" \
	"set -- \$(bcftools query -r c1 -f '%POS\n' '$D/jall.vcf.gz' | sed -n '2p;5p'); [ \$# -eq 2 ]; a=\$((\$1 - 3)) b=\$2; \
	 '$CV' joint --quiet -r c1:\$a-\$b -o '$D/jr.vcf.gz' '$D/s1.g.vcf.gz' '$D/s2.g.vcf.gz' && \
	 [ \$(bcftools view -H '$D/jr.vcf.gz' | wc -l) -ge 4 ] && \
	 [ \"\$(bcftools view -H -t c1:\$a-\$b '$D/jr.vcf.gz' | md5sum)\" = \"\$(bcftools view -H -t c1:\$a-\$b '$D/jall.vcf.gz' | md5sum)\" ] && \
	 [ -z \"\$(bcftools view -H '$D/jr.vcf.gz' | awk -v b=\$b '\$1 != \"c1\" || \$2 > b')\" ]"
# an index made for another (here: the longer) file: exit 2, not a silently empty contig
h=$(zcat "$D/s1.g.vcf.gz" | grep -c '^#')
zcat "$D/s1.g.vcf.gz" | head -n $((h + 40)) | bgzip >"$D/cut.g.vcf.gz" && cp "$D/s1.g.vcf.gz.tbi" "$D/cut.g.vcf.gz.tbi"
check_exit 2 "joint -r c7: an index that does not match its gVCF -> exit 2" "$CV" joint --quiet -r c7 -o "$D/stale.vcf.gz" "$D/cut.g.vcf.gz"
check_sh "... one line naming the gVCF and its index, nothing written" \
	"'$CV' joint --quiet -r c7 -o '$D/stale.vcf.gz' '$D/cut.g.vcf.gz' 2>'$D/stale.err' || true
	[ \$(wc -l <'$D/stale.err') -eq 1 ]; grep -q 'cut.g.vcf.gz: its index does not match it' '$D/stale.err'
	[ ! -e '$D/stale.vcf.gz' ]; [ ! -e '$D/stale.vcf.gz.tbi' ]"
samtools view -b -s 7.3 "$D/aln.bam" 2>/dev/null | samtools addreplacerg -r '@RG\tID:rg3\tSM:S3' -o "$D/s3.bam" - 2>/dev/null && samtools index "$D/s3.bam"
check "joint: a 30% subsample as a third sample" "$CV" --quiet --gvcf -f "$D/ref.fa" -o "$D/s3.g.vcf.gz" "$D/s3.bam"
check "joint: S1 + S3" "$CV" joint -r c1 -o "$D/j13.vcf.gz" "$D/s1.g.vcf.gz" "$D/s3.g.vcf.gz"
check_sh "joint: S3 has a genotype at every site S1 made (from its own record or its blocks)" \
	"bcftools query -f '%POS [ %GT:%DP]\n' '$D/j13.vcf.gz' >'$D/j13.txt'; [ \$(wc -l <'$D/j13.txt') -ge 8 ]; awk '\$3 ~ /^\\./ {exit 1}' '$D/j13.txt'"
check_sh "joint: the log counts the genotypes the cohort prior recovered" "grep -Eq 'recovered=[0-9]+' '$TMP/.out' || '$CV' joint -r c1 -o '$D/j13b.vcf.gz' '$D/s1.g.vcf.gz' '$D/s3.g.vcf.gz' 2>&1 | grep -Eq 'recovered=[0-9]+ lost=[0-9]+'"
check_exit 3 "joint: missing gVCF -> exit 3" "$CV" joint --quiet -o "$D/x.vcf.gz" "$D/s1.g.vcf.gz" "$D/none.g.vcf.gz"
check_exit 2 "joint: a two-sample VCF -> exit 2" "$CV" joint --quiet -o "$D/x.vcf.gz" "$D/s1.g.vcf.gz" "$D/bm.vcf.gz"
check_exit 2 "joint: unknown contig -> exit 2" "$CV" joint --quiet -r nope -o "$D/x.vcf.gz" "$D/s1.g.vcf.gz"
check_exit 1 "joint: no -o -> exit 1" "$CV" joint --quiet "$D/s1.g.vcf.gz"
check_sh "joint: -o naming an input gVCF: exit 1, one line, the gVCF untouched (was replaced by the cohort VCF)" "
	cp '$D/s1.g.vcf.gz' '$D/own.g.vcf.gz'; sum=\$(md5sum <'$D/own.g.vcf.gz')
	rc=0; '$CV' joint -o '$D/own.g.vcf.gz' '$D/own.g.vcf.gz' '$D/s2.g.vcf.gz' 2>'$D/own.err' || rc=\$?
	[ \$rc -eq 1 ]; [ \$(wc -l <'$D/own.err') -eq 1 ]; grep -q 'own.g.vcf.gz: the output is the input' '$D/own.err'
	[ ! -e '$D/own.g.vcf.gz.tbi' ]; [ \"\$(md5sum <'$D/own.g.vcf.gz')\" = \"\$sum\" ]"
check_sh "joint: nothing left after the errors" "[ ! -e '$D/x.vcf.gz' ] && [ ! -e '$D/x.vcf.gz.tbi' ]"

# joint over -r pieces: a record starting before the piece makes no site in it
check_sh "joint: -r c1:1-1100 and c1:1101-2400 merged equal -r c1 (the deletion at 1100 once)" "
	for r in c1:1-1100 c1:1101-2400; do '$CV' joint --quiet -r \$r -o '$D/piece.'\$r.vcf.gz '$D/s1.g.vcf.gz' '$D/s2.g.vcf.gz'; done
	'$CV' merge --quiet -o '$D/pieces.vcf.gz' '$D/piece.c1:1-1100.vcf.gz' '$D/piece.c1:1101-2400.vcf.gz'
	[ \$(bcftools view -H '$D/piece.c1:1101-2400.vcf.gz' | awk '\$2 < 1101' | wc -l) -eq 0 ]
	diff <(bcftools view -H '$D/pieces.vcf.gz') <(bcftools view -H '$D/j.vcf.gz')"
# unusual but readable gVCFs (tests/data/call-variants/edit_gvcf.py; the refused ones are in hostile_inputs.sh)
python3 "$GSA_ROOT/tests/data/call-variants/edit_gvcf.py" "$D/s2.g.vcf.gz" "$D/ed" || exit 1
check "joint: S1 + S2 whole files" "$CV" joint --quiet -o "$D/j12.vcf.gz" "$D/s1.g.vcf.gz" "$D/s2.g.vcf.gz"
jed() { "$CV" joint --quiet -o "$D/ed/$1.vcf.gz" "$D/s1.g.vcf.gz" "$D/ed/$1.vcf" && bcftools view "$D/ed/$1.vcf.gz" >/dev/null; }
export -f jed; export CV D
check_sh "joint: a CRLF gVCF gives the same cohort VCF" "jed crlf; diff <(bcftools view -H '$D/j12.vcf.gz') <(bcftools view -H '$D/ed/crlf.vcf.gz')"
check_sh "joint: symbolic ALTs (<DEL>, *, a breakend) are neither extended nor called; S2 has a genotype there" "
	jed symbolic; [ -z \"\$(bcftools query -f '%ALT\n' '$D/ed/symbolic.vcf.gz' | grep '[]<*[]')\" ]
	bcftools query -r c1:301 -f '[%GT ]\n' '$D/ed/symbolic.vcf.gz' | grep -Eq '^0/1 [0-9]/[0-9] \$'"
check_sh "joint: a diploid GT with a haploid PL count leaves the sample missing there (was called haploid)" "
	jed pl-count; [ \"\$(bcftools query -r c1:301 -f '[%GT ]' '$D/ed/pl-count.vcf.gz')\" = '0/1 ./. ' ]"
check_sh "joint: AD and DP of 2^31-1 do not overflow (INFO/DP capped at 2^31-1)" "
	jed huge-ad-dp; [ \"\$(bcftools query -r c1:301 -f '[%DP ]' '$D/ed/huge-ad-dp.vcf.gz')\" = '40 2147483647 ' ]
	[ \"\$(bcftools query -r c1:501 -f '%INFO/DP' '$D/ed/huge-ad-dp.vcf.gz')\" = 2147483647 ]"
check_sh "joint: PL '.' leaves the sample missing at that site only" "
	jed pl-missing; diff <(bcftools query -f '%POS [%GT ]\n' '$D/j12.vcf.gz' | sed 's|^301 0/1 0/1 |301 0/1 ./. |') \\
		<(bcftools query -f '%POS [%GT ]\n' '$D/ed/pl-missing.vcf.gz')"
check_sh "joint: a reference block overlapping S2's next records: the same calls (its own records first)" "
	jed overlap; diff <(bcftools view -H '$D/j12.vcf.gz') <(bcftools view -H '$D/ed/overlap.vcf.gz')"
check_sh "joint: a header-only gVCF: its sample missing at every site of the other" "
	jed header-only; [ \$(bcftools view -H '$D/ed/header-only.vcf.gz' | wc -l) -eq \$(bcftools view -H '$D/j12.vcf.gz' | wc -l) ]
	[ -z \"\$(bcftools query -f '[%GT ]\n' '$D/ed/header-only.vcf.gz' | grep -v ' ./. \$')\" ]"
finish
