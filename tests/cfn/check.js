#!/usr/bin/env node
// tests/cfn/check.js [--tools DIR] TEMPLATE... — gsa's own template checks
// (the linters do not know our rules):
//   refs        every Ref / GetAtt / Sub ${} / Condition / DependsOn resolves
//   params      no parameter is unused
//   imdsv2      every launch template and instance requires IMDSv2 tokens
//   buckets     every bucket blocks public access, is encrypted, aborts
//               incomplete multipart uploads, and its bucket policy denies
//               requests without TLS on the bucket and its objects
//   iam         every role's inline statements sit inside one
//               "# BEGIN/END GENERATED POLICY <key>" block (make policies
//               rewrites them), no '*' or 'service:*' action anywhere
//   logs        every log group has a retention
//   dashboard   every dashboard body is valid JSON once ${} are filled in
//   userdata    a launch template's user data is MIME multipart (what Batch
//               requires) with a closing boundary, and each shell part passes
//               `bash -n` once ${} are filled in; it never fetches from GitHub
//   workflow    a state machine whose DefinitionS3Location.Key is !Ref
//               <Name>DefinitionKey reads workflow/<name>.asl.json beside the
//               template: that file is JSON and every ${X} in it is one of the
//               state machine's DefinitionSubstitutions, and every
//               substitution is used; every workflow/*.asl.json has a
//               <Name>DefinitionKey parameter (deploy.sh's naming rule)
//   jobs        every Batch job definition runs `job` with options job
//               accepts, and the COMMAND(s) after `--` are gsa tools the
//               local workflow executor runs (tools/NAME/main.c); it has a
//               RetryStrategy and a Timeout; its resource is <Name>JobDefinition
//               and some workflow/*.asl.json runs ${JobDefinition<Name>} (the
//               local engine resolves that name to this resource, AWS to the
//               state machine's substitution), and a state machine's
//               substitution JobDefinition<Name> is !Ref <Name>JobDefinitionArn
// One line "FILE: rule: what is wrong" per problem; exit 1 if any, 2 usage.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { template_load } = require('./template.js');

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition',
  'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const ROLE_KEYS = new Set(['job', 'execution', 'instance', 'state-machine', 'codebuild', 'codepipeline', 'cfn-deploy']);

// job's options (tools/job/README.md): those taking a value, and flags
const JOB_OPTS_VALUE = new Set(['-i', '--input', '-o', '--output', '-p', '--output-prefix', '-w', '--workdir',
  '-c', '--cache', '-g', '--grace', '--endpoint-url', '--log-format']);
const JOB_OPTS_FLAG = new Set(['-k', '--keep', '-P', '--pipe', '--no-cache', '--quiet', '--verbose']);

/** Visit every node of a parsed template: fn(node, pathArray). */
function check_walk(node, fn, at = []) {
  fn(node, at);
  if (Array.isArray(node)) node.forEach((x, i) => check_walk(x, fn, at.concat(i)));
  else if (node && typeof node === 'object') for (const k of Object.keys(node)) check_walk(node[k], fn, at.concat(k));
}

/** The ${NAME} / ${NAME.Attr} references of a Sub string (not ${!Literal}). */
function check_sub_names(str) {
  const out = [];
  const re = /\$\{([^}]*)\}/g;
  let m;
  while ((m = re.exec(str)) !== null) if (!m[1].startsWith('!')) out.push(m[1].trim());
  return out;
}

