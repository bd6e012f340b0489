#!/usr/bin/env node
// tests/iam/check_evaluator.js — the evaluator itself (on small hand-written
// policies), then the scenarios on the generated policies: the
// user, admin, job and instance roles each allowed what they need and
// denied the rest.  Prints ok/not ok lines; exit 1 on any failure.
'use strict';
const T = require('../../cfn/iam/table.js');
const { policy_evaluate: ev } = require('./evaluate.js');
const { role_policies, reporter, ACCOUNT, REGION, P } = require('./policies.js');

const r = reporter();
const is = (name, got, want) => r.check(name, got === want, `got ${got}, want ${want}`);

// ---- the evaluator on known policies --------------------------------------------
const pol = [{
  Statement: [
    { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/in/*' },
    { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/in/secret*' },
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['in/*'] } } },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:1:q-${aws:username}' },
    { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/*' }, StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    { Effect: 'Allow', Action: 'ec2:CreateVolume', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] }, Null: { 'aws:RequestTag/a': 'false' } } },
    { Effect: 'Allow', Action: 'sns:Publish', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-bad' } } },
  ],
}];
const pol_not = [{ Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 's3:*'], NotResource: 'arn:aws:ec2:*:*:instance/*' }] }];
is('evaluator: wildcard action and resource allow', ev(pol, 's3:GetObjectVersion', 'arn:aws:s3:::b/in/x'), 'allow');
is('evaluator: actions match case-insensitively', ev(pol, 'S3:getobject', 'arn:aws:s3:::b/in/x'), 'allow');
is('evaluator: explicit deny wins over allow', ev(pol, 's3:GetObject', 'arn:aws:s3:::b/in/secret.txt'), 'explicit-deny');
is('evaluator: resource outside the pattern is denied', ev(pol, 's3:GetObject', 'arn:aws:s3:::b/out/x'), 'implicit-deny');
is('evaluator: NotAction excludes the named services', ev(pol_not, 'iam:PassRole', 'arn:aws:iam::1:role/x'), 'implicit-deny');
is('evaluator: NotAction + NotResource allow the rest', ev(pol_not, 'sts:GetCallerIdentity', '*'), 'allow');
is('evaluator: NotResource excludes its pattern', ev(pol_not, 'ec2:StopInstances', 'arn:aws:ec2:us-east-1:1:instance/i-1'), 'implicit-deny');
is('evaluator: StringLike condition holds', ev(pol, 's3:ListBucket', 'arn:aws:s3:::b', { 's3:prefix': 'in/a' }), 'allow');
is('evaluator: StringLike condition fails', ev(pol, 's3:ListBucket', 'arn:aws:s3:::b', { 's3:prefix': 'out/a' }), 'implicit-deny');
is('evaluator: missing condition key fails', ev(pol, 's3:ListBucket', 'arn:aws:s3:::b'), 'implicit-deny');
is('evaluator: policy variable in resource filled', ev(pol, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q-ann', { 'aws:username': 'ann' }), 'allow');
is('evaluator: policy variable names another principal', ev(pol, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q-bob', { 'aws:username': 'ann' }), 'implicit-deny');
is('evaluator: missing policy variable never matches', ev(pol, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q-${aws:username}'), 'implicit-deny');
is('evaluator: ArnLike + StringEquals hold', ev(pol, 'kms:Decrypt', 'arn:aws:kms:us-east-1:1:key/k', { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/x', 'kms:ViaService': 's3.us-east-1.amazonaws.com' }), 'allow');
is('evaluator: ArnLike fails on another bucket', ev(pol, 'kms:Decrypt', 'arn:aws:kms:us-east-1:1:key/k', { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::c/x', 'kms:ViaService': 's3.us-east-1.amazonaws.com' }), 'implicit-deny');
is('evaluator: ForAllValues holds for a subset', ev(pol, 'ec2:CreateVolume', '*', { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': '1' }), 'allow');
is('evaluator: ForAllValues fails for an extra key', ev(pol, 'ec2:CreateVolume', '*', { 'aws:TagKeys': ['a', 'z'], 'aws:RequestTag/a': '1' }), 'implicit-deny');
is('evaluator: Null false needs the key', ev(pol, 'ec2:CreateVolume', '*', { 'aws:TagKeys': ['b'] }), 'implicit-deny');
is('evaluator: IfExists passes without the key', ev(pol, 'sns:Publish', '*'), 'allow');
is('evaluator: negated operator denies the value', ev(pol, 'sns:Publish', '*', { 'aws:SourceVpc': 'vpc-bad' }), 'implicit-deny');
let threw = false;
try { ev([{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': 'x' } } }] }], 'a:b', '*'); } catch (e) { threw = true; }
r.check('evaluator: an unsupported operator throws', threw);

// ---- scenarios on the generated policies -------------------------------------
const t = T.table_load();
const user = role_policies(t, 'user');
const admin = role_policies(t, 'admin');
const job = role_policies(t, 'job');
const inst = role_policies(t, 'instance');
const A = `${REGION}:${ACCOUNT}`;
const results = `arn:aws:s3:::${P}-results-${ACCOUNT}-${REGION}`;
const artifacts = `arn:aws:s3:::${P}-artifacts-${ACCOUNT}-${REGION}`;
const sm = (name, acct = ACCOUNT) => `arn:aws:states:${REGION}:${acct}:stateMachine:${name}`;

// user: run and read
is('user: start an execution of our state machine', ev(user, 'states:StartExecution', sm(`${P}-sample`)), 'allow');
is('user: watch the execution', ev(user, 'states:DescribeExecution', `arn:aws:states:${A}:execution:${P}-sample:run-1`), 'allow');
is('user: read the results bucket', ev(user, 's3:GetObject', `${results}/runs/S1/S1.vcf.gz`), 'allow');
is('user: list the results bucket', ev(user, 's3:ListBucket', results, { 's3:prefix': 'runs/' }), 'allow');
is('user: upload inputs', ev(user, 's3:PutObject', `${results}/inputs/S1_R1.fastq.gz`), 'allow');
is('user: read the job logs', ev(user, 'logs:GetLogEvents', `arn:aws:logs:${A}:log-group:/aws/batch/${P}:log-stream:align/default/0123`), 'allow');
is('user: query the job logs', ev(user, 'logs:StartQuery', `arn:aws:logs:${A}:log-group:/aws/batch/${P}:*`), 'allow');
is('user: cannot delete a stack', ev(user, 'cloudformation:DeleteStack', `arn:aws:cloudformation:${A}:stack/${P}-batch/0a1b`), 'implicit-deny');
is('user: cannot update a stack', ev(user, 'cloudformation:UpdateStack', `arn:aws:cloudformation:${A}:stack/${P}-batch/0a1b`), 'implicit-deny');
for (const role of ['job', 'state-machine', 'instance', 'cfn-deploy', 'admin']) {
  is(`user: cannot pass the ${role} role`, ev(user, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${P}-${role}`, { 'iam:PassedToService': 'states.amazonaws.com' }), 'implicit-deny');
}
is('user: cannot write to another bucket', ev(user, 's3:PutObject', 'arn:aws:s3:::someone-elses-bucket/x'), 'implicit-deny');
is('user: cannot write to the artifacts bucket', ev(user, 's3:PutObject', `${artifacts}/workflow/sample.asl.json`), 'implicit-deny');
is('user: cannot overwrite workflow outputs', ev(user, 's3:PutObject', `${results}/runs/S1/S1.vcf.gz`), 'implicit-deny');
is('user: cannot delete results', ev(user, 's3:DeleteObject', `${results}/runs/S1/S1.vcf.gz`), 'implicit-deny');
is("user: cannot start someone else's state machine", ev(user, 'states:StartExecution', sm('their-pipeline')), 'implicit-deny');
is('user: cannot start another project\'s gsa-prefixed machine', ev(user, 'states:StartExecution', sm(`${P}-dev-sample`)), 'implicit-deny');
is('user: cannot start our machine name in another account', ev(user, 'states:StartExecution', sm(`${P}-sample`, '999999999999')), 'implicit-deny');
is('user: cannot read another project\'s logs', ev(user, 'logs:GetLogEvents', `arn:aws:logs:${A}:log-group:/aws/batch/other:log-stream:x`), 'implicit-deny');
is('user: cannot submit Batch jobs directly', ev(user, 'batch:SubmitJob', `arn:aws:batch:${A}:job-queue/${P}-spot`), 'implicit-deny');

// admin: deploy and tear down, within the project
is('admin: delete a project stack', ev(admin, 'cloudformation:DeleteStack', `arn:aws:cloudformation:${A}:stack/${P}-batch/0a1b`), 'allow');
is('admin: cannot delete another stack', ev(admin, 'cloudformation:DeleteStack', `arn:aws:cloudformation:${A}:stack/prod-db/0a1b`), 'implicit-deny');
is('admin: pass the deploy role to CloudFormation', ev(admin, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${P}-cfn-deploy`, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }), 'allow');
is('admin: cannot pass the deploy role to EC2', ev(admin, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${P}-cfn-deploy`, { 'iam:PassedToService': 'ec2.amazonaws.com' }), 'implicit-deny');
is('admin: cannot pass the job role to Step Functions', ev(admin, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/${P}-job`, { 'iam:PassedToService': 'states.amazonaws.com' }), 'implicit-deny');
is('admin: cannot pass a role outside the project', ev(admin, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/OrganizationAdmin`, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }), 'implicit-deny');
is('admin: create a project role', ev(admin, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/${P}-job`), 'allow');
is('admin: cannot create roles outside the project', ev(admin, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/backdoor`), 'implicit-deny');
is('admin: cannot change its own managed policies', ev(admin, 'iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/${P}-admin-1`), 'implicit-deny');
is('admin: cannot attach managed policies to roles', ev(admin, 'iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/${P}-job`), 'implicit-deny');
is('admin: delete a project bucket', ev(admin, 's3:DeleteBucket', results), 'allow');
is('admin: cannot delete another bucket', ev(admin, 's3:DeleteBucket', 'arn:aws:s3:::company-data'), 'implicit-deny');

// job role: its input prefixes only, its output prefix only
for (const pre of ['inputs/S1_R1.fastq.gz', 'references/grch38/ref.fa', 'runs/S1/S1.bam']) {
  is(`job: read ${pre.split('/')[0]}/`, ev(job, 's3:GetObject', `${results}/${pre}`), 'allow');
}
is('job: cannot read outside its input prefixes', ev(job, 's3:GetObject', `${results}/private/notes.txt`), 'implicit-deny');
is('job: cannot read another bucket', ev(job, 's3:GetObject', 'arn:aws:s3:::someone-elses-bucket/inputs/x'), 'implicit-deny');
is('job: cannot read the artifacts bucket', ev(job, 's3:GetObject', `${artifacts}/inputs/x`), 'implicit-deny');
is('job: list under an input prefix', ev(job, 's3:ListBucket', results, { 's3:prefix': 'inputs/S1' }), 'allow');
is('job: cannot list the whole bucket', ev(job, 's3:ListBucket', results, { 's3:prefix': '' }), 'implicit-deny');
is('job: write its output prefix', ev(job, 's3:PutObject', `${results}/runs/S1/S1.vcf.gz`), 'allow');
is('job: abort an upload under its output prefix', ev(job, 's3:AbortMultipartUpload', `${results}/runs/S1/S1.bam`), 'allow');
is('job: cannot write its inputs', ev(job, 's3:PutObject', `${results}/inputs/S1_R1.fastq.gz`), 'implicit-deny');
is('job: cannot write another bucket', ev(job, 's3:PutObject', 'arn:aws:s3:::someone-elses-bucket/runs/x'), 'implicit-deny');
is('job: cannot delete objects', ev(job, 's3:DeleteObject', `${results}/runs/S1/S1.bam`), 'implicit-deny');
is('job: no KMS without a bucket key', ev(job, 'kms:Decrypt', `arn:aws:kms:${A}:key/k`, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }), 'implicit-deny');

// instance role: ebs-autoscale's volumes only (tagged gsa:ebs-autoscale:creator
// = the creating instance's id and project = ProjectName), to and from itself
const me = `arn:aws:ec2:${A}:instance/i-0aaaaaaaaaaaaaaaa`;
const other = `arn:aws:ec2:${A}:instance/i-0bbbbbbbbbbbbbbbb`;
const vol = `arn:aws:ec2:${A}:volume/vol-0123456789abcdef0`;
const CREATOR = 'gsa:ebs-autoscale:creator';
const created = { 'ec2:SourceInstanceARN': me, [`aws:ResourceTag/${CREATOR}`]: 'i-0aaaaaaaaaaaaaaaa', 'aws:ResourceTag/project': P };
const untagged = { 'ec2:SourceInstanceARN': me, 'aws:ResourceTag/project': P };
const other_project = { 'ec2:SourceInstanceARN': me, [`aws:ResourceTag/${CREATOR}`]: 'i-0ccc', 'aws:ResourceTag/project': 'prod' };
const request = (tags) => ({ 'ec2:SourceInstanceARN': me, ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])) });
is('instance: create a volume tagged as ebs-autoscale\'s', ev(inst, 'ec2:CreateVolume', vol, request({ [CREATOR]: 'i-0aaaaaaaaaaaaaaaa', project: P })), 'allow');
is('instance: cannot create a volume without the creator tag', ev(inst, 'ec2:CreateVolume', vol, request({ project: P })), 'implicit-deny');
is('instance: cannot create a volume without the project tag', ev(inst, 'ec2:CreateVolume', vol, request({ [CREATOR]: 'i-0aaaaaaaaaaaaaaaa' })), 'implicit-deny');
is('instance: cannot create a volume for another project', ev(inst, 'ec2:CreateVolume', vol, request({ [CREATOR]: 'i-0aaaaaaaaaaaaaaaa', project: 'prod' })), 'implicit-deny');
is('instance: tag a volume as it creates it', ev(inst, 'ec2:CreateTags', vol, { 'ec2:CreateAction': 'CreateVolume' }), 'allow');
is('instance: cannot tag an existing volume (no forged creator tag)', ev(inst, 'ec2:CreateTags', vol, { 'ec2:SourceInstanceARN': me }), 'implicit-deny');
is('instance: attach a volume ebs-autoscale created and tagged', ev(inst, 'ec2:AttachVolume', vol, created), 'allow');
is('instance: ... to itself', ev(inst, 'ec2:AttachVolume', me, { 'ec2:SourceInstanceARN': me, 'aws:ARN': me }), 'allow');
is('instance: cannot attach a volume it did not create (no creator tag)', ev(inst, 'ec2:AttachVolume', vol, untagged), 'implicit-deny');
is('instance: cannot attach another project\'s volume', ev(inst, 'ec2:AttachVolume', vol, other_project), 'implicit-deny');
is('instance: cannot attach to another instance', ev(inst, 'ec2:AttachVolume', other, { 'ec2:SourceInstanceARN': me, 'aws:ARN': other }), 'implicit-deny');
is('instance: set DeleteOnTermination on itself', ev(inst, 'ec2:ModifyInstanceAttribute', me, { 'ec2:SourceInstanceARN': me, 'aws:ARN': me }), 'allow');
is('instance: cannot modify another instance', ev(inst, 'ec2:ModifyInstanceAttribute', other, { 'ec2:SourceInstanceARN': me, 'aws:ARN': other }), 'implicit-deny');
is('instance: delete a volume ebs-autoscale created', ev(inst, 'ec2:DeleteVolume', vol, created), 'allow');
is('instance: cannot delete a volume it did not create', ev(inst, 'ec2:DeleteVolume', vol, untagged), 'implicit-deny');
is('instance: cannot detach a volume it did not create', ev(inst, 'ec2:DetachVolume', vol, untagged), 'implicit-deny');
is('instance: cannot detach from another instance', ev(inst, 'ec2:DetachVolume', other, { 'ec2:SourceInstanceARN': me, 'aws:ARN': other }), 'implicit-deny');
is('instance: cannot read the results bucket', ev(inst, 's3:GetObject', `${results}/runs/S1/S1.bam`), 'implicit-deny');

// state-machine role: the project's queues, job definitions and sample workflow
const sfn = role_policies(t, 'state-machine');
is('state-machine: submit to our queue', ev(sfn, 'batch:SubmitJob', `arn:aws:batch:${A}:job-queue/${P}-spot`), 'allow');
is('state-machine: with our job definition', ev(sfn, 'batch:SubmitJob', `arn:aws:batch:${A}:job-definition/${P}-align-sort:3`), 'allow');
is('state-machine: cannot submit to another queue', ev(sfn, 'batch:SubmitJob', `arn:aws:batch:${A}:job-queue/prod-queue`), 'implicit-deny');
is('state-machine: cannot use another job definition', ev(sfn, 'batch:SubmitJob', `arn:aws:batch:${A}:job-definition/admin-shell:1`), 'implicit-deny');
is('state-machine: the cohort starts sample executions', ev(sfn, 'states:StartExecution', sm(`${P}-sample`)), 'allow');
is('state-machine: cannot start other state machines', ev(sfn, 'states:StartExecution', sm('their-pipeline')), 'implicit-deny');
is('state-machine: reads a reference .fai', ev(sfn, 's3:GetObject', `${results}/references/grch38/genome.fa.fai`), 'allow');
is('state-machine: cannot read sample data', ev(sfn, 's3:GetObject', `${results}/inputs/S1_R1.fastq.gz`), 'implicit-deny');

process.exit(r.failed ? 1 : 0);
