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

# one run over every template (node starts once), one check per template
node tests/cfn/lint.js "${templates[@]}" >"$TMP/npm.out" 2>&1
for t in "${templates[@]}"; do
	grep -F "$t:" "$TMP/npm.out" >"$TMP/one.out"
	grep -qxF "$t: valid (cfn-lint 1.9.7, specification $(node -p 'require("./tests/node/node_modules/@aws-cdk/cfnspec/spec/specification.json").ResourceSpecificationVersion'))" "$TMP/one.out" &&
		! grep -q ': crit: ' "$TMP/one.out"
	_lib_report $? "npm cfn-lint + cfnspec: $t" "$TMP/one.out"
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
	version=$(cfn-lint --version 2>&1 | head -n 1)
	cfn-lint --format parseable -- "${templates[@]}" >"$TMP/py.out" 2>&1; rc=$?
	# parseable lines are FILE:LINE:COL:ENDLINE:ENDCOL:RULE:MESSAGE; an error
	# (E rule) fails the template, warnings (W, I) are shown as comments
	sed -n 's/^\(.*:[0-9]*:[0-9]*:[0-9]*:[0-9]*:[WI][0-9]*:.*\)$/# warning: \1/p' "$TMP/py.out"
	for t in "${templates[@]}"; do
		grep -F "$t:" "$TMP/py.out" | grep -E '^[^:]+:[0-9]+:[0-9]+:[0-9]+:[0-9]+:E[0-9]+:' >"$TMP/one.out"
		[ ! -s "$TMP/one.out" ]
		_lib_report $? "python $version: $t" "$TMP/one.out"
	done
	[ $rc -eq 0 ] || grep -q . "$TMP/py.out"
	_lib_report $? "python cfn-lint's exit status agrees with its findings" "$TMP/py.out"
	check_sh "python cfn-lint rejects an unknown property" "! cfn-lint -- $TMP/bad-property.yml"
else
	echo "# no cfn-lint on PATH: the Python linter is skipped"
fi
finish
