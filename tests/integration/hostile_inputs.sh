#!/usr/bin/env bash
# Hostile or careless inputs (issue 16): each gets the README's exit code,
# one error line naming what is wrong, and leaves nothing under a final name
# (or a temp); every case also runs with the ASan+UBSan build
# (build/asan/bin) when it is there, which must exit the same way.
. "$(dirname "$0")/lib.sh"
command -v samtools >/dev/null || skip "samtools missing"
ASAN_BIN=${GSA_ASAN_BIN:-$GSA_ROOT/build/asan/bin}
D=$TMP/case; mkdir -p "$D" "$TMP/out"
python3 "$GSA_ROOT/tests/data/call-variants/make_case.py" "$D" || exit 1
samtools faidx "$D/ref.fa" && samtools sort -o "$D/aln.bam" "$D/reads.sam" 2>/dev/null && samtools index "$D/aln.bam" || exit 1
for c in c1 c2; do "$GSA_BIN/call-variants" --quiet -f "$D/ref.fa" -r $c -o "$D/part.$c.vcf.gz" "$D/aln.bam" || exit 1; done

# expect CODE NAME 'STDERR REGEX' TOOL ARGS... — run from $TMP/out (which must
# stay empty) with the release and the ASan build (each for at most 60 s): exit CODE, one stderr line
# matching the regex, no sanitizer report, nothing left in $TMP/out
expect() {
	local want=$1 name=$2 pat=$3 tool=$4; shift 4
	local bin ok=1 rc why="no binary ran" ran=0
	for bin in "$GSA_BIN" "$ASAN_BIN"; do
		[ -x "$bin/$tool" ] || continue
		ran=1
		# bounded: a FIFO without a writer would block an open for ever
		(cd "$TMP/out" && timeout -k 5 60 "$bin/$tool" "$@") >"$TMP/stdout" 2>"$TMP/stderr" </dev/null; rc=$?
		if [ $rc -ne "$want" ]; then ok=0; why="$bin: exit $rc"
		elif [ "$(wc -l <"$TMP/stderr")" -ne 1 ] || ! grep -Eq -- "$pat" "$TMP/stderr"; then ok=0; why="$bin: stderr"
		elif [ -n "$(ls -A "$TMP/out")" ]; then ok=0; why="$bin: left $(ls -A "$TMP/out" | tr '\n' ' ')"
		fi
		rm -rf "$TMP/out"/* "$TMP/out"/.[!.]* 2>/dev/null
		[ $ok -eq 1 ] || break
	done
	if [ $ok -eq 1 ] && [ $ran -eq 1 ]; then echo "ok $name"
	else echo "not ok $name"; echo "#   $why"; sed 's/^/#   /' "$TMP/stderr" | head -n 8; _lib_failed=1; fi
}

# --- call-variants: region strings
CV="-f $D/ref.fa"
expect 2 "call-variants -r CONTIG:0-5: exit 2 (positions start at 1), no overflow" \
	"region 'c1:0-5': bad coordinates" call-variants $CV -r c1:0-5 -o v.vcf.gz "$D/aln.bam"
expect 2 "call-variants -r CONTIG:0: exit 2" "region 'c1:0': bad coordinates" call-variants $CV -r c1:0 -o v.vcf.gz "$D/aln.bam"
expect 2 "call-variants -r CONTIG:10-5 (end before start): exit 2" "region 'c1:10-5'" call-variants $CV -r c1:10-5 -o v.vcf.gz "$D/aln.bam"
expect 2 "call-variants -r CONTIG:1-0: exit 2" "region 'c1:1-0': bad coordinates" call-variants $CV -r c1:1-0 -o v.vcf.gz "$D/aln.bam"
expect 2 "call-variants -r with a 30-digit position: exit 2" "bad coordinates" \
	call-variants $CV -r c1:100000000000000000000000000000 -o v.vcf.gz "$D/aln.bam"
expect 2 "call-variants -r in a list, the second bad: exit 2" "region 'c2:0-3'" call-variants $CV -r c1:1-5,c2:0-3 -o v.vcf.gz "$D/aln.bam"

# --- -o -: stdout where the tool can write there, else a usage error
expect 1 "call-variants -o -: usage error (the .tbi needs a file), no file '-'" "-o - is not possible" \
	call-variants $CV -r c1 -o - "$D/aln.bam"
expect 1 "call-variants merge -o -: usage error, no file '-'" "-o - is not possible" \
	call-variants merge -o - "$D/part.c1.vcf.gz" "$D/part.c2.vcf.gz"

# --- call-variants merge: the same part twice
expect 2 "merge: the same part twice: exit 2" "the same part as" \
	call-variants merge -o m.vcf.gz "$D/part.c1.vcf.gz" "$D/part.c2.vcf.gz" "$D/part.c1.vcf.gz"
ln -s "$D/part.c2.vcf.gz" "$D/link.vcf.gz"
expect 2 "merge: one part under two names (symlink): exit 2" "link.vcf.gz: the same part as" \
	call-variants merge -o m.vcf.gz "$D/part.c2.vcf.gz" "$D/part.c1.vcf.gz" "$D/link.vcf.gz"
{ zcat "$D/part.c1.vcf.gz" | grep '^#'; printf 'c9\t5\t.\tA\tC\t50\tPASS\t.\tGT\t0/1\n'; } >"$D/badchrom.vcf"
expect 2 "merge: a record on a contig the header lacks: exit 2" "CHROM 'c9' is not a contig of the header" \
	call-variants merge -o m.vcf.gz "$D/part.c1.vcf.gz" "$D/badchrom.vcf"

# --- call-variants joint: hostile gVCFs (tests/data/call-variants/edit_gvcf.py)
G=$D/gvcf; mkdir -p "$G"
samtools addreplacerg -r '@RG\tID:rg2\tSM:S2' -o "$D/s2.bam" "$D/aln.bam" 2>/dev/null && samtools index "$D/s2.bam" &&
	"$GSA_BIN/call-variants" --quiet --gvcf -f "$D/ref.fa" -o "$G/s1.g.vcf.gz" "$D/aln.bam" &&
	"$GSA_BIN/call-variants" --quiet --gvcf -f "$D/ref.fa" -o "$G/s2.g.vcf.gz" "$D/s2.bam" &&
	python3 "$GSA_ROOT/tests/data/call-variants/edit_gvcf.py" "$G/s2.g.vcf.gz" "$G" || exit 1
joint_bad() { # NAME 'REGEX' FILE: joint of s1 and FILE refused with exit 2
	expect 2 "joint: $1: exit 2" "$2" call-variants joint -o j.vcf.gz "$G/s1.g.vcf.gz" "$3"
}
joint_bad "a contig of another length" "ctg-length.vcf: its contigs .* differ" "$G/ctg-length.vcf"
expect 2 "joint: records on contigs the header does not declare: exit 2 (samples' contigs were mixed)" \
	"ctg-none.vcf: a record's CHROM 'c1' is not a contig of the header" call-variants joint -o j.vcf.gz "$G/ctg-none.vcf"
joint_bad "a record past the contig's end" "past-end.vcf: c7:5000: past the end of the contig" "$G/past-end.vcf"
joint_bad "END before POS" "end-before-pos.vcf: c1:302: END=100 before POS" "$G/end-before-pos.vcf"
joint_bad "END past the contig's end" "end-past.vcf: c1:302: END=2000000000 past the end" "$G/end-past.vcf"
joint_bad "a negative PL" "pl-negative.vcf: c1:301: negative PL" "$G/pl-negative.vcf"
joint_bad "a plain VCF (no INFO/END)" "plain.vcf: not a gVCF" "$G/plain.vcf"
joint_bad "INFO/END declared a String (no blocks read)" "end-string.vcf: not a gVCF" "$G/end-string.vcf"
joint_bad "records out of order" "unsorted.vcf: c1:501: records out of order" "$G/unsorted.vcf"
joint_bad "100 ALT alleles" "alt100.vcf: c1:301: more than 8 alleles" "$G/alt100.vcf"
joint_bad "another gVCF of the same sample (the output was unreadable)" "same-sample.vcf: sample S1 is also the sample of" \
	"$G/same-sample.vcf"
joint_bad "the same gVCF twice" "s1.g.vcf.gz: sample S1 is also the sample of" "$G/s1.g.vcf.gz"
: >"$G/empty.g.vcf.gz"
joint_bad "an empty file" "empty.g.vcf.gz: not a VCF" "$G/empty.g.vcf.gz"
head -c $(($(stat -c %s "$G/s2.g.vcf.gz") - 28)) "$G/s2.g.vcf.gz" >"$G/cut.g.vcf.gz"
cp "$G/s2.g.vcf.gz.tbi" "$G/cut.g.vcf.gz.tbi"
joint_bad "BGZF cut at a block end (was read as complete)" "cut.g.vcf.gz: truncated \(no BGZF end-of-file block\)" "$G/cut.g.vcf.gz"
expect 2 "joint -r with a gVCF cut at a block end: exit 2" "cut.g.vcf.gz: truncated" \
	call-variants joint -r c1 -o j.vcf.gz "$G/s1.g.vcf.gz" "$G/cut.g.vcf.gz"
expect 2 "joint -r with a 21-digit position: exit 2 (htslib crashed)" "region 'c1:100000000000000000000': bad coordinates" \
	call-variants joint -r c1:100000000000000000000 -o j.vcf.gz "$G/s1.g.vcf.gz" "$G/s2.g.vcf.gz"
expect 2 "joint -r CONTIG:0-5: exit 2 (was an empty VCF)" "region 'c1:0-5': bad coordinates" \
	call-variants joint -r c1:0-5 -o j.vcf.gz "$G/s1.g.vcf.gz"
expect 2 "joint -r CONTIG:10-5: exit 2 (was an empty VCF)" "region 'c1:10-5'" call-variants joint -r c1:10-5 -o j.vcf.gz "$G/s1.g.vcf.gz"
expect 2 "joint -r beyond the contig's end: exit 2" "region 'c1:5000-6000': empty or beyond the end of c1" \
	call-variants joint -r c1:5000-6000 -o j.vcf.gz "$G/s1.g.vcf.gz"
expect 2 "joint -r with two regions: exit 2" "joint takes one region" call-variants joint -r c1,c2 -o j.vcf.gz "$G/s1.g.vcf.gz"
expect 2 "joint -r with a gVCF without index: exit 2" "crlf.vcf: no usable tabix index" \
	call-variants joint -r c1 -o j.vcf.gz "$G/s1.g.vcf.gz" "$G/crlf.vcf"
cp "$G/s2.g.vcf.gz" "$G/badtbi.g.vcf.gz"; printf 'not an index' >"$G/badtbi.g.vcf.gz.tbi"
expect 2 "joint -r with a damaged .tbi: exit 2" "badtbi.g.vcf.gz: no usable tabix index" \
	call-variants joint -r c1 -o j.vcf.gz "$G/s1.g.vcf.gz" "$G/badtbi.g.vcf.gz"

# --- call-variants --ploidy / --sample-sex / --gvcf-bands
P=$D/ploidy; mkdir -p "$P"
ploidy_bad() { # NAME 'LINE' : a ploidy file of that line refused with exit 2
	printf '%b' "$2" >"$P/bad.txt"
	expect 2 "ploidy file: $1: exit 2" "bad.txt: line 1: " call-variants $CV --ploidy "$P/bad.txt" -o v.vcf.gz "$D/aln.bam"
}
ploidy_bad "FROM after TO" 'c1 800 500 F 1\n'
ploidy_bad "a negative FROM" 'c1 -5 100 F 1\n'
ploidy_bad "ploidy 3" 'c1 1 100 F 3\n'
ploidy_bad "sex U" 'c1 1 100 U 1\n'
ploidy_bad "ploidy 1.5 (was read as 1)" 'c1 1 100 F 1.5\n'
ploidy_bad "ploidy 1x (was read as 1)" 'c1 1 100 F 1x\n'
ploidy_bad "a sixth field (was ignored)" 'c1 1 100 F 1 2\n'
ploidy_bad "a 23-digit TO" 'c1 1 99999999999999999999999 F 1\n'
ploidy_bad "bcftools' '*' default line" '* * * F 1\n'
ploidy_bad "a NUL byte (cut the line)" 'c1 1 100 F 1\0 2\n'
printf 'S1 M\nS1 F\n' >"$P/sex.txt"
expect 2 "sex file naming a sample M and F: exit 2 (the last won)" "sex.txt: S1 is given as both M and F" \
	call-variants $CV --ploidy GRCh37 --sample-sex "$P/sex.txt" -o v.vcf.gz "$D/aln.bam"
expect 2 "--sample-sex S1=M,S1=F: exit 2" "S1 is given as both M and F" \
	call-variants $CV --ploidy GRCh37 --sample-sex S1=M,S1=F -o v.vcf.gz "$D/aln.bam"
for b in 1, ' 5' +5 '' 5,,6 -5 10,10 100 "$(seq -s, 0 999)"; do
	expect 1 "--gvcf-bands '${b:0:12}': exit 1" "--gvcf-bands needs ascending GQs" \
		call-variants $CV --gvcf --gvcf-bands "$b" -o v.vcf.gz "$D/aln.bam"
done
expect 1 "--gvcf-bands without --gvcf: exit 1 (was ignored)" "--gvcf-bands needs --gvcf" \
	call-variants $CV --gvcf-bands 0,20 -o v.vcf.gz "$D/aln.bam"

# --- call-variants: damaged BAI / CSI (checked whole before htslib reads it)
mkdir -p "$D/bai"
cp "$D/aln.bam" "$D/bai/a.bam"
badbai() { # NAME 'REGEX' PYTHON-EDIT-OF-d
	python3 -c "import struct; d = bytearray(open('$D/aln.bam.bai', 'rb').read()); $3; open('$D/bai/a.bam.bai', 'wb').write(d)"
	expect 2 "$1" "$2" call-variants $CV -o v.vcf.gz "$D/bai/a.bam"
}
badbai "BAI cut to 40 bytes: exit 2 (htslib crashed on it)" "a.bam.bai: damaged" "d = d[:40]"
badbai "BAI with a huge bin count: exit 2" "a.bam.bai: damaged or truncated index" "d[8:12] = struct.pack('<i', 2**31 - 16)"
badbai "BAI of another BAM (reference count): exit 2" "index of 40 references, but the data file has" "d[4:8] = struct.pack('<i', 40)"
badbai "BAI pointing past the end of the BAM (stale): exit 2" "points past the end of the data file" \
	"d[20:28] = struct.pack('<q', 1 << 50)"
badbai "BAI with trailing garbage: exit 2" "unexpected bytes at the end" "d += b'garbage!!'"
badbai "not an index at all: exit 2" "not a BAI or CSI index" "d = bytearray(b'hello world, no index here')"
rm -f "$D/bai/a.bam.bai"; samtools index -c "$D/bai/a.bam"
printf 'not bgzf' >"$D/bai/a.bam.csi"
expect 2 "CSI that is not BGZF: exit 2" "a.bam.csi: (damaged|not a BAI or CSI index)" call-variants $CV -o v.vcf.gz "$D/bai/a.bam"
rm -f "$D/bai/a.bam.csi"; samtools index -c "$D/bai/a.bam"
check "a good CSI is still used" "$GSA_BIN/call-variants" --quiet $CV -o "$TMP/csi.vcf.gz" "$D/bai/a.bam"

# --- call-variants: the reference's .fai must match the FASTA
mkdir -p "$D/fai"; cp "$D/ref.fa" "$D/fai/ref.fa"; samtools faidx "$D/fai/ref.fa"
{ printf '>c0 added later\nACGTACGT\n'; cat "$D/ref.fa"; } >"$D/fai/ref.fa.new" && mv "$D/fai/ref.fa.new" "$D/fai/ref.fa"
expect 2 "a stale .fai (a contig added to the FASTA after faidx): exit 2" \
	"ref.fa.fai: stale or damaged: contig c1 is not where the index says" \
	call-variants -f "$D/fai/ref.fa" -o v.vcf.gz "$D/aln.bam"
printf 'c1\t2400\tx\t60\t61\n' >"$D/fai/ref.fa.fai"
expect 2 "a malformed .fai: exit 2" "ref.fa.fai: line 1: expected NAME LENGTH OFFSET" \
	call-variants -f "$D/fai/ref.fa" -o v.vcf.gz "$D/aln.bam"
# found by fuzz_fai: a 19-digit field overflowed the number parser (UBSan) before its range check
printf 'c1\t9483333336666666666\t4\t60\t61\n' >"$D/fai/ref.fa.fai"
expect 2 "a .fai with a 19-digit length: exit 2" "ref.fa.fai: line 1: expected NAME LENGTH OFFSET" \
	call-variants -f "$D/fai/ref.fa" -o v.vcf.gz "$D/aln.bam"

# --- sort-index: contigs not in @SQ
printf '@SQ\tSN:c1\tLN:100\nr1\t0\tchrZ\t1\t0\t2M\t*\t0\t0\tAC\tII\n' >"$D/rname.sam"
printf '@SQ\tSN:c1\tLN:100\nr1\t1\tc1\t1\t0\t2M\tchrZ\t5\t0\tAC\tII\nr1\t1\tc1\t5\t0\t2M\t=\t1\t0\tAC\tII\n' >"$D/rnext.sam"
printf 'r1\t0\tc1\t1\t0\t2M\t*\t0\t0\tAC\tII\n' >"$D/nosq.sam"
expect 2 "sort-index: RNAME not in @SQ: exit 2, not an unmapped record" "record 1 \(r1\): RNAME 'chrZ' is not a contig" \
	sort-index -o s.bam "$D/rname.sam"
expect 2 "sort-index: RNEXT not in @SQ: exit 2" "RNEXT 'chrZ' is not a contig" sort-index -o s.bam "$D/rnext.sam"
expect 2 "sort-index: SAM without @SQ naming a contig: exit 2" "RNAME 'c1' is not a contig" sort-index -@ 2 -o s.bam "$D/nosq.sam"
check_sh "sort-index: '*', '=' and known contigs still sort" "
	cd '$TMP'; '$GSA_BIN/sort-index' --quiet -o ok.bam '$D/reads.sam'; samtools quickcheck ok.bam
	[ \$(samtools view -c ok.bam) -eq \$(grep -vc '^@' '$D/reads.sam') ]; rm -f ok.bam ok.bam.bai"

# --- inputs and outputs that are not files: exit 3, never a hang (each run
# is bounded: a FIFO without a writer would block an open for ever)
mkdir -p "$TMP/adir" "$TMP/jw"; mkfifo "$TMP/fifo"
AL=$TMP/al; mkdir -p "$AL"; A_IDX=$AL/ref.fa
python3 "$GSA_ROOT/tests/data/align/gen_reads.py" "$AL" 2 >/dev/null && "$GSA_BIN/align" index "$A_IDX" 2>/dev/null || exit 1
for x in "$TMP/adir" /dev/zero "$TMP/fifo"; do
	k=$(basename "$x")
	expect 3 "align map: R1 is $k: exit 3" "is a (directory|device|named FIFO)" align map -o m.bam "$A_IDX" "$x" "$AL/r2.fq"
	expect 3 "align index: the FASTA is $k: exit 3" "is a (directory|device|named FIFO)" align index -o x "$x"
	expect 3 "sort-index: the input is $k: exit 3" "is a (directory|device|named FIFO)" sort-index -o s.bam "$x"
	expect 3 "call-variants: the reference is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants -f "$x" -o v.vcf.gz "$D/aln.bam"
	expect 3 "call-variants: the BAM is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants $CV -o v.vcf.gz "$x"
	expect 3 "call-variants: the BED is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants $CV -R "$x" -o v.vcf.gz "$D/aln.bam"
	expect 3 "call-variants merge: a part is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants merge -o m.vcf.gz "$D/part.c1.vcf.gz" "$x"
	expect 3 "call-variants joint: a gVCF is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants joint -o j.vcf.gz "$G/s1.g.vcf.gz" "$x"
	expect 3 "call-variants --ploidy FILE is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants $CV --ploidy "$x" -o v.vcf.gz "$D/aln.bam"
	expect 3 "call-variants --sample-sex FILE is $k: exit 3" "is a (directory|device|named FIFO)" \
		call-variants $CV --ploidy GRCh37 --sample-sex "$x" -o v.vcf.gz "$D/aln.bam"
done
# job logs a line per phase besides the error: only the code and the message here
for x in adir fifo; do
	check_sh "job: an input that is a $x: exit 3, the command not run" "
		set +e; timeout 60 '$GSA_BIN/job' -w '$TMP/jw' -i '$TMP/$x' -- touch '$TMP/ran' 2>'$TMP/job.err'; rc=\$?; set -e
		[ \$rc -eq 3 ]; grep -Eq 'input $TMP/$x: (is a folder|not a regular file)' '$TMP/job.err'; [ ! -e '$TMP/ran' ]"
done
check_sh "an anonymous pipe (process substitution) is still read" "
	cd '$TMP'; '$GSA_BIN/align' map --quiet -o pipe.bam '$A_IDX' <(cat '$AL/r1.fq') <(cat '$AL/r2.fq'); samtools quickcheck pipe.bam
	rm -f pipe.bam"
# outputs: the rename would replace the thing (as root even a device node)
if mknod "$TMP/nulldev" c 1 3 2>/dev/null; then outs="$TMP/adir $TMP/fifo $TMP/nulldev"; else outs="$TMP/adir $TMP/fifo"; fi
for x in $outs; do
	k=$(basename "$x")
	expect 3 "sort-index -o $k: exit 3, left as it was" "is a (directory|FIFO|device)" sort-index -o "$x" "$D/aln.bam"
	expect 3 "call-variants -o $k: exit 3" "is a (directory|FIFO|device)" call-variants $CV -o "$x" "$D/aln.bam"
	expect 3 "align map -o $k: exit 3" "is a (directory|FIFO|device)" align map -o "$x" "$A_IDX" "$AL/r1.fq" "$AL/r2.fq"
done
check_sh "... the directory, FIFO and device node are untouched" "
	[ -d '$TMP/adir' ]; [ -z \"\$(ls -A '$TMP/adir')\" ]; [ -p '$TMP/fifo' ]
	[ ! -e '$TMP/nulldev' ] || [ -c '$TMP/nulldev' ]; [ -z \"\$(ls -A '$TMP' | grep '\.tmp\.')\" ]"

# --- -o naming an input: exit 1, one line, the input untouched (the rename replaced it)
O=$TMP/own; mkdir -p "$O"
cp "$D/aln.bam" "$D/aln.bam.bai" "$D/ref.fa" "$D/ref.fa.fai" "$D/part.c1.vcf.gz" "$D/part.c1.vcf.gz.tbi" \
	"$AL/r1.fq" "$AL/r2.fq" "$O/"
own() { # NAME FILE 'COMMAND': the command exits 1 naming FILE as the output and input, FILE unchanged
	check_sh "$1" "sum=\$(md5sum <'$2'); rc=0; $3 2>'$TMP/own.err' || rc=\$?
		[ \$rc -eq 1 ]; [ \$(wc -l <'$TMP/own.err') -eq 1 ]; grep -q '$2: the output is the input' '$TMP/own.err'
		[ \"\$(md5sum <'$2')\" = \"\$sum\" ]"
}
own "call-variants -o the BAM: exit 1, the BAM kept" "$O/aln.bam" "'$GSA_BIN/call-variants' -f '$O/ref.fa' -o '$O/aln.bam' '$O/aln.bam'"
own "call-variants -o the reference: exit 1" "$O/ref.fa" "'$GSA_BIN/call-variants' -f '$O/ref.fa' -o '$O/ref.fa' '$O/aln.bam'"
own "call-variants merge -o a part: exit 1" "$O/part.c1.vcf.gz" \
	"'$GSA_BIN/call-variants' merge -o '$O/part.c1.vcf.gz' '$O/part.c1.vcf.gz' '$D/part.c2.vcf.gz'"
own "align map -o R1: exit 1, the FASTQ kept" "$O/r1.fq" "'$GSA_BIN/align' map -o '$O/r1.fq' '$A_IDX' '$O/r1.fq' '$O/r2.fq'"

# --- hostile S3 listings (a stand-in server on 127.0.0.1): exit 4, nothing written
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
for kind in outside cut nosize badsize; do
	rm -f "$TMP/port"
	python3 "$GSA_ROOT/tests/fixture_s3_hostile.py" $kind "$TMP/port" &
	_lib_pids+=($!)
	for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
	expect 4 "s3-stage get of a prefix, listing '$kind': exit 4" "ListObjectsV2" \
		s3-stage get --no-progress --endpoint-url "http://127.0.0.1:$(cat "$TMP/port")" s3://b/ref/ "$TMP/out/"
done

# --- bad data is 2 even where htslib would answer "out of memory" (bam_set1)
for e in 1 2; do printf '@%s/%s\nACGTACGTAC\n+\nIIIIIIIIII\n' "$(printf 'r%.0s' $(seq 300))" $e >"$AL/long$e.fq"; done
expect 2 "align map: a read name of 300 characters: exit 2 (was 5, out of memory)" "read name of 300 characters" \
	align map -o m.bam "$A_IDX" "$AL/long1.fq" "$AL/long2.fq"

# --- align map -o -: stdout
check_sh "align map -o -: the BAM goes to stdout, no file named '-'" "
	cd '$TMP/out'; '$GSA_BIN/align' map --quiet -o - '$A_IDX' '$AL/r1.fq' '$AL/r2.fq' >'$TMP/map.bam'
	[ ! -e '$TMP/out/-' ]; [ -z \"\$(ls -A '$TMP/out')\" ]; samtools quickcheck '$TMP/map.bam'
	[ \$(samtools view -c '$TMP/map.bam') -gt 0 ]"
finish
