# tests/integration/lib_workflow.sh — what the workflow tests need (source it
# after lib.sh): the tools built and gsa-run's packages installed, else skip.
# Sets RUN (gsa-run) and DATA (the demo data).
for t in job align sort-index call-variants s3-stage; do
	[ -x "$GSA_BIN/$t" ] || skip "$t not built yet"
done
RUN=$GSA_ROOT/cfn/workflow/local/gsa-run
[ -d "$GSA_ROOT/cfn/workflow/local/node_modules/aws-local-stepfunctions" ] || skip "gsa-run's packages missing (scripts/deps.sh workflow)"
DATA=$GSA_ROOT/demo/data