function check_template(file, tpl, text, tools, problems) {
  const bad = (rule, msg) => problems.push(`${file}: ${rule}: ${msg}`);
  const params = tpl.Parameters || {};
  const res = tpl.Resources || {};
  const conds = tpl.Conditions || {};
  if (!tpl.Resources || typeof tpl.Resources !== 'object') { bad('refs', 'no Resources section'); return; }
  const used = new Set();
  const known = (n) => PSEUDO.has(n) || n in params || n in res;

  check_walk(tpl, (node, at) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const where = at.join('.');
    if ('Ref' in node) {
      const n = node.Ref;
      if (typeof n !== 'string' || !known(n)) bad('refs', `${where}: Ref ${JSON.stringify(n)} names no parameter or resource`);
      else used.add(n);
    }
    if ('Fn::GetAtt' in node) {
      const v = node['Fn::GetAtt'];
      const r = Array.isArray(v) ? v[0] : String(v).split('.')[0];
      if (!(r in res)) bad('refs', `${where}: GetAtt ${JSON.stringify(v)} names no resource`);
    }
    if ('Fn::Sub' in node) {
      const v = node['Fn::Sub'];
      const str = Array.isArray(v) ? v[0] : v;
      const vars = Array.isArray(v) && v[1] && typeof v[1] === 'object' ? v[1] : {};
      if (typeof str !== 'string') { bad('refs', `${where}: Sub without a string`); return; }
      for (const name of check_sub_names(str)) {
        if (name in vars) continue;
        const head = name.includes('.') && !PSEUDO.has(name) ? name.split('.')[0] : name;
        if (name.includes('.') && !PSEUDO.has(name)) {
          if (!(head in res)) bad('refs', `${where}: Sub \${${name}} names no resource`);
        } else if (!known(name)) bad('refs', `${where}: Sub \${${name}} names no parameter, resource or pseudo parameter`);
        else used.add(name);
      }
      for (const k of Object.keys(vars)) if (!str.includes(`\${${k}}`)) bad('refs', `${where}: Sub variable ${k} is never used`);
    }
    if ('Fn::If' in node) {
      const c = node['Fn::If'][0];
      if (!(c in conds)) bad('refs', `${where}: Fn::If condition ${JSON.stringify(c)} is not defined`);
    }
    if ('Condition' in node && typeof node.Condition === 'string' && at.length !== 2) {
      if (!(node.Condition in conds)) bad('refs', `${where}: Condition ${node.Condition} is not defined`);
    }
  });
  for (const [name, r] of Object.entries(res)) {
    if (r.Condition !== undefined && !(r.Condition in conds)) bad('refs', `Resources.${name}: Condition ${r.Condition} is not defined`);
    for (const d of [].concat(r.DependsOn || [])) if (!(d in res)) bad('refs', `Resources.${name}: DependsOn ${d} names no resource`);
    if (!r.Type) bad('refs', `Resources.${name}: no Type`);
  }
  for (const p of Object.keys(params)) if (!used.has(p)) bad('params', `parameter ${p} is never used`);

  // IMDSv2
  for (const [name, r] of Object.entries(res)) {
    let mo = null;
    if (r.Type === 'AWS::EC2::LaunchTemplate') mo = ((r.Properties || {}).LaunchTemplateData || {}).MetadataOptions;
    else if (r.Type === 'AWS::EC2::Instance') mo = null; // instances must use a launch template
    else continue;
    if (r.Type === 'AWS::EC2::Instance') { bad('imdsv2', `${name}: launch instances through a launch template that requires IMDSv2`); continue; }
    if (!mo || mo.HttpTokens !== 'required') bad('imdsv2', `${name}: MetadataOptions.HttpTokens is not 'required'`);
    if (mo && mo.HttpEndpoint === 'disabled') bad('imdsv2', `${name}: IMDS disabled (ebs-autoscale needs IMDSv2)`);
  }

  // buckets
  const policies = Object.values(res).filter((r) => r.Type === 'AWS::S3::BucketPolicy');
  for (const [name, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::S3::Bucket') continue;
    const p = r.Properties || {};
    const pab = p.PublicAccessBlockConfiguration || {};
    for (const k of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
      if (pab[k] !== true) bad('buckets', `${name}: PublicAccessBlockConfiguration.${k} is not true`);
    }
    if (!p.BucketEncryption) bad('buckets', `${name}: no BucketEncryption`);
    const rules = ((p.LifecycleConfiguration || {}).Rules || []);
    if (!rules.some((x) => x.Status === 'Enabled' && x.AbortIncompleteMultipartUpload)) {
      bad('buckets', `${name}: no enabled AbortIncompleteMultipartUpload lifecycle rule`);
    }
    const mine = policies.filter((bp) => JSON.stringify((bp.Properties || {}).Bucket) === JSON.stringify({ Ref: name }));
    const denies = (bp) => (((bp.Properties || {}).PolicyDocument || {}).Statement || []).some((s) => {
      const cond = ((s.Condition || {}).Bool || {})['aws:SecureTransport'];
      const acts = [].concat(s.Action || []);
      const rs = JSON.stringify([].concat(s.Resource || []));
      return s.Effect === 'Deny' && s.Principal === '*' && (cond === 'false' || cond === false) &&
        acts.includes('s3:*') && rs.includes(`"${name}","Arn"`) && rs.includes(`\${${name}.Arn}/*`);
    });
    if (!mine.some(denies)) bad('buckets', `${name}: no bucket policy denying s3:* without TLS (aws:SecureTransport false) on the bucket and its objects`);
  }

  // IAM: statements inside generated blocks, no wildcard actions
  const lines = text.split('\n');
  const blocks = [];
  const stack = [];
  lines.forEach((line, i) => {
    let m = /^\s*# BEGIN GENERATED POLICY (\S+)\s*$/.exec(line);
    if (m) {
      if (!ROLE_KEYS.has(m[1])) bad('iam', `line ${i + 1}: unknown role key '${m[1]}'`);
      if (stack.length) bad('iam', `line ${i + 1}: BEGIN inside an open block`);
      stack.push({ key: m[1], start: i });
      return;
    }
    m = /^\s*# END GENERATED POLICY (\S+)\s*$/.exec(line);
    if (m) {
      const open = stack.pop();
      if (!open || open.key !== m[1]) bad('iam', `line ${i + 1}: END ${m[1]} does not close an open block of that key`);
      else blocks.push({ key: open.key, start: open.start, end: i });
    }
  });
  if (stack.length) bad('iam', `BEGIN GENERATED POLICY ${stack[0].key} is never closed`);
  const seen = new Set();
  for (const b of blocks) {
    if (seen.has(b.key)) bad('iam', `role key ${b.key} has two generated blocks`);
    seen.add(b.key);
    const first = lines.slice(b.start + 1, b.end).find((l) => l.trim() && !l.trim().startsWith('#'));
    if (!first || !/^\s*- /.test(first)) bad('iam', `block ${b.key}: holds no statement list`);
  }
  for (const [name, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const pols = ((r.Properties || {}).Policies || []).filter((x) => x && x.PolicyDocument);
    if (r.Properties && r.Properties.ManagedPolicyArns) bad('iam', `${name}: managed policies bypass the generated statements`);
    // the role's first inline policy must be a generated block: find its text
    const start = lines.findIndex((l) => new RegExp(`^  ${name}:\\s*$`).test(l));
    let end = lines.length;
    for (let i = start + 1; i < lines.length; i++) if (/^  [A-Za-z0-9]+:\s*$/.test(lines[i]) || /^[A-Za-z]/.test(lines[i])) { end = i; break; }
    const inside = blocks.filter((b) => b.start > start && b.end < end);
    if (pols.length === 0) bad('iam', `${name}: no inline policy`);
    else if (inside.length !== 1) bad('iam', `${name}: its statements are not inside exactly one GENERATED POLICY block (found ${inside.length})`);
  }
  check_walk(res, (node, at) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !('Effect' in node)) return;
    if (node.Effect !== 'Allow') return;
    for (const a of [].concat(node.Action || [])) {
      if (typeof a === 'string' && (a === '*' || /^[a-z0-9-]+:\*$/i.test(a))) bad('iam', `${at.join('.')}: wildcard action ${a}`);
    }
    if (node.NotAction) bad('iam', `${at.join('.')}: Allow with NotAction`);
  });

  // log groups
  for (const [name, r] of Object.entries(res)) {
    if (r.Type === 'AWS::Logs::LogGroup' && !(r.Properties || {}).RetentionInDays) bad('logs', `${name}: no RetentionInDays`);
  }

  // user data: MIME multipart with shell parts that parse
  for (const [name, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::EC2::LaunchTemplate') continue;
    const ud = (((r.Properties || {}).LaunchTemplateData || {}).UserData);
    if (ud === undefined) continue;
    let body = ud && ud['Fn::Base64'];
    if (body && body['Fn::Sub'] !== undefined) body = [].concat(body['Fn::Sub'])[0];
    if (typeof body !== 'string') { bad('userdata', `${name}: UserData is not Fn::Base64 of a string or Sub`); continue; }
    const text = body.replace(/\$\{!([^}]*)\}/g, '$${$1}').replace(/\$\{[^}]*\}/g, 'X');
    for (const e of check_user_data(text)) bad('userdata', `${name}: ${e}`);
  }

  // dashboards: the body must be JSON once CloudFormation fills in ${}
  for (const [name, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
    let body = (r.Properties || {}).DashboardBody;
    if (body && body['Fn::Sub'] !== undefined) body = [].concat(body['Fn::Sub'])[0];
    if (typeof body !== 'string') { bad('dashboard', `${name}: DashboardBody is not a string or Sub`); continue; }
    try {
      const d = JSON.parse(body.replace(/\$\{[^}]*\}/g, 'X'));
      if (!Array.isArray(d.widgets) || d.widgets.length === 0) bad('dashboard', `${name}: no widgets`);
    } catch (e) { bad('dashboard', `${name}: DashboardBody is not JSON: ${e.message}`); }
  }

  // state machines <-> ASL files
  const aslDir = path.join(path.dirname(file), 'workflow');
  const machines = Object.entries(res).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  for (const [name, r] of machines) {
    const p = r.Properties || {};
    const key = (p.DefinitionS3Location || {}).Key;
    if (!key || typeof key.Ref !== 'string' || !/DefinitionKey$/.test(key.Ref)) {
      if (!p.DefinitionString && !p.Definition) bad('workflow', `${name}: no definition`);
      continue;
    }
    const base = key.Ref.replace(/DefinitionKey$/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    const asl = path.join(aslDir, `${base}.asl.json`);
    let text;
    try { text = fs.readFileSync(asl, 'utf8'); } catch (e) { bad('workflow', `${name}: ${asl} does not exist (parameter ${key.Ref})`); continue; }
    try { JSON.parse(text); } catch (e) { bad('workflow', `${asl}: not JSON: ${e.message}`); continue; }
    const subs = Object.keys(p.DefinitionSubstitutions || {});
    for (const [k, v] of Object.entries(p.DefinitionSubstitutions || {})) {
      const jm = /^JobDefinition(.+)$/.exec(k);
      if (jm && !(v && v.Ref === `${jm[1]}JobDefinitionArn`)) bad('workflow', `${name}: substitution ${k} is not !Ref ${jm[1]}JobDefinitionArn`);
    }
    const used = new Set(check_sub_names(text));
    for (const u of used) if (!subs.includes(u)) bad('workflow', `${name}: ${asl} uses \${${u}}, which DefinitionSubstitutions does not set`);
    for (const k of subs) if (!used.has(k)) bad('workflow', `${name}: substitution ${k} is not used by ${asl}`);
  }
  if (machines.length && fs.existsSync(aslDir)) {
    for (const f of fs.readdirSync(aslDir).filter((x) => x.endsWith('.asl.json'))) {
      const want = f.replace(/\.asl\.json$/, '').split(/[-_.]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') + 'DefinitionKey';
      if (!(want in params)) bad('workflow', `workflow/${f} has no state machine: parameter ${want} is missing`);
    }
  }

  // job definitions
  let aslText = null;
  for (const [name, r] of Object.entries(res)) {
    if (r.Type !== 'AWS::Batch::JobDefinition') continue;
    const p = r.Properties || {};
    const m = /^(.+)JobDefinition$/.exec(name);
    if (!m) bad('jobs', `${name}: name a job definition <Name>JobDefinition (the local engine maps \${JobDefinition<Name>} to it)`);
    else {
      if (aslText === null) {
        aslText = fs.existsSync(aslDir) ? fs.readdirSync(aslDir).filter((f) => f.endsWith('.asl.json'))
          .map((f) => fs.readFileSync(path.join(aslDir, f), 'utf8')).join('\n') : '';
      }
      if (!aslText.includes(`\${JobDefinition${m[1]}}`)) bad('jobs', `${name}: no workflow/*.asl.json runs \${JobDefinition${m[1]}}`);
    }
    if (!p.RetryStrategy) bad('jobs', `${name}: no RetryStrategy`);
    if (!p.Timeout || !p.Timeout.AttemptDurationSeconds) bad('jobs', `${name}: no Timeout.AttemptDurationSeconds`);
    const cmd = (p.ContainerProperties || {}).Command;
    if (!Array.isArray(cmd) || cmd.some((x) => typeof x !== 'string')) { bad('jobs', `${name}: Command is not a list of literal strings`); continue; }
    for (const e of check_job_command(cmd, tools)) bad('jobs', `${name}: ${e}`);
  }
}

/** Problems with launch-template user data TEXT (MIME multipart, as AWS
 *  Batch requires; shell parts must parse). */
function check_user_data(text) {
  const errs = [];
  const lines = text.split('\n');
  if (lines[0] !== 'MIME-Version: 1.0') errs.push('first line is not "MIME-Version: 1.0"');
  const m = /^Content-Type: multipart\/mixed; boundary="([^"]+)"$/m.exec(text);
  if (!m) return errs.concat('no "Content-Type: multipart/mixed; boundary=..." header');
  const b = m[1];
  if (!lines.some((l) => l === `--${b}--`)) errs.push(`no closing boundary --${b}--`);
  const parts = text.split(`\n--${b}`).slice(1).filter((p) => !p.startsWith('--'));
  if (!parts.length) errs.push('no MIME part');
  for (const part of parts) {
    const sep = part.indexOf('\n\n');
    const head = part.slice(0, sep);
    const payload = part.slice(sep + 2);
    if (!/Content-Type: text\/x-shellscript/.test(head)) continue;
    if (!payload.startsWith('#!/bin/bash')) errs.push('a shell part does not start with #!/bin/bash');
    const r = spawnSync('bash', ['-n'], { input: payload, encoding: 'utf8' });
    if (r.status !== 0) errs.push(`a shell part does not parse: ${(r.stderr || '').trim().split('\n')[0]}`);
    if (/github\.com|githubusercontent/i.test(payload)) errs.push('a shell part fetches from GitHub');
  }
  return errs;
}

