#!/usr/bin/env bash
# call-variants --ploidy: a simulated male chrX (haploid truth, tests/data/call-variants/make_ploidy_case.py)
# gets haploid genotypes and no heterozygous call outside the PARs (GRCh37 preset and a ploidy file);
# without --ploidy, or as a female, the same reads give a het call there (so the check can fail).
. "$(dirname "$0")/lib.sh"
CV=$GSA_BIN/call-variants
D=$TMP/ploidy; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_ploidy_case.py" "$D" || exit 1
samtools faidx "$D/ref.fa" && samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1
gts() { bcftools query -f '%POS [%GT]\n' "$1"; }
# GRCh37 PAR1 is X:1-60000 haploid ... 2699521-154931043 haploid in males
nonpar_het() { gts "$1" | awk '$1 >= 2699521 && $2 ~ /\// { split($2, g, "/"); if (g[1] != g[2]) n++ } END { print n + 0 }'; }
export -f gts nonpar_het

check "ploidy: male with the GRCh37 preset" "$CV" --ploidy GRCh37 --sample-sex S1=M -f "$D/ref.fa" -o "$D/male.vcf.gz" "$D/aln.bam"
check_sh "ploidy: male genotypes equal the haploid truth (PAR1 site 0/1, non-PAR sites 1)" "diff <(gts '$D/male.vcf.gz') '$D/truth.txt'"
check_sh "ploidy: male has no het call outside the PARs" "[ \$(nonpar_het '$D/male.vcf.gz') -eq 0 ]"
check_sh "ploidy: haploid records carry one PL per allele" \
	"bcftools query -i 'POS>=2699521' -f '[%PL]\n' '$D/male.vcf.gz' | awk -F, 'NF != 2 { exit 1 }'"
check "ploidy: diploid (no --ploidy)" "$CV" --quiet -f "$D/ref.fa" -o "$D/dip.vcf.gz" "$D/aln.bam"
check_sh "ploidy: without --ploidy the paralog site is a het call" "[ \$(nonpar_het '$D/dip.vcf.gz') -ge 1 ]"
check "ploidy: female with the preset" "$CV" --quiet --ploidy GRCh37 --sample-sex S1=F -f "$D/ref.fa" -o "$D/female.vcf.gz" "$D/aln.bam"
check_sh "ploidy: a female's chrX stays diploid" "diff <(gts '$D/female.vcf.gz') <(gts '$D/dip.vcf.gz')"
printf 'X 2699521 2701000 M 1\n' >"$D/ploidy.txt"
printf 'S1 M\n' >"$D/sex.txt"
check "ploidy: a ploidy file and a sex file" "$CV" --quiet --ploidy "$D/ploidy.txt" --sample-sex "$D/sex.txt" -f "$D/ref.fa" -o "$D/file.vcf.gz" "$D/aln.bam"
check_sh "ploidy: the file gives the preset's genotypes" "diff <(gts '$D/file.vcf.gz') '$D/truth.txt'"
check "ploidy: male gVCF" "$CV" --quiet --gvcf --ploidy GRCh37 --sample-sex S1=M -f "$D/ref.fa" -o "$D/male.g.vcf.gz" "$D/aln.bam"
check_sh "ploidy: gVCF blocks in the non-PAR part are haploid (GT 0 or ., two PLs), in PAR1 diploid" \
	"bcftools query -i 'ALT=\"<*>\"' -f '%POS %INFO/END [%GT %PL]\n' '$D/male.g.vcf.gz' >'$D/blocks.txt'; awk -f '$GSA_ROOT/tests/data/call-variants/ploidy_blocks.awk' '$D/blocks.txt'"
check_sh "ploidy: bcftools view reads the haploid gVCF" "bcftools view '$D/male.g.vcf.gz' >/dev/null"
printf 'X 2699521 2701000 M 1\r\n\r\n   \r\n# comment\r\n' >"$D/crlf.txt"
printf 'S1 M\r\n\r\n  \n' >"$D/sexcrlf.txt"
check "ploidy: CRLF ploidy and sex files with blank lines (the sex file was refused)" \
	"$CV" --quiet --ploidy "$D/crlf.txt" --sample-sex "$D/sexcrlf.txt" -f "$D/ref.fa" -o "$D/crlf.vcf.gz" "$D/aln.bam"
check_sh "ploidy: ... the same genotypes as the LF files" "diff <(gts '$D/crlf.vcf.gz') '$D/truth.txt'"
printf 'X 1 200000000 F 0\n' >"$D/zero.txt"
check "ploidy: a gVCF of ploidy 0 everywhere" "$CV" --quiet --gvcf --ploidy "$D/zero.txt" -f "$D/ref.fa" -o "$D/zero.g.vcf.gz" "$D/aln.bam"
check_sh "ploidy: ... its sites have QUAL 0, not -0, and no called genotype" "
	bcftools query -i 'ALT!=\"<*>\"' -f '%QUAL [%GT]\n' '$D/zero.g.vcf.gz' >'$D/zero.txt.q'; [ -s '$D/zero.txt.q' ]
	awk '\$1 != \"0\" || \$2 != \".\" { exit 1 }' '$D/zero.txt.q'"
check_exit 2 "ploidy: unknown sample in --sample-sex -> exit 2" "$CV" --quiet --ploidy GRCh37 --sample-sex NOPE=M -f "$D/ref.fa" -o "$D/x.vcf.gz" "$D/aln.bam"
check_exit 2 "ploidy: bad ploidy file line -> exit 2" sh -c "printf 'X 1 x M 1\n' >'$D/bad.txt'; '$CV' --quiet --ploidy '$D/bad.txt' -f '$D/ref.fa' -o '$D/x.vcf.gz' '$D/aln.bam'"
check_exit 1 "ploidy: --sample-sex without --ploidy -> exit 1" "$CV" --quiet --sample-sex S1=M -f "$D/ref.fa" -o "$D/x.vcf.gz" "$D/aln.bam"
check_sh "ploidy: no output left after an error" "[ ! -e '$D/x.vcf.gz' ] && [ ! -e '$D/x.vcf.gz.tbi' ]"
finish
