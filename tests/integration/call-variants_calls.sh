#!/usr/bin/env bash
# call-variants on a hand-built case with known answers (tests/data/call-variants/make_case.py):
# het/hom/multi-allelic SNPs, homopolymer insertion and deletion (given right-shifted in the
# CIGARs, expected left-aligned), deletion near a SNP, STR deletion; no call from one-read-deep
# evidence, from duplicate-only evidence, or from the two overlapping mates of one fragment.  Checked against bcftools norm of the truth.
. "$(dirname "$0")/lib.sh"
CV=$GSA_BIN/call-variants
D=$TMP/case; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_case.py" "$D" || exit 1
samtools faidx "$D/ref.fa" && samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1

# the expected calls: the truth, normalised by bcftools, split, GT sorted
bcftools norm -f "$D/ref.fa" -m -any "$D/truth.vcf" 2>/dev/null |
	bcftools query -f '%CHROM %POS %REF %ALT [%GT]\n' | awk '{split($5,g,/[\/|]/); if (g[1]>g[2]) {t=g[1];g[1]=g[2];g[2]=t}; print $1,$2,$3,$4,g[1]"/"g[2]}' | sort >"$D/want.txt"
# ours, split the same way (a 1/2 site becomes two 0/1 records)
calls() { bcftools norm -m -any "$1" 2>/dev/null | bcftools query -f '%CHROM %POS %REF %ALT [%GT]\n' |
	awk '{split($5,g,/[\/|]/); if (g[1]>g[2]) {t=g[1];g[1]=g[2];g[2]=t}; if (g[1]>1) g[1]=1; if (g[2]>1) g[2]=1; print $1,$2,$3,$4,g[1]"/"g[2]}' | sort; }

check "call: runs on the case" "$CV" -f "$D/ref.fa" -o "$D/calls.vcf.gz" "$D/aln.bam"
check_sh "call: expected truth has 9 alleles" "[ \$(wc -l <'$D/want.txt') -eq 9 ]"
calls "$D/calls.vcf.gz" | grep '^c1 ' >"$D/got.txt"
check_sh "call: calls on c1 equal the normalised truth (alleles and genotypes)" "diff '$D/want.txt' '$D/got.txt'"
check_sh "call: multi-allelic SNP is one record with GT 1/2" \
	"zcat '$D/calls.vcf.gz' | awk '\$1==\"c1\" && \$2==701 {split(\$10,f,\":\"); print \$5, f[1]}' | grep -Eq '^[ACGT],[ACGT] 1/2\$'"
check_sh "call: homopolymer insertion is left-aligned (C>CA at 900)" \
	"zcat '$D/calls.vcf.gz' | awk '\$1==\"c1\" && \$2==900 && \$4==\"C\" && \$5==\"CA\"' | grep -q ."
check_sh "call: homopolymer deletion is left-aligned (GT>G at 1100, 1/1)" \
	"zcat '$D/calls.vcf.gz' | awk '\$1==\"c1\" && \$2==1100 && \$4==\"GT\" && \$5==\"G\" && \$10 ~ /^1\\/1/' | grep -q ."
check_sh "call: c5 has its het deletion and no SNP from the read ends aligned without it" \
	"[ \"\$(bcftools query -r c5 -f '%POS %REF %ALT [%GT]\n' '$D/calls.vcf.gz')\" = '600 TCCA T 0/1' ]"
check_sh "call: phase: a SNP with 2 ALT reads of 10, both on one haplotype of a het 40 bp away, is called (c6:541)" \
	"[ \"\$(bcftools query -r c6 -f '%POS [%GT] ' '$D/calls.vcf.gz')\" = '501 0/1 541 0/1 ' ]"
check_sh "call: phase: the same with its ALT reads on both haplotypes is not (c7:541)" \
	"[ \"\$(bcftools query -r c7 -f '%POS [%GT] ' '$D/calls.vcf.gz')\" = '501 0/1 ' ]"
check_sh "call: one-read-deep SNP on c2 is not called" "[ \$(bcftools view -H -r c2 '$D/calls.vcf.gz' | wc -l) -eq 0 ]"
check_sh "call: duplicate-only SNP on c3 is not called" "[ \$(bcftools view -H -r c3 '$D/calls.vcf.gz' | wc -l) -eq 0 ]"
check_sh "call: overlapping mates of one fragment count once (c4:601 not called, c4:901 called)" \
	"[ \"\$(bcftools query -r c4 -f '%POS ' '$D/calls.vcf.gz')\" = '901 ' ]"
