#!/usr/bin/env node
// tests/cfn/fake-aws.js — a stand-in for the AWS CLI, for testing the
// platform scripts' wiring without an AWS account (tests only; it deploys
// nothing).  It answers the calls scripts/platform/*.sh make and checks
// them the way CloudFormation would:
//   cloudformation deploy   every --parameter-overrides name exists in the
//                           template, every parameter without a Default is
//                           given, values meet AllowedValues/AllowedPattern,
//                           Number/MinValue/MaxValue
//                           (and List<AWS::EC2::Subnet::Id> looks like
//                           subnet ids); CAPABILITY_NAMED_IAM when the
//                           template names IAM resources.  The stack's
//                           outputs become "fake-<stack>-<key>" (an output
//                           that is a Ref to a parameter gets its value;
//                           bucket names "<stack>-<key>" in lower case, log
//                           groups "/fake/<stack>/<key>", ARNs
//                           "arn:aws:fake:eu-west-1:123456789012:<stack>/<key>").
//   cloudformation describe-stacks / delete-stack / wait stack-delete-complete
//   s3 cp (local file must exist), s3 ls (exit 1 when absent), s3api
//   head-object (404 unless copied),
//   ecr describe-images (FAKE_AWS_NO_IMAGE: not found) / describe-repositories
//   / get-login-password, stepfunctions start-execution (the input must be
//   JSON) / describe-execution (FAKE_AWS_EXEC_STATUS, default SUCCEEDED).
// Anything else exits 2 "unsupported", so an unexpected call fails a test.
// State: $FAKE_AWS_DIR/calls.jsonl (one call a line), stacks/*.json, s3/.
'use strict';
const fs = require('fs');
const path = require('path');
// template.js (and yaml) only for deploy: most calls need neither
const template_load = (f) => require('./template.js').template_load(f);

const dir = process.env.FAKE_AWS_DIR;
if (!dir) { process.stderr.write('fake-aws: FAKE_AWS_DIR is not set\n'); process.exit(2); }
fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });

let argv = process.argv.slice(2);
const global = {};
// global options may come anywhere; take --region/--output/--query out
function take(name) {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
}
global.region = take('--region');
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ argv: process.argv.slice(2) }) + '\n');
const query = take('--query');
take('--output');

function fail(msg, code = 255) { process.stderr.write(`\n${msg}\n`); process.exit(code); }
function opt(name) { return take(name); }
function stackFile(name) { return path.join(dir, 'stacks', `${name}.json`); }

const [svc, cmd] = argv;
const rest = argv.slice(2);

