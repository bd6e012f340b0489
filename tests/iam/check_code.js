#!/usr/bin/env node
// tests/iam/check_code.js — code coverage of the action table: every AWS
// action our C code sends is in cfn/iam/actions.yml for the role that sends
// it.  The request builders name their IAM action as a string literal
// ("s3:GetObject", "ec2:CreateVolume"); this scans common/aws/ and tools/*/
// for such literals, maps each file to its roles through the table's
// `senders`, and checks the role's rows hold the action.  In s3.c every
// s3_op_t starts with its API name and IAM action, and the API must be one
// the table lists for that action; every gsa_ec2_call passes its action as
// a literal, whose API is the action name.
// Prints ok/not ok lines; exit 1 on any failure.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('../../cfn/iam/table.js');
const { reporter } = require('./policies.js');

// GSA_IAM_CODE_ROOT: scan another tree's sources (the tests' negative cases)
const ROOT = process.env.GSA_IAM_CODE_ROOT || T.ROOT;
const r = reporter();
const t = T.table_load();
// a literal naming an IAM action: "service:Action"
const LITERAL_RE = /"([a-z0-9-]+):([A-Z][A-Za-z0-9]+)"/g;

/** C sources that may send AWS requests. */
function code_files() {
  const out = [];
  const add = (dir) => {
    if (!fs.existsSync(path.join(ROOT, dir))) return;
    for (const f of fs.readdirSync(path.join(ROOT, dir)).sort()) if (/\.[ch]$/.test(f)) out.push(`${dir}/${f}`);
  };
  add('common/aws');
  for (const d of fs.readdirSync(path.join(ROOT, 'tools')).sort()) add(`tools/${d}`);
  return out;
}

/** Roles that send the requests of file (by file, then by its tool folder). */
function file_roles(file) {
  if (t.senders[file]) return t.senders[file];
  const dir = path.dirname(file);
  return t.senders[dir] || null;
}

/** {action: [apis]} of role's rows. */
function role_actions(role) {
  const m = new Map();
  for (const s of T.table_rows(t, role)) {
    for (const p of s.parsed) {
      if (!m.has(p.action)) m.set(p.action, new Set());
      for (const a of p.apis) m.get(p.action).add(a);
    }
  }
  return m;
}

/** Strip C comments (keep line count) so commented-out calls do not count. */
function strip_comments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

const found = []; // {file, line, action, api}
for (const file of code_files()) {
  const src = strip_comments(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const line_of = (i) => src.slice(0, i).split('\n').length;
  // s3_op_t initializers: { "Api", "s3:Action", ... }
  const ops = [...src.matchAll(/\bs3_op_t\s+\w+\s*=\s*\{/g)];
  for (const m of ops) {
    const head = src.slice(m.index + m[0].length);
    const lit = /^\s*"([A-Za-z0-9]+)"\s*,\s*"(s3:[A-Za-z0-9]+)"\s*,/.exec(head);
    const where = `${file}:${line_of(m.index)}`;
    r.check(`${where}: s3_op_t names its API and IAM action`, !!lit, 'the initializer must start with "ApiName", "s3:Action"');
    if (lit) found.push({ file, line: line_of(m.index), action: lit[2], api: lit[1] });
  }
  // EC2: every gsa_ec2_call names its action as a literal (not a variable)
  for (const m of src.matchAll(/(\bint\s+)?\bgsa_ec2_call\s*\(\s*[^,()]+,\s*([^,]*),/g)) {
    if (m[1]) continue; // the declaration or definition
    const where = `${file}:${line_of(m.index)}`;
    r.check(`${where}: gsa_ec2_call names its IAM action as a literal`, /^"ec2:[A-Z][A-Za-z0-9]+"$/.test(m[2].trim()), `second argument is ${m[2].trim()}`);
  }
  for (const m of src.matchAll(LITERAL_RE)) {
    const action = `${m[1]}:${m[2]}`;
    const line = line_of(m.index);
    if (found.some((f) => f.file === file && f.line === line && f.action === action)) continue;
    found.push({ file, line, action, api: m[1] === 's3' ? null : m[2] });
  }
}

// the creator tag ebs-autoscale puts on its volumes is the one the instance
// role's conditions name (a #define ..._TAG_CREATOR "key" in its sources)
for (const file of code_files()) {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  for (const m of src.matchAll(/#define\s+\w*TAG_CREATOR\s+"([^"]+)"/g)) {
    const keys = new Set();
    for (const row of T.table_rows(t, 'instance')) {
      for (const block of Object.values(row.condition || {})) for (const k of Object.keys(block)) keys.add(k);
    }
    for (const k of [`aws:RequestTag/${m[1]}`, `aws:ResourceTag/${m[1]}`]) {
      r.check(`${file}: creator tag ${m[1]}: the instance role conditions on ${k.split('/')[0]}`, keys.has(k), `cfn/iam/actions.yml names ${[...keys].filter((x) => /Tag\//.test(x)).join(', ')}`);
    }
  }
}

// the scanner must see the S3 client's requests (a broken scanner fails here)
const s3_apis = new Set(found.filter((f) => f.file === 'common/aws/s3.c').map((f) => f.api));
for (const api of ['GetObject', 'HeadObject', 'PutObject', 'ListObjectsV2', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload']) {
  r.check(`scanner finds ${api} in common/aws/s3.c`, s3_apis.has(api));
}

for (const f of found) {
  const where = `${f.file}:${f.line}`;
  const roles = file_roles(f.file);
  if (!roles) {
    r.check(`${where}: ${f.action} has a sender role`, false, `add ${f.file} (or its folder) to senders in cfn/iam/actions.yml`);
    continue;
  }
  for (const role of roles) {
    const acts = role_actions(role);
    const has = acts.has(f.action);
    r.check(`${where}: ${f.api ? `${f.api} -> ` : ''}${f.action} allowed to ${role}`, has, `add ${f.action} for role ${role} to cfn/iam/actions.yml`);
    if (has && f.api) {
      r.check(`${where}: table lists ${f.api} under ${f.action}`, acts.get(f.action).has(f.api), `write "${f.action} (${[...acts.get(f.action), f.api].join(', ')})" in cfn/iam/actions.yml`);
    }
  }
}
process.exit(r.failed ? 1 : 0);
