#!/usr/bin/env bash
# cfn_deploy: scripts/platform/deploy.sh and teardown.sh against a stand-in
# AWS CLI (tests/cfn/fake-aws.js: checks every stack's parameters the way
# CloudFormation does, deploys nothing).  Shows the documented order, that
# each stack gets every parameter it needs from the earlier stacks' outputs,
# the image tag and the pinned ebs-autoscale reaching their stacks, the
# definitions uploaded, bring-your-own VPC, a missing image refused, the
# pipeline stack, and teardown in reverse order naming what it retains.
. "$(dirname "$0")/lib.sh"
cd "$GSA_ROOT"

mkdir -p "$TMP/bin" "$TMP/static"
printf '#!/bin/sh\nexec node "%s/tests/cfn/fake-aws.js" "$@"\n' "$GSA_ROOT" >"$TMP/bin/aws"
chmod +x "$TMP/bin/aws"
head -c 4096 /dev/urandom >"$TMP/static/ebs-autoscale"
sha=$(sha256sum "$TMP/static/ebs-autoscale" | cut -d' ' -f1)
export PATH=$TMP/bin:$PATH GSA_STATIC_BIN=$TMP/static GSA_BUILD_DIR=$TMP/build
unset GSA_PROJECT GSA_REGION GSA_IMAGE_TAG GSA_VPC_ID GSA_SUBNET_IDS GSA_KMS_KEY_ARN GSA_CFN_ROLE_ARN \
	GSA_EBS_AUTOSCALE_PREFIX GSA_EBS_AUTOSCALE_SHA256 GSA_EGRESS_MODE GSA_ALARM_EMAIL
# the ebs engineer's unit when it is in the tree, else a stand-in
if ! compgen -G 'tools/ebs-autoscale/*.service' >/dev/null; then
	printf '[Service]\nExecStart=/usr/local/bin/ebs-autoscale run\n' >"$TMP/unit.service"
	export GSA_EBS_AUTOSCALE_UNIT=$TMP/unit.service
fi

# stacks DIR — the stack names deployed, in call order
stacks() { node -e '
	const fs = require("fs");
	for (const l of fs.readFileSync(process.argv[1] + "/calls.jsonl", "utf8").trim().split("\n")) {
		const a = JSON.parse(l).argv; const r = a.indexOf("--region"); if (r >= 0) a.splice(r, 2);
		const i = a.indexOf("--stack-name");
		if (a[0] === "cloudformation" && (a[1] === "deploy" || a[1] === "delete-stack")) console.log(a[i + 1]);
	}' "$1"; }
# param DIR STACK NAME — the value a stack was deployed with
param() { node -e 'const s = require(process.argv[1] + "/stacks/" + process.argv[2] + ".json");
	const v = s.parameters[process.argv[3]]; if (v === undefined) process.exit(1); console.log(v);' "$1" "$2" "$3"; }

export FAKE_AWS_DIR=$TMP/a
scripts/platform/deploy.sh --image-tag 0123456789ab --region eu-west-1 >"$TMP/a.out" 2>"$TMP/a.err"
rc=$?
_lib_report $rc "deploy.sh deploys every stack (fake AWS CLI)" "$TMP/a.err"
got=$(stacks "$TMP/a" | tr '\n' ' ')
check "stacks in the documented order (got: $got)" test "$got" = "gsa-network gsa-storage gsa-batch gsa-jobs gsa-workflow gsa-monitoring "
check "every aws call had --region" node -e '
	const fs = require("fs");
	const bad = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l).argv).filter((a) => !a.includes("--region"));
	if (bad.length) { console.log(bad); process.exit(1); }' "$TMP/a/calls.jsonl"
