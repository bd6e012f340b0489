#!/usr/bin/env bash
# IAM: the test policy evaluator on hand-written policies (Allow/Deny,
# wildcards, NotAction/NotResource, conditions, policy variables), then the
# generated policies: the user runs our workflows and reads results and job
# logs but cannot delete a stack, pass a role, write another bucket or start
# someone else's state machine; the admin stays inside the project; the job
# role reads only its input prefixes and writes only its output prefixes;
# the instance role handles only the volumes ebs-autoscale created and
# tagged for it.  (tests/iam/check_evaluator.js prints the checks.)
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
node "$GSA_ROOT/tests/iam/check_evaluator.js"
