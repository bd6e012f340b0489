#!/usr/bin/env node
// tests/iam/check_templates.js — the policies against the templates:
//   types      every resource type in cfn/**/*.yml has a row in
//              cfn/iam/resource-types.yml, and each action of that row is
//              allowed to the admin policy and the cfn-deploy role;
//   roles      every Action in the templates' own roles (generated blocks
//              or not) is in the table for that role, and the admin may
//              create that role and put its policy;
//   wildcards  no Action "*" or "service:*" (no "*" in an action at all)
//              in any identity policy we generate or write, and Resource
//              "*" only for actions in resource-types.yml's global_actions;
//   asl        every Task integration of cfn/workflow/*.asl.json is
//              allowed to the state-machine role;
//   size       each managed policy in cfn/iam-operators.yml is under 6,144
//              characters without whitespace with the longest names, each
//              role's inline policies under 10,240.
// Prints ok/not ok lines; exit 1 on any failure.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('../../cfn/iam/table.js');
const G = require('../../cfn/iam/generate.js');
const { policy_evaluate } = require('./evaluate.js');
const { role_policies, reporter, ACCOUNT, P, ENV } = require('./policies.js');
const { template_load } = require('../cfn/template.js');

const ROOT = T.ROOT;
const r = reporter();
const t = T.table_load();
const rt = T.YAML.parse(fs.readFileSync(path.join(ROOT, 'cfn', 'iam', 'resource-types.yml'), 'utf8'));
const GLOBAL = new Set(rt.global_actions);
const OPERATORS = path.join(ROOT, 'cfn', 'iam-operators.yml');
const as_list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const templates = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (p !== path.join(ROOT, 'cfn', 'iam')) walk(p); } else if (/\.ya?ml$/.test(e.name) && p !== OPERATORS) templates.push(p);
  }
}(path.join(ROOT, 'cfn')));
templates.sort();
r.check('templates: found CloudFormation templates in cfn/', templates.length > 0);

/** Actions the role's statements grant (with wildcards as written). */
function granted(role) {
  const out = [];
  for (const p of role_policies(t, role)) for (const st of p.Statement) if (st.Effect === 'Allow') out.push(...as_list(st.Action));
  return out;
}
const glob = (p, v) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(v);
const admin_acts = granted('admin');
const deploy_acts = granted('cfn-deploy');

