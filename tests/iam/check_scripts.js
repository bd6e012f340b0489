#!/usr/bin/env node
// tests/iam/check_scripts.js — the AWS CLI calls of our scripts are allowed
// to whoever runs them.  Every scripts/platform/*.sh is run by the admin
// (docs/deploy.md); a script a buildspec runs is also run by the codebuild
// role, and a script run by another script inherits its roles (lib.sh:
// every role); the admin holds the user policies too.  Each `aws`/`aws_cli
// SERVICE COMMAND` (and `buildah push`) maps to IAM actions: COMMAND in
// PascalCase under the service's IAM prefix, except the high-level commands
// in HIGH below.  S3 object calls are evaluated on their key (the script's
// simple NAME=VALUE assignments expanded, unknown parts as X) in our results
// or artifacts bucket.  Prints ok/not ok lines.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('../../cfn/iam/table.js');
const { reporter, role_policies, ACCOUNT, REGION, P } = require('./policies.js');
const { policy_evaluate } = require('./evaluate.js');

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

/** IAM actions of one CLI call (words after `aws`/`aws_cli`); s3 object
 * calls also give the object key they touch ({action, key}). */
function cli_actions(words) {
  const [svc, cmd] = words;
  const key_of = (uri) => (/^s3:\/\/[^/]*\/(.*)$/.exec(uri) || [])[1];
  const bucket_of = (uri) => (/^s3:\/\/([^/]*)/.exec(uri) || [])[1];
  if (svc === 's3' && (cmd === 'cp' || cmd === 'mv' || cmd === 'sync')) {
    const pos = words.slice(2).filter((w) => !w.startsWith('--'));
    const from_s3 = /^s3:\/\//.test(pos[0] || '');
    const to_s3 = /^s3:\/\//.test(pos[1] || '');
    const out = [];
    if (from_s3) out.push({ action: 's3:GetObject', bucket: bucket_of(pos[0]), key: key_of(pos[0]) });
    if (to_s3) out.push({ action: 's3:PutObject', bucket: bucket_of(pos[1]), key: key_of(pos[1]) });
    if (cmd === 'sync') out.push('s3:ListBucket');
    return out;
  }
  if (svc === 's3api' && cmd === 'head-object') {
    const k = words.indexOf('--key');
    const b = words.indexOf('--bucket');
    return [{ action: 's3:GetObject', bucket: b > 0 ? words[b + 1] : undefined, key: k > 0 ? words[k + 1] : undefined }];
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

// the admin also holds the user policies (docs/iam.md)
const policies_of = (role) => (role === 'admin' ? role_policies(t, 'admin').concat(role_policies(t, 'user')) : role_policies(t, role));
const BUCKETS = { ResultsBucketName: `${P}-results-${ACCOUNT}-${REGION}`, ArtifactsBucketName: `${P}-artifacts-${ACCOUNT}-${REGION}` };
const OURS = Object.values(BUCKETS);
/** Is role allowed the action (on the key in our results or artifacts bucket)? */
function allowed(role, a) {
  const pols = policies_of(role);
  if (typeof a === 'string') return pols.some((p) => p.Statement.some((st) => st.Effect === 'Allow' && [].concat(st.Action).includes(a)));
  if (a.key === undefined) return allowed(role, a.action);
  const buckets = OURS.includes(a.bucket) ? [a.bucket] : OURS; // unknown bucket: either of ours
  return buckets.some((b) => policy_evaluate(pols, a.action, `arn:aws:s3:::${b}/${a.key}`) === 'allow');
}
const show = (a) => (typeof a === 'string' ? a : a.key === undefined ? a.action : `${a.action} on ${OURS.includes(a.bucket) ? `s3://${a.bucket}/` : 'KEY '}${a.key}`);

/** Simple assignments of a script (NAME=VALUE, several per line). */
function script_vars(text) {
  const vars = {};
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(/(?:^|\s)(?:local\s+)?([a-z_][a-z0-9_]*)=("[^"]*"|'[^']*'|\$\([^)]*\)|[^\s;]*)/g)) vars[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return vars;
}
/** A word with $x/${x} from vars, unknown ones as X, quotes removed. */
function expand(word, vars, depth = 0) {
  let w = word.replace(/^["']|["']$/g, '').replace(/"/g, '');
  // the stacks' bucket outputs (scripts read them into OUT[...])
  w = w.replace(/\$\{OUT\[(ResultsBucketName|ArtifactsBucketName)\][^}]*\}/g, (all, k) => BUCKETS[k]);
  w = w.replace(/\$\{([a-z_][a-z0-9_]*)\}|\$([a-z_][a-z0-9_]*)/g, (all, a, b) => {
    const v = vars[a || b];
    return v !== undefined && depth < 5 ? expand(v, vars, depth + 1) : 'X';
  });
  return w.replace(/\$\{[^}]*\}|\$\([^)]*\)|\$[0-9@*]/g, 'X');
}
let calls = 0;
for (const [s, text] of texts) {
  // join continued lines; report the first line of each command
  const lines = text.split('\n');
  for (let i = lines.length - 2; i >= 0; i--) {
    if (/\\$/.test(lines[i])) { lines[i] = `${lines[i].slice(0, -1)} ${lines[i + 1]}`; lines[i + 1] = ''; }
  }
  const vars = script_vars(text);
  lines.forEach((line, i) => {
    const code = line.replace(/^\s*#.*$/, '');
    const found = [];
    for (const m of code.matchAll(/(?:^|[\s;|&(`$])(?:aws_cli|aws)\s+([a-z0-9-]+)\s+([a-z0-9-]+)((?:\s+[^\s|;&)]+)*)/g)) {
      if (/echo|die|say/.test(code.slice(0, m.index))) continue; // a message naming a command
      found.push(cli_actions([m[1], m[2], ...m[3].trim().split(/\s+/).map((w) => expand(w, vars))]));
    }
    if (/\bbuildah\s+push\b/.test(code)) found.push(HIGH['buildah push']);
    if (/cloudformation deploy/.test(code) && /role-arn|extra\[@\]/.test(code)) found.push(['iam:PassRole']);
    for (const acts of found) {
      calls++;
      for (const role of roles.get(s)) {
        const miss = acts.filter((a) => !allowed(role, a));
        r.check(`scripts/platform/${s}:${i + 1}: ${role} may ${acts.map(show).join(', ')}`, !miss.length, `add ${miss.map(show).join(', ')} for ${role} to cfn/iam/actions.yml`);
      }
    }
  });
}
r.check('scripts: found AWS CLI calls to check', calls > 0);
process.exit(r.failed ? 1 : 0);
