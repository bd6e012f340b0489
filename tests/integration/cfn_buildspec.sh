#!/usr/bin/env bash
# cfn_buildspec: every buildspec/*.yml parses and each of its commands is a
# Makefile target or an executable script of this repository (no inline
# shell); the pipeline stack names exactly these buildspecs; the check
# rejects a missing target, a missing script and an inline shell command.
. "$(dirname "$0")/lib.sh"
cd "$GSA_ROOT"

check "every buildspec command exists" node tests/cfn/buildspec-check.js buildspec/*.yml
check_sh "the pipeline's CodeBuild projects use exactly the buildspecs in buildspec/" '
	a=$(grep -o "BuildSpec: buildspec/[a-z-]*\.yml" cfn/pipeline.yml | sed "s/BuildSpec: //" | sort)
	b=$(ls buildspec/*.yml | sort)
	[ "$a" = "$b" ]'

check "the pipeline's stages: Source, Test, Build, Push, Deploy, Smoke" node -e '
	const { template_load } = require("./tests/cfn/template.js");
	const t = template_load("cfn/pipeline.yml");
	const names = t.Resources.Pipeline.Properties.Stages.map((s) => s.Name).join(",");
	if (names !== "Source,Test,Build,Push,Deploy,Smoke") { console.log(names); process.exit(1); }'
check_sh "the Build stage's artifact holds what Push and Deploy read" '
	grep -qx "    - build/image/\*.oci.tar" buildspec/build.yml
	grep -qx "    - build/static/bin/\*" buildspec/build.yml
	grep -q "(built_dir)/image}" scripts/platform/push-image.sh
	grep -q "(built_dir)/static/bin}/ebs-autoscale" scripts/platform/publish-ebs-autoscale.sh
	grep -q "CODEBUILD_SRC_DIR_Built" scripts/platform/lib.sh
	grep -q "Name: Built" cfn/pipeline.yml'

mk() { printf 'version: 0.2\nphases:\n  build:\n    commands:\n      - %s\n' "$1" >"$TMP/$2.yml"; }
mk 'make no-such-target' target
check_exit 1 "a missing make target is rejected" node tests/cfn/buildspec-check.js "$TMP/target.yml"
mk 'scripts/platform/no-such-script.sh' script
check_exit 1 "a missing script is rejected" node tests/cfn/buildspec-check.js "$TMP/script.yml"
mk 'apt-get install -y make' foreign
check_exit 1 "a command from outside the repository is rejected" node tests/cfn/buildspec-check.js "$TMP/foreign.yml"
mk 'make test && rm -rf /' shell
check_exit 1 "inline shell is rejected" node tests/cfn/buildspec-check.js "$TMP/shell.yml"
mk 'README.md' notexec
check_exit 1 "a file that is not executable is rejected" node tests/cfn/buildspec-check.js "$TMP/notexec.yml"
printf 'version: 0.2\nphases:\n  build:\n    commands:\n      - make test\n    commands: []\n' >"$TMP/dup.yml"
check_exit 1 "a buildspec with a duplicate key is rejected" node tests/cfn/buildspec-check.js "$TMP/dup.yml"
mk 'GSA_X=1 make test' assign
check "leading assignments before a make target are allowed" node tests/cfn/buildspec-check.js "$TMP/assign.yml"
finish
