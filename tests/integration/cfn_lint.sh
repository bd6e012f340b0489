#!/usr/bin/env bash
# cfn_lint: every CloudFormation template in cfn/ passes the npm cfn-lint
# (tests/node) run against the current resource specification from
# @aws-cdk/cfnspec (tests/cfn/lint.js), and the Python cfn-lint when one is
# on PATH; a template with an unknown property or attribute is rejected.
. "$(dirname "$0")/lib.sh"
cd "$GSA_ROOT"
node=tests/node/node_modules
[ -d $node/cfn-lint ] && [ -d $node/@aws-cdk/cfnspec ] || { echo "not ok cfn-lint installed (make deps)"; exit 1; }
templates=(cfn/*.yml)

for t in "${templates[@]}"; do
	check "npm cfn-lint + cfnspec: $t" node tests/cfn/lint.js "$t"
done

# the linter really rejects what CloudFormation would
sed 's/ImageTagMutability: IMMUTABLE/ImageTagMutabilty: IMMUTABLE/' cfn/storage.yml >"$TMP/bad-property.yml"
check_exit 1 "npm cfn-lint rejects an unknown property" node tests/cfn/lint.js "$TMP/bad-property.yml"
sed 's/!GetAtt ImageRepository.RepositoryUri/!GetAtt ImageRepository.RepositoryUrl/' cfn/storage.yml >"$TMP/bad-attribute.yml"
check_exit 1 "npm cfn-lint rejects an unknown attribute" node tests/cfn/lint.js "$TMP/bad-attribute.yml"
sed 's/AllocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED/AllocationStrategy: [SPOT_PRICE_CAPACITY_OPTIMIZED]/' cfn/batch.yml >"$TMP/bad-type.yml"
check_exit 1 "npm cfn-lint rejects a list where a string belongs" node tests/cfn/lint.js "$TMP/bad-type.yml"
# with the bundled 2019 specification the current Batch properties would fail
check_sh "the bundled specification would reject batch.yml (why cfnspec)" "
	node -e '
	const api = require(\"./$node/cfn-lint/lib/api.js\");
	const r = api.validateFile(\"cfn/batch.yml\", {});
	const hit = r.errors.crit.some((e) => /Ec2Configuration|UpdateToLatestImageVersion|SPOT_PRICE_CAPACITY_OPTIMIZED|not a valid property/.test(e.message));
	process.exit(hit ? 0 : 1);'"

if command -v cfn-lint >/dev/null 2>&1; then
	for t in "${templates[@]}"; do
		check "python cfn-lint ($(cfn-lint --version 2>&1 | head -n 1)): $t" cfn-lint "$t"
	done
else
	echo "# no cfn-lint on PATH: the Python linter is skipped"
fi
finish