check_sh "call: -d 1 keeps one read over c4:901, so no call there" \
	"'$CV' --quiet -d 1 -f '$D/ref.fa' -r c4 -o '$D/d1.vcf.gz' '$D/aln.bam'; [ \$(bcftools view -H '$D/d1.vcf.gz' | wc -l) -eq 0 ]"
check "call: --keep-duplicates" "$CV" --keep-duplicates -f "$D/ref.fa" -r c3 -o "$D/dup.vcf.gz" "$D/aln.bam"
check_sh "call: with --keep-duplicates the c3 SNP is called" "bcftools view -H '$D/dup.vcf.gz' | awk '\$2==601' | grep -q ."
check_sh "call: -q 61 skips every read (MAPQ 60)" \
	"'$CV' --quiet -q 61 -f '$D/ref.fa' -o '$D/q61.vcf.gz' '$D/aln.bam'; [ \$(bcftools view -H '$D/q61.vcf.gz' | wc -l) -eq 0 ]"

# the VCF itself
check "vcf: bcftools view reads it" bcftools view -h "$D/calls.vcf.gz"
check_sh "vcf: index counts every record" "[ \$(bcftools index -n '$D/calls.vcf.gz') -eq \$(zcat '$D/calls.vcf.gz' | grep -vc '^#') ]"
check_sh "vcf: index is not older than the data" "[ ! '$D/calls.vcf.gz.tbi' -ot '$D/calls.vcf.gz' ]"
check_sh "vcf: norm --check-ref e finds no mismatch and changes nothing" \
	"bcftools norm -f '$D/ref.fa' --check-ref e '$D/calls.vcf.gz' 2>'$D/norm.err' | grep -v '^#' | cut -f1-5 >'$D/n.txt'; zcat '$D/calls.vcf.gz' | grep -v '^#' | cut -f1-5 | diff - '$D/n.txt'"
check_sh "vcf: header has contigs with lengths, reference, command line, INFO/FORMAT" \
	"h=\$(bcftools view -h '$D/calls.vcf.gz'); for s in '##fileformat=VCFv4.2' '##contig=<ID=c1,length=2400>' '##reference=' '##call-variantsCommand=' \
	 '##INFO=<ID=DP' '##FORMAT=<ID=GT' '##FORMAT=<ID=GQ' '##FORMAT=<ID=AD' '##FORMAT=<ID=PL' '##FILTER=<ID=LowQual'; do grep -qF \"\$s\" <<<\"\$h\"; done"
check_sh "vcf: one sample column named after SM" "bcftools query -l '$D/calls.vcf.gz' | diff - <(echo S1)"

# threads and chunking do not change the output
for t in 1 4; do
	check "determinism: -@ $t with 300-bp chunks" "$CV" --quiet -@ $t --chunk-size 300 -f "$D/ref.fa" -o "$D/t$t.vcf.gz" "$D/aln.bam"
done
body() { zcat "$1" | grep -v '^##call-variantsCommand'; }
check_sh "determinism: -@ 1 and -@ 4 give identical output" "diff <(body '$D/t1.vcf.gz') <(body '$D/t4.vcf.gz')"
check_sh "determinism: 300-bp chunks give the same records as one chunk" "diff <(body '$D/t1.vcf.gz') <(body '$D/calls.vcf.gz')"

# two samples: the same reads under another SM in a second BAM
samtools addreplacerg -r '@RG\tID:rg2\tSM:S2' -o "$D/s2.bam" "$D/aln.bam" 2>/dev/null && samtools index "$D/s2.bam"
check "samples: two BAMs" "$CV" --quiet -f "$D/ref.fa" -r c1 -o "$D/two.vcf.gz" "$D/aln.bam" "$D/s2.bam"
check_sh "samples: one column per SM, same genotypes" \
	"bcftools query -l '$D/two.vcf.gz' | tr '\n' ' ' | grep -qx 'S1 S2 '; bcftools query -f '[%GT ]\n' '$D/two.vcf.gz' | awk '\$1!=\$2{exit 1}'"
finish
