#!/usr/bin/env bash
# cfn_check: gsa's own rules over every template (tests/cfn/check.js) —
# references resolve, no unused parameter, IMDSv2 required, buckets private
# + encrypted + TLS-only + multipart cleanup, IAM statements inside the
# generated blocks and without wildcard actions, log retention, dashboard
# JSON, job definitions running `job` with gsa tools — and each rule fails
# on a template that breaks it.
. "$(dirname "$0")/lib.sh"
cd "$GSA_ROOT"

check "all templates pass the gsa rules" node tests/cfn/check.js cfn/*.yml
check_sh "every job definition is checked (cfn/jobs.yml has some)" \
	"grep -q 'AWS::Batch::JobDefinition' cfn/jobs.yml"

# mutate one template; the checker must exit 1 and name the rule
expect_rule() { # name rule file
	local out
	out=$(node tests/cfn/check.js "$3" 2>&1); local rc=$?
	if [ $rc -eq 1 ] && grep -q ": $2: " <<<"$out"; then _lib_report 0 "$1"
	else printf 'exit %s, output:\n%s\n' "$rc" "$out" >"$TMP/.out"; _lib_report 1 "$1" "$TMP/.out"; fi
}
mkdir -p "$TMP/cfn" && ln -s "$GSA_ROOT/cfn/workflow" "$TMP/cfn/workflow"
m() { # name rule source sed-expression   (the copy sits beside cfn/workflow/)
	sed "$4" "$3" >"$TMP/cfn/m.yml"
	cmp -s "$3" "$TMP/cfn/m.yml" && { echo "not ok $1 (the mutation changed nothing)"; _lib_failed=1; return; }
	expect_rule "$1" "$2" "$TMP/cfn/m.yml"
}

m "a Ref to nothing fails"                 refs    cfn/batch.yml     's/!Ref InstanceSecurityGroup\]/!Ref InstanceSecurityGrp]/'
m "a GetAtt of no resource fails"          refs    cfn/batch.yml     's/!GetAtt InstanceProfile.Arn/!GetAtt InstanceProfil.Arn/'
m "a Sub variable naming nothing fails"    refs    cfn/batch.yml     's/\${EbsAutoscaleSha256}  \/usr/${EbsAutoscaleSha}  \/usr/'
m "a shell \${var} inside a Sub fails"      refs    cfn/batch.yml     's/"\$src\/ebs-autoscale"/"${src}\/ebs-autoscale"/'
m "an unknown condition fails"             refs    cfn/storage.yml   's/- Versioned$/- Versiond/'
m "an unused parameter fails"              params  cfn/network.yml   's/CidrBlock: !Ref PublicSubnetCidr/CidrBlock: 10.20.255.0\/28/'
m "IMDSv1 (HttpTokens optional) fails"     imdsv2  cfn/batch.yml     's/HttpTokens: required/HttpTokens: optional/'
m "a bucket open to public ACLs fails"     buckets cfn/storage.yml   '0,/BlockPublicAcls: true/s//BlockPublicAcls: false/'
m "a bucket without the TLS deny fails"    buckets cfn/storage.yml   "0,/'aws:SecureTransport': 'false'/s//'aws:SecureTransport': 'true'/"
m "a bucket without multipart abort fails" buckets cfn/storage.yml   '0,/AbortIncompleteMultipartUpload:/s//NoncurrentVersionTransitions:/'
m "a wildcard action fails"                iam     cfn/workflow.yml  "s/Action: 'states:StartExecution'/Action: 'states:*'/"
m "a role statement outside the generated block fails" iam cfn/batch.yml '/# BEGIN GENERATED POLICY execution/d; /# END GENERATED POLICY execution/d'
m "an unknown role key fails"              iam     cfn/pipeline.yml  's/GENERATED POLICY codebuild$/GENERATED POLICY builder/'
m "a log group without retention fails"    logs    cfn/batch.yml     '/RetentionInDays: !Ref LogRetentionDays/d'
m "a broken dashboard body fails"          dashboard cfn/monitoring.yml 's/"start": "-P1D",/"start": "-P1D",,/'
m "a job command that is no gsa tool fails" jobs   cfn/jobs.yml      '0,/- "call-variants"$/s//- "bcftools"/'
m "an option job does not have fails"      jobs    cfn/jobs.yml      '0,/- "-o"$/s//- "--outptu"/'
m "a job definition without RetryStrategy fails" jobs cfn/jobs.yml   '0,/RetryStrategy:/s//RetryStrategyX:/'
m "an ASL substitution the state machine does not set fails" workflow cfn/workflow.yml 's/^        JobQueueSpot: /        JobQueueSpotX: /'
m "an ASL file without a state machine fails" workflow cfn/workflow.yml 's/^  CohortDefinitionKey:/  CohortDefKey:/; s/!Ref CohortDefinitionKey/!Ref CohortDefKey/'
m "a job definition that no workflow runs fails" jobs cfn/jobs.yml 's/^  MergeJobDefinition:/  FinalMergeJobDefinition:/; s/!Ref MergeJobDefinition$/!Ref FinalMergeJobDefinition/'
m "a substitution pointing at another job definition fails" workflow cfn/workflow.yml 's/JobDefinitionMerge: !Ref MergeJobDefinitionArn/JobDefinitionMerge: !Ref CallVariantsJobDefinitionArn/'
m "user data that does not parse fails"      userdata cfn/batch.yml 's/^            if \[ "\${ScratchFilesystem}" = xfs-lvm \]; then dnf/            if [ "${ScratchFilesystem}" = xfs-lvm ]; dnf/'
m "user data fetching from GitHub fails"     userdata cfn/batch.yml 's|^            command -v aws >/dev/null|            curl -sL https://github.com/awslabs/amazon-ebs-autoscale/archive/master.tar.gz \| tar xz; command -v aws >/dev/null|'
m "user data without the closing boundary fails" userdata cfn/batch.yml 's/^            --==GSA==--$/            --==GSA==/'
finish