check "batch gets the network's VPC and subnets" test "$(param "$TMP/a" gsa-batch VpcId),$(param "$TMP/a" gsa-batch SubnetIds)" = "vpc-0abc,subnet-0aaa,subnet-0bbb"
check "batch gets the storage stack's buckets" test "$(param "$TMP/a" gsa-batch ArtifactsBucketName)" = "gsa-storage-artifactsbucketname"
check "batch pins ebs-autoscale by its SHA-256" test "$(param "$TMP/a" gsa-batch EbsAutoscaleSha256)" = "$sha"
prefix=$(param "$TMP/a" gsa-batch EbsAutoscalePrefix)
check "ebs-autoscale published under a content-addressed prefix ($prefix)" test "$prefix" = "ebs-autoscale/$(cat VERSION)-${sha:0:12}"
check "the published binary and unit are in the bucket" cmp "$TMP/static/ebs-autoscale" "$TMP/a/s3/gsa-storage-artifactsbucketname/$prefix/ebs-autoscale"
check "the jobs stack runs the commit's image" test "$(param "$TMP/a" gsa-jobs ImageUri)" = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/gsa:0123456789ab"
check "the jobs stack gets the batch stack's roles and log group" test \
	"$(param "$TMP/a" gsa-jobs JobRoleArn) $(param "$TMP/a" gsa-jobs ExecutionRoleArn) $(param "$TMP/a" gsa-jobs LogGroupName)" = \
	"arn:aws:fake:eu-west-1:123456789012:gsa-batch/JobRoleArn arn:aws:fake:eu-west-1:123456789012:gsa-batch/ExecutionRoleArn /fake/gsa-batch/LogGroupName"