// ---- types -----------------------------------------------------------------
const parsed = templates.map((f) => ({ file: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8'), doc: template_load(f) }));
const types = new Map();
for (const { file, doc } of parsed) {
  for (const [name, res] of Object.entries(doc.Resources || {})) {
    if (!types.has(res.Type)) types.set(res.Type, []);
    types.get(res.Type).push(`${file}:${name}`);
  }
}
for (const [type, where] of [...types.entries()].sort()) {
  const acts = rt.types[type];
  r.check(`types: ${type} has reviewed handler permissions`, !!acts, `used by ${where.join(', ')}; add it to cfn/iam/resource-types.yml`);
  if (!acts) continue;
  const miss_admin = acts.filter((a) => !admin_acts.some((g) => glob(g, a)));
  const admin_only = (rt.admin_only_types || []).includes(type);
  const miss_deploy = admin_only ? [] : acts.filter((a) => !deploy_acts.some((g) => glob(g, a)));
  r.check(`types: ${type}: admin may ${acts.length} handler actions`, !miss_admin.length, `missing: ${miss_admin.join(', ')}`);
  if (admin_only) {
    const extra = acts.filter((a) => !a.startsWith('iam:') && deploy_acts.some((g) => glob(g, a)));
    r.check(`types: ${type}: admin only, cfn-deploy may not change it`, !extra.length, `cfn-deploy may: ${extra.join(', ')}`);
  } else r.check(`types: ${type}: cfn-deploy may ${acts.length} handler actions`, !miss_deploy.length, `missing: ${miss_deploy.join(', ')}`);
}

// ---- roles in the templates ---------------------------------------------------
/** The role key of an AWS::IAM::Role: its RoleName '${ProjectName}-KEY'. */
function role_key(res) {
  const n = (res.Properties || {}).RoleName;
  const s = n && typeof n === 'object' && n['Fn::Sub'];
  const m = typeof s === 'string' && /^\$\{ProjectName\}-([a-z-]+)$/.exec(s);
  return m ? m[1] : null;
}
/** Statements of a policy document (Fn::If branches both count). */
function statements_of(doc) {
  const out = [];
  const visit = (st) => {
    if (!st || typeof st !== 'object') return;
    if (Array.isArray(st)) { st.forEach(visit); return; }
    if (st['Fn::If']) { visit(st['Fn::If'][1]); visit(st['Fn::If'][2]); return; }
    if (st.Effect) out.push(st);
  };
  visit(doc && doc.Statement);
  return out;
}
const table_actions = (role) => new Set(T.table_rows(t, role).flatMap((s) => s.parsed.map((p) => p.action)));
const identity = []; // {where, role, statement}
for (const { file, doc } of parsed) {
  for (const [name, res] of Object.entries(doc.Resources || {})) {
    const pols = [];
    if (res.Type === 'AWS::IAM::Role') {
      for (const p of as_list((res.Properties || {}).Policies)) {
        if (p && p['Fn::If']) pols.push(...[p['Fn::If'][1], p['Fn::If'][2]].filter((x) => x && x.PolicyDocument));
        else if (p && p.PolicyDocument) pols.push(p);
      }
      const key = role_key(res);
      r.check(`roles: ${file}:${name} is a known role (\${ProjectName}-KEY)`, !!key && T.RUNTIME_ROLES.includes(key), `RoleName must be !Sub '\${ProjectName}-KEY', KEY one of ${T.RUNTIME_ROLES.join(', ')}`);
      if (!key || !T.RUNTIME_ROLES.includes(key)) continue;
      const have = table_actions(key);
      const missing = [];
      for (const p of pols) {
        for (const st of statements_of(p.PolicyDocument)) {
          identity.push({ where: `${file}:${name}`, role: key, statement: st });
          if (st.Effect !== 'Allow') continue;
          for (const a of as_list(st.Action)) if (!have.has(a)) missing.push(a);
        }
      }
      r.check(`roles: ${file}:${name}: every action is in the table for ${key}`, !missing.length, `not in cfn/iam/actions.yml for ${key}: ${[...new Set(missing)].join(', ')}`);
      const arn = `arn:aws:iam::${ACCOUNT}:role/${P}-${key}`;
      const admin = role_policies(t, 'admin');
      const can = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRole'].every((a) => policy_evaluate(admin, a, arn) === 'allow');
      r.check(`roles: admin may create ${P}-${key} and put its policy`, can);
    } else if (res.Type === 'AWS::IAM::Policy' || res.Type === 'AWS::IAM::ManagedPolicy') {
      r.check(`roles: ${file}:${name}: no stand-alone ${res.Type} beside the generated blocks`, false, 'put the statements into the role\'s generated block (cfn/iam/actions.yml)');
    }
  }
}

// each generated block sits in the role its key names (${ProjectName}-KEY)
for (const { file, text, doc } of parsed) {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*# BEGIN GENERATED POLICY (\S+)\s*$/.exec(line);
    if (!m) return;
    let id = null;
    for (let j = i; j >= 0 && !id; j--) { const x = /^ {2}([A-Za-z0-9]+):\s*$/.exec(lines[j]); if (x) id = x[1]; }
    const res = id && (doc.Resources || {})[id];
    const key = res && res.Type === 'AWS::IAM::Role' ? role_key(res) : null;
    r.check(`roles: ${file}:${i + 1}: block ${m[1]} sits in role ${P}-${m[1]}`, key === m[1], `it sits in ${id || 'no resource'} (${key ? `${P}-${key}` : 'not a project role'})`);
  });
}

for (const key of T.RUNTIME_ROLES) {
  const n = parsed.filter(({ text }) => new RegExp(`# BEGIN GENERATED POLICY ${key}\\s*$`, 'm').test(text)).length;
  r.check(`roles: the ${key} role's statements have exactly one generated block`, n === 1, `found ${n}`);
}

// ---- workflow definitions: each Task's integration is allowed to the state-machine role ----
const sm_acts = granted('state-machine');
const asl_dir = path.join(ROOT, 'cfn', 'workflow');
const asl_files = fs.existsSync(asl_dir) ? fs.readdirSync(asl_dir).filter((f) => f.endsWith('.asl.json')).sort() : [];
for (const f of asl_files) {
  const tasks = new Set();
  (function walk(n) {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.Type === 'Task' && typeof n.Resource === 'string') tasks.add(n.Resource);
      Object.values(n).forEach(walk);
    }
  }(JSON.parse(fs.readFileSync(path.join(asl_dir, f), 'utf8'))));
  for (const res of [...tasks].sort()) {
    let need = (rt.integrations || {})[res];
    const sdk = /^arn:aws:states:::aws-sdk:([a-z0-9-]+):([a-zA-Z0-9]+)$/.exec(res);
    if (!need && sdk) need = [`${sdk[1]}:${sdk[2][0].toUpperCase()}${sdk[2].slice(1)}`];
    r.check(`asl: ${f}: ${res} is a known integration`, !!need, 'add it to integrations in cfn/iam/resource-types.yml');
    if (!need) continue;
    const miss = need.filter((a) => !sm_acts.some((g) => glob(g, a)));
    r.check(`asl: ${f}: state-machine may ${res.replace('arn:aws:states:::', '')}`, !miss.length, `missing: ${miss.join(', ')}`);
  }
}

