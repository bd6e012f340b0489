#!/usr/bin/env bash
# IAM against the CloudFormation templates: every resource type's reviewed
# handler permissions are allowed to the admin policy and the cfn-deploy
# role; every action in the templates' own roles is in the table; no "*"
# actions; Resource "*" only for actions without resource-level permissions;
# managed policies under 6,144 characters.  (tests/iam/check_templates.js)
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
[ -f "$GSA_ROOT/tests/cfn/template.js" ] || skip "no CloudFormation templates (tests/cfn/template.js) yet"
node "$GSA_ROOT/tests/iam/check_templates.js"