check_sh "every ASL file is uploaded and handed to the workflow stack" "
	for f in cfn/workflow/*.asl.json; do
		b=\$(basename \$f .asl.json)
		k=\$(ls $TMP/a/s3/gsa-storage-artifactsbucketname/workflow/ | grep \"^\$b-[0-9a-f]\\{16\\}\\.asl\\.json\$\")
		cmp \$f $TMP/a/s3/gsa-storage-artifactsbucketname/workflow/\$k
		grep -q \"workflow/\$k\" $TMP/a/stacks/gsa-workflow.json
	done"
check "monitoring watches the sample state machine" test "$(param "$TMP/a" gsa-monitoring SampleStateMachineArn)" = "arn:aws:fake:eu-west-1:123456789012:gsa-workflow/SampleStateMachineArn"
check_sh "the outputs of every stack are printed" "grep -q '^gsa-workflow  *SampleStateMachineArn' $TMP/a.out && grep -q '^gsa-storage  *ResultsBucketName' $TMP/a.out"

# a second deploy publishes nothing again (same content, same key)
scripts/platform/deploy.sh --image-tag 0123456789ab --region eu-west-1 >/dev/null 2>"$TMP/a2.err"
check_sh "a second deploy does not upload ebs-autoscale again" "grep -q 'is already there' $TMP/a2.err"

export FAKE_AWS_DIR=$TMP/b
check "bring your own VPC: deploy.sh --vpc-id --subnet-ids" scripts/platform/deploy.sh --project lab --image-tag 0123456789ab \
	--vpc-id vpc-0123 --subnet-ids subnet-01,subnet-02 --with-pipeline --alarm-email ops@example.org
got=$(stacks "$TMP/b" | tr '\n' ' ')
check "no network stack with your own VPC; pipeline last (got: $got)" test "$got" = "lab-storage lab-batch lab-jobs lab-workflow lab-monitoring lab-pipeline "
check "your VPC reaches the batch stack" test "$(param "$TMP/b" lab-batch VpcId) $(param "$TMP/b" lab-batch SubnetIds)" = "vpc-0123 subnet-01,subnet-02"
check "the project name prefixes the image" test "$(param "$TMP/b" lab-jobs ImageUri)" = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/lab:0123456789ab"
check "the alarm address reaches the monitoring stack" test "$(param "$TMP/b" lab-monitoring AlarmEmail)" = "ops@example.org"

# AWS CLI alone: storage + pipeline, this commit zipped to the pipeline's source and started
export FAKE_AWS_DIR=$TMP/po
check "bootstrap.sh deploys storage and the pipeline and starts it" scripts/platform/bootstrap.sh --region eu-west-1
got=$(stacks "$TMP/po" | tr '\n' ' ')
check "... only those two stacks (got: $got)" test "$got" = "gsa-storage gsa-pipeline "
check_sh "... the source zip of HEAD with its COMMIT is in the artifacts bucket" "
	z=$TMP/po/s3/gsa-storage-artifactsbucketname/source/gsa.zip
	python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); n = z.namelist(); assert \"cfn/batch.yml\" in n and \"buildspec/test.yml\" in n; assert z.read(\"COMMIT\").decode().strip() == sys.argv[2]' \$z \$(git rev-parse HEAD)"
check_sh "... and the pipeline is started" "grep -q '\"start-pipeline-execution\",\"--name\",\"fake-gsa-pipeline-PipelineName\"' $TMP/po/calls.jsonl"

export FAKE_AWS_DIR=$TMP/q
check "--param sets a parameter of the stacks that have it" scripts/platform/deploy.sh --image-tag 0123456789ab \
	--param SpotMaxvCpus=512 --param AlignSortVcpus=32 --param LogRetentionDays=90
check "... batch and jobs get them" test "$(param "$TMP/q" gsa-batch SpotMaxvCpus) $(param "$TMP/q" gsa-jobs AlignSortVcpus)" = "512 32"
check "... and every stack with that name (LogRetentionDays: batch, workflow)" test \
	"$(param "$TMP/q" gsa-batch LogRetentionDays) $(param "$TMP/q" gsa-workflow LogRetentionDays)" = "90 90"
check_exit 1 "--param naming no stack's parameter is refused" scripts/platform/deploy.sh --image-tag 0123456789ab --param SpotMaxCpus=512
FAKE_AWS_DIR=$TMP/q2 check_exit 255 "a value the template does not allow fails as in CloudFormation" \
	scripts/platform/deploy.sh --image-tag 0123456789ab --param LogRetentionDays=42

export FAKE_AWS_DIR=$TMP/c FAKE_AWS_NO_IMAGE=1
check_exit 1 "an image tag that is not in ECR, with no image to push, is refused" scripts/platform/deploy.sh --image-tag 0123456789ab
check_sh "... naming the image, before any job definition points at it" "
	out=\$(scripts/platform/deploy.sh --image-tag 0123456789ab 2>&1) && exit 1
	grep -q 'gsa:0123456789ab is not in ECR and .* run make image' <<<\"\$out\"
	! grep -q gsa-jobs $TMP/c/calls.jsonl"
# with make image's archive at hand, deploy.sh pushes it (buildah, here a
# recorder) under the commit's tag and goes on
mkdir -p "$TMP/build/image" && echo archive >"$TMP/build/image/gsa-0.1.0.oci.tar"
cat >"$TMP/bin/buildah" <<'SH'
#!/bin/sh
echo "$*" >>"$FAKE_AWS_DIR/buildah.log"
case $1 in pull) echo 0f0f0f0f ;; login) cat >"$FAKE_AWS_DIR/buildah.password" ;; esac
SH
chmod +x "$TMP/bin/buildah"
export FAKE_AWS_DIR=$TMP/p
check "an image not in ECR is pushed from build/image" scripts/platform/deploy.sh --image-tag 0123456789ab
check_sh "... to the project's repository, tagged with the commit" "
	grep -qx 'pull --storage-driver vfs --quiet oci-archive:$TMP/build/image/gsa-0.1.0.oci.tar' $TMP/p/buildah.log
	grep -qx 'push --storage-driver vfs 0f0f0f0f docker://123456789012.dkr.ecr.eu-west-1.amazonaws.com/gsa:0123456789ab' $TMP/p/buildah.log
	grep -qx fake-ecr-token $TMP/p/buildah.password"
rm -r "$TMP/build/image"
unset FAKE_AWS_NO_IMAGE

export FAKE_AWS_DIR=$TMP/d
check_exit 1 "a bad --egress is refused" scripts/platform/deploy.sh --egress everywhere
check_exit 1 "--vpc-id without --subnet-ids is refused" scripts/platform/deploy.sh --vpc-id vpc-1
check_exit 1 "a bad project name is refused" scripts/platform/deploy.sh --project 'Gsa;rm'
check_sh "refused options deploy nothing" "[ ! -e $TMP/d/calls.jsonl ]"
export FAKE_AWS_DIR=$TMP/e
GSA_STATIC_BIN=$TMP/nothing check_exit 1 "no ebs-autoscale binary and no pin is refused" scripts/platform/deploy.sh --image-tag 0123456789ab
check_sh "... before the batch stack" "! grep -q gsa-batch $TMP/e/calls.jsonl"

# smoke.sh against the same fake stacks: the demo sample's files go where the
# workflow input says, both executions are started with the contract's fields
# and waited for; the VCF the workflow would write is planted beside them.
export FAKE_AWS_DIR=$TMP/a GSA_IMAGE_TAG=0123456789ab
out=$TMP/a/s3/gsa-storage-resultsbucketname/smoke/0123456789ab/out
mkdir -p "$out" && cp demo/data/truth.vcf.gz "$out/demo.vcf.gz" && cp demo/data/truth.vcf.gz.tbi "$out/demo.vcf.gz.tbi"
scripts/platform/smoke.sh --region eu-west-1 >"$TMP/s.out" 2>"$TMP/s.err"
_lib_report $? "smoke.sh runs the reference and sample workflows and finds the VCF" "$TMP/s.err"
check_sh "smoke: the demo reference and reads are uploaded" "
	cmp demo/data/ref.fa $TMP/a/s3/gsa-storage-resultsbucketname/references/gsa-demo/genome.fa
	cmp demo/data/R1.fastq.gz $TMP/a/s3/gsa-storage-resultsbucketname/smoke/0123456789ab/in/R1.fastq.gz"
check "smoke: the executions get the workflow's input fields" node -e '
	const fs = require("fs"); const d = process.argv[1] + "/executions/";
	const ex = fs.readdirSync(d).map((f) => JSON.parse(fs.readFileSync(d + f, "utf8")));
	const ref = ex.find((e) => /ReferenceStateMachineArn/.test(e.stateMachineArn));
	const smp = ex.find((e) => /SampleStateMachineArn/.test(e.stateMachineArn));
	const B = "s3://gsa-storage-resultsbucketname/";
	if (ref.input.reference !== B + "references/gsa-demo/") process.exit(1);
	for (const k of ["sample_id", "fastq_1", "fastq_2", "reference", "output_prefix"]) if (!smp.input[k]) process.exit(2);
	if (!smp.input.output_prefix.endsWith("/") || !smp.input.fastq_1.startsWith(B + "smoke/")) process.exit(3);' "$TMP/a"
check_sh "smoke: prints the number of variant records" "grep -q '^smoke: 437 variant records' $TMP/s.out"
FAKE_AWS_EXEC_STATUS=FAILED check_exit 1 "smoke: a failed execution fails the smoke test" scripts/platform/smoke.sh --region eu-west-1
rm "$out/demo.vcf.gz"
check_exit 1 "smoke: a missing VCF fails the smoke test" scripts/platform/smoke.sh --region eu-west-1
unset GSA_IMAGE_TAG

export FAKE_AWS_DIR=$TMP/a
scripts/platform/teardown.sh --region eu-west-1 >"$TMP/t.out" 2>"$TMP/t.err"
_lib_report $? "teardown.sh deletes the stacks" "$TMP/t.err"
got=$(stacks "$TMP/a" | grep -v '^$' | tail -n 6 | tr '\n' ' ')
check "teardown in reverse order (got: $got)" test "$got" = "gsa-monitoring gsa-workflow gsa-jobs gsa-batch gsa-storage gsa-network "
check_sh "teardown names the retained buckets and repository" "
	grep -q 'retained' $TMP/t.out && grep -q 'gsa-storage-resultsbucketname' $TMP/t.out &&
	grep -q 'gsa-storage-logsbucketname' $TMP/t.out && grep -q 'ecr delete-repository' $TMP/t.out"
finish