/** Problems with a job definition's Command (argv of `job`, entrypoint or not). */
function check_job_command(cmd, tools) {
  const errs = [];
  let i = cmd[0] === 'job' ? 1 : 0;
  let pipe = false;
  for (; i < cmd.length; i++) {
    const a = cmd[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-')) break;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const opt = eq > 0 ? a.slice(0, eq) : a;
    if (JOB_OPTS_FLAG.has(opt)) { if (opt === '-P' || opt === '--pipe') pipe = true; continue; }
    if (JOB_OPTS_VALUE.has(opt)) { if (eq < 0) i++; if (i >= cmd.length) errs.push(`option ${opt} of job has no value`); continue; }
    errs.push(`job has no option ${a}`);
  }
  const rest = cmd.slice(i);
  if (rest.length === 0) { errs.push('no COMMAND after job\'s options'); return errs; }
  const parts = [[]];
  for (const a of rest) { if (pipe && a === '|') parts.push([]); else parts[parts.length - 1].push(a); }
  for (const part of parts) {
    if (part.length === 0) errs.push('an empty command in the pipeline');
    else if (!tools.has(part[0])) errs.push(`COMMAND ${part[0]} is not a gsa tool the local executor runs (${[...tools].sort().join(', ')})`);
  }
  return errs;
}

function main(argv) {
  let toolsDir = path.join(__dirname, '..', '..', 'tools');
  if (argv[0] === '--tools') { toolsDir = argv[1]; argv = argv.slice(2); }
  if (argv.length === 0) { process.stderr.write('usage: tests/cfn/check.js [--tools DIR] TEMPLATE...\n'); return 2; }
  const tools = new Set(fs.readdirSync(toolsDir).filter((d) => fs.existsSync(path.join(toolsDir, d, 'main.c'))));
  const problems = [];
  for (const file of argv) {
    let text, tpl;
    try {
      text = fs.readFileSync(file, 'utf8');
      tpl = template_load(file);
    } catch (e) { problems.push(e.code ? `${file}: cannot read: ${e.code}` : e.message); continue; }
    check_template(file, tpl, text, tools, problems);
  }
  for (const p of problems) process.stdout.write(p + '\n');
  if (!problems.length) process.stdout.write(`${argv.length} template(s): refs, params, imdsv2, buckets, iam, logs, userdata, dashboard, workflow, jobs ok\n`);
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { check_template, check_job_command, check_sub_names, check_user_data };