function cfnDeploy() {
  const i = rest.indexOf('--parameter-overrides');
  let overrides = [];
  if (i >= 0) {
    let j = i + 1;
    while (j < rest.length && !rest[j].startsWith('--')) j++;
    overrides = rest.slice(i + 1, j);
    rest.splice(i, j - i);
  }
  argv = rest;
  const file = opt('--template-file');
  const stack = opt('--stack-name');
  const caps = opt('--capabilities') || '';
  if (!file || !stack) fail('fake-aws: deploy needs --template-file and --stack-name', 2);
  const tpl = template_load(file);
  const params = tpl.Parameters || {};
  const given = {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) fail(`fake-aws: bad override '${o}'`, 2);
    given[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const bad = Object.keys(given).filter((k) => !(k in params));
  if (bad.length) fail(`An error occurred (ValidationError) when calling the CreateChangeSet operation: Parameters: [${bad.join(', ')}] do not exist in the template`);
  const missing = Object.keys(params).filter((k) => !(k in given) && params[k].Default === undefined);
  if (missing.length) fail(`An error occurred (ValidationError) when calling the CreateChangeSet operation: Parameters: [${missing.join(', ')}] must have values`);
  for (const [k, v] of Object.entries(given)) {
    const p = params[k];
    if (p.AllowedValues && !p.AllowedValues.map(String).includes(v)) fail(`Parameter '${k}' must be one of AllowedValues (got '${v}')`);
    if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern})$`).test(v)) fail(`Parameter '${k}' must match pattern ${p.AllowedPattern} (got '${v}')`);
    if (p.Type === 'Number') {
      if (!/^-?[0-9]+(\.[0-9]+)?$/.test(v)) fail(`Parameter '${k}' must be a number (got '${v}')`);
      if (p.MinValue !== undefined && Number(v) < Number(p.MinValue)) fail(`Parameter '${k}' must be at least ${p.MinValue}`);
      if (p.MaxValue !== undefined && Number(v) > Number(p.MaxValue)) fail(`Parameter '${k}' must be at most ${p.MaxValue}`);
    }
    if (p.Type === 'List<AWS::EC2::Subnet::Id>' && !v.split(',').every((s) => /^subnet-[0-9a-z]+$/.test(s) || s.startsWith('fake-'))) fail(`Parameter '${k}': '${v}' is not a list of subnet ids`);
    if (p.Type === 'AWS::EC2::VPC::Id' && !/^vpc-[0-9a-z]+$/.test(v) && !v.startsWith('fake-')) fail(`Parameter '${k}': '${v}' is not a VPC id`);
  }
  const named = Object.values(tpl.Resources || {}).some((r) => /^AWS::IAM::/.test(r.Type) && r.Properties &&
    (r.Properties.RoleName || r.Properties.InstanceProfileName));
  if (named && !caps.split(',').includes('CAPABILITY_NAMED_IAM')) fail('Requires capabilities : [CAPABILITY_NAMED_IAM]');
  const outputs = {};
  for (const [k, o] of Object.entries(tpl.Outputs || {})) {
    const v = o.Value;
    outputs[k] = (v && typeof v === 'object' && typeof v.Ref === 'string' && v.Ref in given) ? given[v.Ref] : `fake-${stack}-${k}`;
  }
  // values shaped like the real ones, so the later stacks' AllowedPatterns apply
  for (const k of Object.keys(outputs)) {
    if (!outputs[k].startsWith('fake-')) continue;
    if (/BucketName$/.test(k)) outputs[k] = `${stack}-${k}`.toLowerCase();
    else if (/LogGroupName$/.test(k)) outputs[k] = `/fake/${stack}/${k}`;
    else if (/Arn$/.test(k)) outputs[k] = `arn:aws:fake:eu-west-1:123456789012:${stack}/${k}`;
  }
  if (outputs.ImageRepositoryUri) outputs.ImageRepositoryUri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${given.ProjectName || 'gsa'}`;
  if (outputs.ImageRepositoryName) outputs.ImageRepositoryName = given.ProjectName || 'gsa';
  if (outputs.SubnetIds) outputs.SubnetIds = 'subnet-0aaa,subnet-0bbb';
  if (outputs.VpcId) outputs.VpcId = 'vpc-0abc';
  fs.writeFileSync(stackFile(stack), JSON.stringify({ template: file, parameters: given, outputs }, null, 1));
  process.stdout.write(`\nWaiting for changeset to be created..\nSuccessfully created/updated stack - ${stack}\n`);
}

function cfnDescribe() {
  argv = rest;
  const stack = opt('--stack-name');
  if (!fs.existsSync(stackFile(stack))) fail(`An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id ${stack} does not exist`);
  const s = JSON.parse(fs.readFileSync(stackFile(stack), 'utf8'));
  if (query === 'Stacks[0].Outputs[].[OutputKey,OutputValue]') {
    for (const [k, v] of Object.entries(s.outputs)) process.stdout.write(`${k}\t${v}\n`);
  } else process.stdout.write(JSON.stringify({ Stacks: [{ StackName: stack, Outputs: s.outputs }] }) + '\n');
}

