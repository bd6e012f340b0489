#!/usr/bin/env bash
# IAM generator (make policies): the committed cfn/iam-operators.yml, the
# templates' GENERATED POLICY blocks and docs/iam.md's table are what
# cfn/iam/actions.yml gives; the generator is idempotent; a hand edit inside
# a block or in cfn/iam-operators.yml is caught; a block keeps its
# indentation and holds the role's statements; an unknown role key is
# refused; a policy over the size limit is split.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { echo "not ok node missing: run make deps"; exit 1; }
GEN=cfn/iam/generate.js
check "committed files equal the generator's output (make policies)" node "$GSA_ROOT/$GEN" --check

# a copy of what the generator reads and writes
copy() {
	rm -rf "$TMP/repo"; mkdir -p "$TMP/repo/tests/node" "$TMP/repo/docs"
	cp -r "$GSA_ROOT/cfn" "$TMP/repo/cfn"
	cp "$GSA_ROOT/docs/iam.md" "$TMP/repo/docs/"
	ln -s "$GSA_ROOT/tests/node/node_modules" "$TMP/repo/tests/node/node_modules"
}
copy
( cd "$TMP/repo" && find cfn docs -type f -exec sha256sum {} + | sort ) >"$TMP/before"
check_sh "the generator is idempotent" "cd '$TMP/repo' && node $GEN >'$TMP/run1' && node $GEN >'$TMP/run2' && ! [ -s '$TMP/run1' ] && ! [ -s '$TMP/run2' ] && find cfn docs -type f -exec sha256sum {} + | sort | cmp -s - '$TMP/before'"

sed -i "0,/- 's3:CreateBucket'/s//- 's3:*'/" "$TMP/repo/cfn/iam-operators.yml"
check "the edit is there" grep -qF -e "- 's3:*'" "$TMP/repo/cfn/iam-operators.yml"
check_exit 1 "a hand edit in cfn/iam-operators.yml is caught" node "$TMP/repo/$GEN" --check
check_sh "make policies repairs it" "cd '$TMP/repo' && node $GEN >/dev/null && node $GEN --check"

if f=$(grep -l '# BEGIN GENERATED POLICY' "$TMP"/repo/cfn/*.yml 2>/dev/null | head -n 1) && [ -n "$f" ]; then
	# change the first statement line inside the first block
	awk 'done == 0 && inblk && /Sid:/ { sub(/Sid: [A-Za-z0-9]+/, "Sid: HandEdited"); done = 1 }
	     /# BEGIN GENERATED POLICY/ { inblk = 1 } { print }' "$f" >"$f.new" && mv "$f.new" "$f"
	check_exit 1 "a hand edit inside a generated block is caught ($(basename "$f"))" node "$TMP/repo/$GEN" --check
fi

# a template of our own: an empty block at an unusual indentation
copy
cat >"$TMP/repo/cfn/probe.yml" <<'Y'
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ProjectName:
    Type: String
    Default: gsa
  ResultsBucketName:
    Type: String
Conditions:
  UseKms: !Equals ['a', 'b']
Resources:
  JobRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '${ProjectName}-job'
      Policies:
        - PolicyName: probe
          PolicyDocument:
            Statement:
                  # BEGIN GENERATED POLICY job
                  - Sid: Stale
                  # END GENERATED POLICY job
Y
check "the generator fills a block" bash -c "cd '$TMP/repo' && node $GEN >/dev/null"
check "the block holds the job role's statements at its indentation" node -e "
const Y = require('$GSA_ROOT/tests/node/node_modules/yaml');
const txt = require('fs').readFileSync('$TMP/repo/cfn/probe.yml', 'utf8');
const tags = ['Sub', 'Ref', 'If', 'Equals'].map((n) => ({ tag: '!' + n, resolve: (v) => ({ [n]: v }) }))
  .concat(['Sub', 'Ref', 'If', 'Equals'].map((n) => ({ tag: '!' + n, collection: 'seq', resolve: (v) => ({ [n]: v.toJSON() }) })));
const doc = Y.parse(txt, { customTags: tags });
const st = doc.Resources.JobRole.Properties.Policies[0].PolicyDocument.Statement;
const sids = st.map((s) => s.Sid || (s.If && s.If[1].Sid));
if (!sids.includes('JobReadInputs') || sids.includes('Stale')) throw new Error('statements: ' + sids);
if (!/^ {18}- Sid: JobListOwnPrefixes$/m.test(txt)) throw new Error('indentation not kept');
if (!/arn:\\$\{AWS::Partition\}:s3:::\\$\{ResultsBucketName\}\/inputs\/\*/.test(txt)) throw new Error('the template parameter was not used');
"
sed -i 's/GENERATED POLICY job/GENERATED POLICY nobody/' "$TMP/repo/cfn/probe.yml"
check_exit 2 "an unknown role key is refused" node "$TMP/repo/$GEN" --check

check "a policy over the limit is split into parts under it" node -e "
const G = require('$GSA_ROOT/cfn/iam/generate.js');
const st = [];
for (let i = 0; i < 40; i++) st.push({ Sid: 'S' + i, Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:\${AWS::Partition}:s3:::\${ProjectName}-b' + i + '/*' });
const big = { Sid: 'Big', Effect: 'Allow', Action: Array.from({ length: 60 }, (_, i) => 'ec2:DescribeThing' + i), Resource: '*' };
const parts = G.policy_split(st.concat([big]), 1500);
if (parts.length < 3) throw new Error('not split: ' + parts.length);
for (const p of parts) if (G.policy_size(p) >= 1500) throw new Error('part of ' + G.policy_size(p));
const acts = parts.flat().flatMap((s) => [].concat(s.Action));
if (acts.length !== 40 * 2 + 60) throw new Error('actions lost: ' + acts.length);
"
finish
