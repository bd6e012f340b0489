#!/usr/bin/env bash
# The container image of `make image`, really run: buildah from + buildah run
# (chroot isolation, vfs storage).  Its labels, user and entrypoint; `job
# --version`; and the demo pipeline (index, align | sort-index, call-variants
# per contig, merge), every step a `job` inside the container with inputs
# staged from and outputs delivered to s3rver on 127.0.0.1.  The merged VCF's
# records must equal those of the host build (build/bin, demo/run.sh).
. "$(dirname "$0")/lib.sh"
IMG_DIR=$GSA_ROOT/build/image
[ "$(id -u)" -eq 0 ] || skip "buildah run needs root"
command -v buildah >/dev/null || skip "buildah not installed (make image)"
[ -s "$IMG_DIR/image-name" ] || skip "no image built (make image)"
IMAGE=$(cat "$IMG_DIR/image-name")
BAH=(buildah --storage-driver vfs)
S3=$GSA_BIN/s3-stage
[ -x "$S3" ] || skip "s3-stage not built"

tag=${IMAGE##*:}
check "image archive build/image/gsa-$tag.oci.tar exists" test -s "$IMG_DIR/gsa-$tag.oci.tar"
"${BAH[@]}" inspect --type image "$IMAGE" >"$TMP/inspect.json" 2>"$TMP/inspect.err" ||
	{ _lib_report 1 "image $IMAGE in buildah's storage" "$TMP/inspect.err"; finish; }
check "image config: user 10001, job the entrypoint, OCI labels version/revision/source" \
	python3 - "$TMP/inspect.json" "$tag" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cfg = d["OCIv1"]["config"]
assert cfg["User"] == "10001:10001", cfg["User"]
assert cfg["Entrypoint"] == ["/usr/local/bin/job"], cfg["Entrypoint"]
labels = cfg["Labels"]
for k in ("version", "revision", "source"):
    v = labels.get("org.opencontainers.image." + k, "")
    assert v and v != "unknown", (k, v)
assert labels["org.opencontainers.image.version"].replace("+", "-") == sys.argv[2], labels
PY

ctr=$("${BAH[@]}" from --pull-never "$IMAGE" 2>"$TMP/from.err") ||
	{ _lib_report 1 "buildah from $IMAGE" "$TMP/from.err"; finish; }
at_exit "buildah --storage-driver vfs rm '$ctr'"
# run CMD... inside the container (as the image's user, environment from ENVS)
ENVS=()
crun() { "${BAH[@]}" run --isolation chroot "${ENVS[@]}" "$ctr" -- "$@"; }

check_sh "job --version inside the image" "
	$(declare -p BAH ENVS ctr); $(declare -f crun)
	crun /usr/local/bin/job --version | grep -q '^job (gsa) '"
check_sh "the tools inside the image are the static build" "
	for t in '$GSA_ROOT'/build/static/bin/*; do
		cmp \"\$t\" '$IMG_DIR/context/rootfs/usr/local/bin/'\"\${t##*/}\"
	done"

# --- the demo pipeline inside the container, through s3rver --------------
start_s3rver || skip "s3rver not available (make deps)"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT
B=s3://gsa-test
"$S3" put --no-progress --quiet "$GSA_ROOT/demo/data/ref.fa" "$GSA_ROOT/demo/data/R1.fastq.gz" \
	"$GSA_ROOT/demo/data/R2.fastq.gz" "$B/in/" || { _lib_report 1 "demo inputs uploaded to s3rver"; finish; }
ENVS=(--env "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" --env "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"
	--env "AWS_REGION=$AWS_REGION" --env "AWS_ENDPOINT_URL_S3=$S3_ENDPOINT" --env SAMPLE_ID=demo)
T=2
mapfile -t contigs < <(sed -n 's/^>\([^[:space:]]*\).*/\1/p' "$GSA_ROOT/demo/data/ref.fa")

check "image: align index, reference from and to S3" \
	crun job -i "$B/in/ref.fa" -o ref.fa -o 'ref.*gsai*' -p "$B/ref/" -- align index ref.fa
