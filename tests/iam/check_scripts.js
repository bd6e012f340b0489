#!/usr/bin/env node
// tests/iam/check_scripts.js — the AWS CLI calls of our scripts are allowed
// to whoever runs them.  Every scripts/platform/*.sh is run by the admin
// (docs/deploy.md); a script a buildspec runs is also run by the codebuild
// role, and a script run by another script inherits its roles (lib.sh:
// every role).  Each `aws`/`aws_cli SERVICE COMMAND` (and `buildah push`)
// maps to IAM actions: COMMAND in PascalCase under the service's IAM prefix,
// except the high-level commands in HIGH below.  Prints ok/not ok lines.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('../../cfn/iam/table.js');
const { reporter } = require('./policies.js');

const ROOT = process.env.GSA_IAM_CODE_ROOT || T.ROOT;
const r = reporter();
const t = T.table_load();
const PREFIX = { stepfunctions: 'states', s3api: 's3', 'ecr-public': 'ecr-public' };
// high-level CLI commands: the actions they make
const HIGH = {
  'cloudformation deploy': ['cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DescribeStacks'],
  'cloudformation wait': ['cloudformation:DescribeStacks'],
  'ecr get-login-password': ['ecr:GetAuthorizationToken'],
  's3api head-object': ['s3:GetObject'],
  's3 ls': ['s3:ListBucket'],
  's3 rm': ['s3:DeleteObject'],
  's3 rb': ['s3:DeleteBucket'],
  's3 mb': ['s3:CreateBucket'],
  'buildah push': ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'],
};

/** IAM actions of one CLI call (words after `aws`/`aws_cli`). */
function cli_actions(words) {
  const [svc, cmd] = words;
  if (svc === 's3' && (cmd === 'cp' || cmd === 'mv' || cmd === 'sync')) {
    const pos = words.slice(2).filter((w) => !w.startsWith('--'));
    const from_s3 = /^["']?s3:\/\//.test(pos[0] || '');
    const to_s3 = /^["']?s3:\/\//.test(pos[1] || '');
    const out = [];
    if (from_s3) out.push('s3:GetObject');
    if (to_s3) out.push('s3:PutObject');
    if (cmd === 'sync') out.push('s3:ListBucket');
    return out;
  }
  const key = `${svc} ${cmd}`;
  if (HIGH[key]) return HIGH[key];
  const pascal = cmd.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return [`${PREFIX[svc] || svc}:${pascal}`];
}

const dir = path.join(ROOT, 'scripts', 'platform');
const scripts = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.sh')).sort() : [];
if (!scripts.length) { process.stdout.write('skipped: no scripts/platform yet\n'); process.exit(77); }

// who runs what
const roles = new Map(scripts.map((s) => [s, new Set(['admin'])]));
const bs_dir = path.join(ROOT, 'buildspec');
for (const f of fs.existsSync(bs_dir) ? fs.readdirSync(bs_dir).filter((x) => /\.ya?ml$/.test(x)) : []) {
  const text = fs.readFileSync(path.join(bs_dir, f), 'utf8');
  for (const m of text.matchAll(/scripts\/platform\/([A-Za-z0-9_.-]+\.sh)/g)) if (roles.has(m[1])) roles.get(m[1]).add('codebuild');
}
const texts = new Map(scripts.map((s) => [s, fs.readFileSync(path.join(dir, s), 'utf8')]));
for (let pass = 0; pass < scripts.length; pass++) { // scripts run by scripts inherit roles
  for (const [s, text] of texts) {
    for (const m of text.matchAll(/scripts\/platform\/([A-Za-z0-9_.-]+\.sh)/g)) {
      if (m[1] !== s && roles.has(m[1])) for (const x of roles.get(s)) roles.get(m[1]).add(x);
    }
  }
}
if (roles.has('lib.sh')) for (const set of roles.values()) for (const x of set) roles.get('lib.sh').add(x);

const granted = (role) => new Set(T.table_rows(t, role).flatMap((s) => s.parsed.map((p) => p.action)));
let calls = 0;
for (const [s, text] of texts) {
  // join continued lines; report the first line of each command
  const lines = text.split('\n');
  for (let i = lines.length - 2; i >= 0; i--) {
    if (/\\$/.test(lines[i])) { lines[i] = `${lines[i].slice(0, -1)} ${lines[i + 1]}`; lines[i + 1] = ''; }
  }
  lines.forEach((line, i) => {
    const code = line.replace(/^\s*#.*$/, '');
    const found = [];
    for (const m of code.matchAll(/(?:^|[\s;|&(`$])(?:aws_cli|aws)\s+([a-z0-9-]+)\s+([a-z0-9-]+)((?:\s+[^\s|;&)]+)*)/g)) {
      if (/echo|die|say/.test(code.slice(0, m.index))) continue; // a message naming a command
      found.push(cli_actions([m[1], m[2], ...m[3].trim().split(/\s+/)]));
    }
    if (/\bbuildah\s+push\b/.test(code)) found.push(HIGH['buildah push']);
    if (/cloudformation deploy/.test(code) && /role-arn|extra\[@\]/.test(code)) found.push(['iam:PassRole']);
    for (const acts of found) {
      calls++;
      for (const role of roles.get(s)) {
        const have = granted(role);
        const miss = acts.filter((a) => !have.has(a));
        r.check(`scripts/platform/${s}:${i + 1}: ${role} may ${acts.join(', ')}`, !miss.length, `add ${miss.join(', ')} for ${role} to cfn/iam/actions.yml`);
      }
    }
  });
}
r.check('scripts: found AWS CLI calls to check', calls > 0);
process.exit(r.failed ? 1 : 0);
