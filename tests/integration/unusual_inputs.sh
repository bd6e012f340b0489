#!/usr/bin/env bash
# Unusual but valid inputs (tests/data/call-variants/make_unusual.py): every CIGAR
# operation, SEQ/QUAL '*', MAPQ 255, placed unmapped reads and every skip flag,
# reads of length 1 and over the contig end, contig names with ':' and '*', a
# 1-bp contig, a contig without reads, lowercase/N/IUPAC reference, 6000 reads
# at one spot, a header-only BAM, @SQ order other than the FASTA's, read groups
# of two samples with untagged reads. sort-index must equal samtools sort +
# index; call-variants must call the planted SNPs and nothing else, and read
# back with bcftools. Every run is repeated with the ASan+UBSan build
# (build/asan/bin) when it is there: same exit, no report.
. "$(dirname "$0")/lib.sh"
command -v samtools >/dev/null || skip "samtools missing"
command -v bcftools >/dev/null || skip "bcftools missing"
ASAN_BIN=${GSA_ASAN_BIN:-$GSA_ROOT/build/asan/bin}
D=$TMP/case; mkdir -p "$D"
python3 "$GSA_ROOT/tests/data/call-variants/make_unusual.py" "$D" || exit 1
samtools faidx "$D/ref.fa" || exit 1

# run_both NAME TOOL [merge|joint] ARGS... — exit 0 with the release build, then with the
# ASan build (when built) also exit 0 and nothing on stderr (--quiet)
run_both() {
	local name=$1 tool=$2; shift 2
	local bin rc ok=1 why= sub=()
	case ${1:-} in merge|joint) sub=("$1"); shift ;; esac
	for bin in "$GSA_BIN" "$ASAN_BIN"; do
		[ -x "$bin/$tool" ] || continue
		"$bin/$tool" "${sub[@]}" --quiet "$@" >"$TMP/.o" 2>"$TMP/.e"; rc=$?
		if [ $rc -ne 0 ] || [ -s "$TMP/.e" ]; then ok=0; why="$bin/$tool: exit $rc"; break; fi
	done
	if [ $ok -eq 1 ]; then echo "ok $name"
	else echo "not ok $name"; echo "#   $why"; sed 's/^/#   /' "$TMP/.e" | head -n 8; _lib_failed=1; fi
}

# --- sort-index: the order and index of samtools, from SAM and from BAM
for f in reads empty reorder rg; do
	samtools view -b -o "$D/$f.in.bam" "$D/$f.sam" || exit 1
	samtools sort -o "$D/$f.want.bam" "$D/$f.sam" 2>/dev/null || exit 1
	run_both "sort-index: $f.sam" sort-index -o "$D/$f.bam" "$D/$f.sam"
	run_both "sort-index: $f BAM" sort-index -o "$D/$f.b.bam" "$D/$f.in.bam"
	check_sh "sort-index: $f: the records of samtools sort, in its order, from SAM and BAM" \
		"samtools view '$D/$f.want.bam' >'$D/w.txt'; samtools view '$D/$f.bam' | diff -q '$D/w.txt' -; samtools view '$D/$f.b.bam' | diff -q '$D/w.txt' -"
	check_sh "sort-index: $f: the .bai is samtools index's" \
		"cp '$D/$f.bam' '$D/x.bam'; samtools index '$D/x.bam'; cmp '$D/x.bam.bai' '$D/$f.bam.bai'"
done
check_sh "sort-index: samtools reads a region of a contig named with ':' and '*'" \
	"[ \$(samtools view -c '$D/reads.bam' '{HLA-A*01:01:01:01}:401-401') -eq 40 ]"

# --- call-variants: the planted SNPs, nothing else
BAM=$D/reads.bam
snps() { bcftools query -f '%CHROM %POS %REF %ALT [%GT]\n' "$1"; }
export -f snps
run_both "call: every unusual read at once" call-variants -f "$D/ref.fa" -o "$D/all.vcf.gz" "$BAM"
check_sh "call: the planted SNPs and nothing else" "snps '$D/all.vcf.gz' | diff '$D/truth.txt' -"
check "call: bcftools reads the VCF" bcftools view -o /dev/null "$D/all.vcf.gz"
# QD divides the QUAL before its 9999 cap (was: QD 1.67, FILTER QD2 at 6000 ALT reads)
run_both "call: -d 0 over 6000 reads" call-variants -d 0 -f "$D/ref.fa" -r deep -o "$D/deep.vcf.gz" "$BAM"
check_sh "call: a hom SNP in 6000 reads: DP 6000, QD above 2, FILTER PASS" \
	"[ \"\$(bcftools query -f '%POS %FILTER %INFO/DP' '$D/deep.vcf.gz')\" = '401 PASS 6000' ]; \
	 bcftools query -f '%INFO/QD\n' '$D/deep.vcf.gz' | awk '{exit !(\$1 > 20)}'"