function s3key(uri) { return path.join(dir, 's3', uri.replace(/^s3:\/\//, '')); }

switch (`${svc} ${cmd}`) {
  case 'cloudformation deploy': cfnDeploy(); break;
  case 'cloudformation describe-stacks': cfnDescribe(); break;
  case 'cloudformation delete-stack': {
    argv = rest; const stack = opt('--stack-name');
    fs.renameSync(stackFile(stack), stackFile(stack) + '.deleted'); break;
  }
  case 'cloudformation wait': break;
  case 's3 cp': {
    const args = rest.filter((a) => !a.startsWith('--'));
    const [src, dst] = args;
    if (!src.startsWith('s3://')) {
      if (!fs.existsSync(src)) fail(`The user-provided path ${src} does not exist.`);
      fs.mkdirSync(path.dirname(s3key(dst)), { recursive: true });
      fs.copyFileSync(src, s3key(dst));
    } else if (!fs.existsSync(s3key(src))) fail(`fatal error: An error occurred (404) when calling the HeadObject operation: Key "${src}" does not exist`, 1);
    else fs.copyFileSync(s3key(src), dst);
    break;
  }
  case 's3 ls': {
    const uri = rest.filter((a) => !a.startsWith('--'))[0];
    if (!fs.existsSync(s3key(uri))) process.exit(1);
    process.stdout.write(`2026-01-01 00:00:00 ${fs.statSync(s3key(uri)).size} ${path.basename(uri)}\n`);
    break;
  }
  case 's3api head-object': {
    argv = rest; const b = opt('--bucket'); const k = opt('--key');
    if (!fs.existsSync(s3key(`s3://${b}/${k}`))) fail('An error occurred (404) when calling the HeadObject operation: Not Found', 254);
    process.stdout.write('{}\n'); break;
  }
  case 'ecr describe-images':
    if (process.env.FAKE_AWS_NO_IMAGE) fail('An error occurred (ImageNotFoundException) when calling the DescribeImages operation: image does not exist', 254);
    process.stdout.write('{"imageDetails": []}\n'); break;
  case 'stepfunctions start-execution': {
    argv = rest;
    const sm = opt('--state-machine-arn'); const name = opt('--name'); const input = opt('--input');
    if (!sm || !name || !input) fail('fake-aws: start-execution needs --state-machine-arn, --name, --input', 2);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) fail(`An error occurred (InvalidName) when calling the StartExecution operation: ${name}`);
    const text = input.startsWith('file://') ? fs.readFileSync(input.slice(7), 'utf8') : input;
    try { JSON.parse(text); } catch (e) { fail(`An error occurred (InvalidExecutionInput) when calling the StartExecution operation: ${e.message}`); }
    fs.mkdirSync(path.join(dir, 'executions'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'executions', name + '.json'), JSON.stringify({ stateMachineArn: sm, input: JSON.parse(text) }));
    process.stdout.write(`arn:aws:states:eu-west-1:123456789012:execution:${sm.split(':').pop()}:${name}\n`);
    break;
  }
  case 'stepfunctions describe-execution': {
    const status = process.env.FAKE_AWS_EXEC_STATUS || 'SUCCEEDED';
    if (query === 'status') process.stdout.write(status + '\n');
    else process.stdout.write(status === 'SUCCEEDED' ? 'None\tNone\n' : 'States.TaskFailed\tfake failure\n');
    break;
  }
  case 'ecr describe-repositories': {
    argv = rest; const names = opt('--repository-names');
    const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${names}`;
    process.stdout.write(query === 'repositories[0].repositoryUri' ? uri + '\n' : JSON.stringify({ repositories: [{ repositoryUri: uri }] }) + '\n');
    break;
  }
  case 'ecr get-login-password': process.stdout.write('fake-ecr-token\n'); break;
  case 'codepipeline start-pipeline-execution':
    argv = rest; process.stdout.write(`{"pipelineExecutionId": "fake-${opt('--name')}"}\n`); break;
  case 'sts get-caller-identity': process.stdout.write('123456789012\n'); break;
  default: fail(`fake-aws: unsupported command: ${argv.join(' ')}`, 2);
}