// ---- wildcards ----------------------------------------------------------------------
const bad_actions = [];
const bad_star = [];
const check_statement = (where, st) => {
  if (st.Effect !== 'Allow') return;
  for (const a of as_list(st.Action)) if (typeof a !== 'string' || a.includes('*') || a.includes('?')) bad_actions.push(`${where}: ${JSON.stringify(a)}`);
  if (st.NotAction !== undefined) bad_actions.push(`${where}: NotAction in an Allow`);
  if (st.NotResource !== undefined) bad_star.push(`${where}: NotResource in an Allow`);
  if (as_list(st.Resource).includes('*')) {
    for (const a of as_list(st.Action)) if (!GLOBAL.has(a)) bad_star.push(`${where}: ${a} on Resource "*"`);
  }
};
for (const role of T.ROLES) for (const p of role_policies(t, role)) for (const st of p.Statement) check_statement(`${role}:${st.Sid}`, st);
for (const x of identity) check_statement(`${x.where}${x.statement.Sid ? `:${x.statement.Sid}` : ''}`, x.statement);
const ops = template_load(OPERATORS);
for (const [name, res] of Object.entries(ops.Resources)) {
  for (const st of statements_of(res.Properties.PolicyDocument)) check_statement(`iam-operators.yml:${name}:${st.Sid}`, st);
}
r.check('wildcards: no "*" in any action, no NotAction in an Allow', !bad_actions.length, bad_actions.slice(0, 5).join('; '));
r.check('wildcards: Resource "*" only for actions without resource-level permissions', !bad_star.length, bad_star.slice(0, 5).join('; '));
const undocumented = t.statements.filter((s) => s.resources.includes('*') && !s.reason).map((s) => s.sid);
r.check('wildcards: every Resource "*" row says why', !undocumented.length, undocumented.join(', '));

// ---- size --------------------------------------------------------------------------------
const WORST = { ...ENV, ProjectName: 'x'.repeat(21), 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-4', 'AWS::Partition': 'aws-us-gov' };
/** Resolve a parsed template's policy (Fn::Sub, Ref, Fn::If as false) to JSON. */
function cfn_resolve(v) {
  if (Array.isArray(v)) return v.map(cfn_resolve).filter((x) => x !== undefined);
  if (v && typeof v === 'object') {
    if ('Fn::Sub' in v) return String(v['Fn::Sub']).replace(/\$\{!/g, '${').replace(/\$\{([^}]+)\}/g, (all, k) => (k in WORST ? WORST[k] : all));
    if ('Ref' in v) return v.Ref === 'AWS::NoValue' ? undefined : (WORST[v.Ref] !== undefined ? WORST[v.Ref] : 'x'.repeat(64));
    if ('Fn::If' in v) return cfn_resolve(v['Fn::If'][1]);
    const o = {};
    for (const k of Object.keys(v)) { const x = cfn_resolve(v[k]); if (x !== undefined) o[k] = x; }
    return o;
  }
  return v;
}
const size = (doc) => JSON.stringify(cfn_resolve(doc)).replace(/\s+/g, '').length;
let nmanaged = 0;
for (const [name, res] of Object.entries(ops.Resources)) {
  if (res.Type !== 'AWS::IAM::ManagedPolicy') continue;
  nmanaged++;
  const n = size(res.Properties.PolicyDocument);
  r.check(`size: iam-operators.yml ${name} is ${n} < ${G.POLICY_LIMIT} characters`, n < G.POLICY_LIMIT);
}
r.check('size: iam-operators.yml holds admin and user policies', nmanaged >= 2 && ['AdminPolicy1', 'UserPolicy1'].every((k) => ops.Resources[k]));
for (const { file, doc } of parsed) {
  for (const [name, res] of Object.entries(doc.Resources || {})) {
    if (res.Type !== 'AWS::IAM::Role') continue;
    const n = as_list(res.Properties.Policies).reduce((acc, p) => acc + (p && p.PolicyDocument ? size(p.PolicyDocument) : (p && p['Fn::If'] ? size(p['Fn::If'][1].PolicyDocument || {}) : 0)), 0);
    r.check(`size: ${file}:${name} inline policies ${n} < 10240 characters`, n < 10240);
  }
}
process.exit(r.failed ? 1 : 0);