# MAPQ 255 is "unavailable": no MQ of 255 (was MQ=255)
check_sh "call: reads all MAPQ 255: no MQ annotation, FILTER PASS" \
	"[ \"\$(bcftools query -r mq255 -f '%POS %FILTER %INFO/MQ' '$D/all.vcf.gz')\" = '301 PASS .' ]"
# -r SPEC|CONTIG|FROM|TO: names holding ':' and '*', a 1-bp contig, one without reads
for r in 'HLA-A*01:01:01:01|HLA-A*01:01:01:01|1|1000' 'HLA-A*01:01:01:01:300-500|HLA-A*01:01:01:01|300|500' \
	'chr1:1-5:200-300|chr1:1-5|200|300' '{chr1:1-5}|chr1:1-5|1|600' 'tiny|tiny|1|1' 'noreads|noreads|1|500' \
	'c1:2990-3000|c1|2990|3000' 'c1:2500-9999|c1|2500|3000'; do
	IFS='|' read -r spec ctg from to <<<"$r"
	run_both "call: -r $spec" call-variants -f "$D/ref.fa" -r "$spec" -o "$D/r.vcf.gz" "$BAM"
	check_sh "call: -r $spec: the SNPs of that region" \
		"awk -v c='$ctg' '\$1==c && \$2>=$from && \$2<=$to' '$D/truth.txt' | diff - <(snps '$D/r.vcf.gz')"
done
# "chr1:1-5" names a contig and a range of chr1: one line saying so and how to write either
check_sh "call: -r chr1:1-5 beside contig chr1: exit 2, ambiguous, {chr1:1-5} or {chr1}:1-5, no output" \
	"rc=0; '$GSA_BIN/call-variants' --quiet -f '$D/ref.fa' -r chr1:1-5 -o '$D/amb.vcf.gz' '$BAM' 2>'$D/amb.err' || rc=\$?; [ \$rc -eq 2 ];
	 [ \$(wc -l <'$D/amb.err') -eq 1 ]; grep -qF 'ambiguous' '$D/amb.err'; grep -qF 'write {chr1:1-5} or {chr1}:1-5' '$D/amb.err'; ! ls '$D'/amb.vcf.gz* 2>/dev/null"
printf 'HLA-A*01:01:01:01\t300\t500\nchr1:1-5\t0\t600\ntiny\t0\t1\nc1\t2900\t3000\n' >"$D/r.bed"
run_both "call: -R BED with ':' and '*' in contig names" call-variants -f "$D/ref.fa" -R "$D/r.bed" -o "$D/bed.vcf.gz" "$BAM"
check_sh "call: -R: the SNPs in the BED's regions" \
	"grep -e '^HLA-A' -e '^chr1:1-5 ' '$D/truth.txt' | diff - <(snps '$D/bed.vcf.gz')"