check "image: align | sort-index, reads from S3, BAM + BAI to S3" \
	crun job --pipe -i "$B/ref/*" -i "$B/in/R1.fastq.gz" -i "$B/in/R2.fastq.gz" \
	-o 'demo.bam' -o 'demo.bam.bai' -p "$B/aln/" -- \
	align map -t "$T" -R '@RG\tID:demo\tSM:demo' ref.fa R1.fastq.gz R2.fastq.gz \
	'|' sort-index -@ $((T - 1)) -m 256M -o demo.bam -
ok=0
for c in "${contigs[@]}"; do
	saved=("${ENVS[@]}"); ENVS+=(--env "CHROMOSOME=$c")
	crun job -i "$B/ref/ref.fa" -i "$B/aln/demo.bam" -i "$B/aln/demo.bam.bai" \
		-o 'demo.${CHROMOSOME}.vcf.gz' -o 'demo.${CHROMOSOME}.vcf.gz.tbi' -p "$B/calls/" -- \
		call-variants -f ref.fa -r '${CHROMOSOME}' -o 'demo.${CHROMOSOME}.vcf.gz' demo.bam \
		>"$TMP/cv.$c.log" 2>&1 || { ok=1; sed 's/^/#   /' "$TMP/cv.$c.log" | tail -n 5; }
	ENVS=("${saved[@]}")
done
_lib_report $ok "image: call-variants per contig (${#contigs[@]}), VCFs to S3"
parts=(); for c in "${contigs[@]}"; do parts+=("demo.$c.vcf.gz"); done
check "image: call-variants merge, parts from S3, sample VCF to S3" \
	crun job -i "$B/calls/*.vcf.gz" -o demo.vcf.gz -o demo.vcf.gz.tbi -p "$B/out/" -- \
	call-variants merge -o demo.vcf.gz "${parts[@]}"

# the host build (build/bin), the same steps through job on local files
H=$TMP/host; D=$GSA_ROOT/demo/data
mkdir -p "$H/w"
hjob() { PATH="$GSA_BIN:$PATH" "$GSA_BIN/job" --quiet -w "$H/w" "$@" >>"$H/log" 2>&1; }
host_ok=0
hjob -i "$D/ref.fa" -o ref.fa -o 'ref.*gsai*' -p "$H/ref" -- align index ref.fa &&
	hjob --pipe -i "$H/ref/*" -i "$D/R1.fastq.gz" -i "$D/R2.fastq.gz" -o demo.bam -o demo.bam.bai -p "$H/aln" -- \
		align map -t "$T" -R '@RG\tID:demo\tSM:demo' ref.fa R1.fastq.gz R2.fastq.gz \
		'|' sort-index -@ $((T - 1)) -m 256M -o demo.bam - || host_ok=1
for c in "${contigs[@]}"; do
	[ $host_ok -eq 0 ] || break
	CHROMOSOME=$c hjob -i "$H/ref/ref.fa" -i "$H/aln/demo.bam" -i "$H/aln/demo.bam.bai" \
		-o 'demo.${CHROMOSOME}.vcf.gz' -o 'demo.${CHROMOSOME}.vcf.gz.tbi' -p "$H/calls" -- \
		call-variants -f ref.fa -r '${CHROMOSOME}' -o 'demo.${CHROMOSOME}.vcf.gz' demo.bam || host_ok=1
done
[ $host_ok -eq 0 ] && hjob -i "$H/calls/*.vcf.gz" -o demo.vcf.gz -p "$H" -- call-variants merge -o demo.vcf.gz "${parts[@]}" || host_ok=1
[ $host_ok -eq 0 ] || { _lib_report 1 "host pipeline (build/bin)" "$H/log"; finish; }
mkdir -p "$TMP/got"
check_sh "image: the VCF delivered to S3 has the host build's records (and some)" "
	'$S3' get --no-progress --quiet '$B/out/demo.vcf.gz' '$B/out/demo.vcf.gz.tbi' '$TMP/got/'
	gzip -dc '$TMP/got/demo.vcf.gz' | grep -v '^#' > '$TMP/got.rec'
	gzip -dc '$TMP/host/demo.vcf.gz' | grep -v '^#' > '$TMP/host.rec'
	[ \$(wc -l < '$TMP/host.rec') -gt 10 ]
	cmp '$TMP/got.rec' '$TMP/host.rec'"
finish