run_both "call: --gvcf" call-variants --gvcf -f "$D/ref.fa" -o "$D/g.vcf.gz" "$BAM"
check_sh "call: --gvcf covers every base of every contig, in order (a deletion's record may overlap the next)" \
	"bcftools view -H '$D/g.vcf.gz' | awk -F'\t' '{e=\$2+length(\$4)-1; if (match(\$8,/END=[0-9]+/)) e=substr(\$8,RSTART+4,RLENGTH-4)+0;
	  if (\$1!=c) {if (c!=\"\") print c, n; c=\$1; n=0; p=0} if (\$2>n+1 || \$2<=p) {print \"gap\", \$1, \$2; exit 1} p=\$2; if (e>n) n=e} END{print c, n}' >'$D/cov.txt';
	 diff <(cut -f1,2 '$D/ref.fa.fai' | tr '\t' ' ') '$D/cov.txt'"
# '=' in SEQ is the reference base (was: no base, so the REF reads of a het SNP vanished: 1/1)
samtools calmd -e "$BAM" "$D/ref.fa" 2>/dev/null | samtools view -b -o "$D/eq.bam" - && samtools index "$D/eq.bam"
run_both "call: SEQ of '=' (samtools calmd -e)" call-variants -f "$D/ref.fa" -o "$D/eq.vcf.gz" "$D/eq.bam"
check_sh "call: SEQ of '=': the records of the plain BAM" \
	"[ \$(samtools view '$D/eq.bam' c1:2601-2601 | awk '\$10 ~ /=/' | wc -l) -gt 10 ];
	 diff <(bcftools view -H '$D/all.vcf.gz') <(bcftools view -H '$D/eq.vcf.gz')"
run_both "call: --gvcf, SEQ of '='" call-variants --gvcf -f "$D/ref.fa" -o "$D/eqg.vcf.gz" "$D/eq.bam"
check_sh "call: --gvcf, SEQ of '=': the records of the plain BAM" "diff <(bcftools view -H '$D/g.vcf.gz') <(bcftools view -H '$D/eqg.vcf.gz')"
run_both "call: header-only BAM" call-variants -f "$D/ref.fa" -o "$D/e.vcf.gz" "$D/empty.bam"
check_sh "call: header-only BAM: a VCF without records" "[ \$(bcftools view -H '$D/e.vcf.gz' | wc -l) -eq 0 ]"
run_both "call: header contigs in another order than the FASTA's" call-variants -f "$D/ref.fa" -o "$D/o.vcf.gz" "$D/reorder.bam"
check_sh "call: other contig order: the same SNPs" "snps '$D/o.vcf.gz' | sort | diff <(sort '$D/truth.txt') -"
run_both "call: with a header-only second BAM" call-variants -f "$D/ref.fa" -o "$D/two.vcf.gz" "$BAM" "$D/empty.bam"
check_sh "call: two BAMs: two samples, the second ./. everywhere" \
	"[ \$(bcftools query -l '$D/two.vcf.gz' | wc -l) -eq 2 ]; [ -z \"\$(bcftools query -f '[%GT ]\n' '$D/two.vcf.gz' | awk '\$2!=\"./.\"')\" ]"
# reads with no RG where the read groups name two samples are skipped (was: sample -1, out of bounds)
run_both "call: untagged reads beside two read groups" call-variants -f "$D/ref.fa" -o "$D/rg.vcf.gz" "$D/rg.bam"
check_sh "call: untagged reads are no sample's: SA has the c1 SNPs, nothing on chr1:1-5" \
	"[ \"\$(bcftools query -f '%CHROM:%POS:[%GT,]\n' '$D/rg.vcf.gz' | tr '\n' ' ')\" = 'c1:501:1/1,./., c1:1051:1/1,./., c1:2601:0/1,./., ' ]"
# a contig longer than a TBI can index (2^29 - 1): the index is a CSI (was: "the index refuses the record")
printf '##fileformat=VCFv4.2\n##contig=<ID=huge,length=600000000>\n##contig=<ID=small,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' >"$D/big.vcf"
printf 'huge\t%s\t.\tA\tC\t50\tPASS\t.\n' 100 550000000 599999999 >>"$D/big.vcf"
printf 'small\t10\t.\tA\tC\t50\tPASS\t.\n' >>"$D/big.vcf"
bgzip -c "$D/big.vcf" >"$D/big.part.vcf.gz"
run_both "merge: a part with a contig of 600 Mb" call-variants merge -o "$D/big.vcf.gz" "$D/big.part.vcf.gz"
check_sh "merge: a contig of 600 Mb: a .csi (no .tbi) that finds the record at 550,000,000" \
	"[ -s '$D/big.vcf.gz.csi' ]; [ ! -e '$D/big.vcf.gz.tbi' ]; [ \"\$(bcftools query -r huge:549999990-550000010 -f '%POS' '$D/big.vcf.gz')\" = 550000000 ]"
check_sh "merge: contigs up to 2^29 - 1 keep the .tbi" \
	"'$GSA_BIN/call-variants' merge --quiet -o '$D/small.vcf.gz' '$D/all.vcf.gz'; [ -s '$D/small.vcf.gz.tbi' ]; [ ! -e '$D/small.vcf.gz.csi' ]"
finish
