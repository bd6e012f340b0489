// cfn/iam/table.js — read and check cfn/iam/actions.yml (the action table)
// and turn its rows into IAM statements for one role in one template's
// context.  Used by the generator (generate.js) and the tests (tests/iam/).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const YAML = require(path.join(ROOT, 'tests', 'node', 'node_modules', 'yaml'));

const ROLES = ['admin', 'user', 'job', 'execution', 'instance', 'state-machine', 'codebuild', 'codepipeline', 'cfn-deploy'];
const OPERATOR_ROLES = ['admin', 'user'];
const RUNTIME_ROLES = ROLES.filter((r) => !OPERATOR_ROLES.includes(r));
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition',
  'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
// "service:Action" or "service:Action (API calls it authorises)"
const ACTION_RE = /^([a-z0-9-]+):([A-Za-z0-9]+)(?:\s+\((.+)\))?$/;
// an IAM policy variable inside a string: ${ec2:SourceInstanceARN}, ${aws:username}
const POLICY_VAR_RE = /\$\{([a-z0-9-]+:[A-Za-z][A-Za-z0-9/:_-]*)\}/g;

/** Parse "s3:GetObject (GetObject, HeadObject)" -> {action, apis}. */
function table_parse_action(text) {
  const m = ACTION_RE.exec(String(text).trim());
  if (!m) return null;
  const apis = m[3] ? m[3].split(/[,\s]+/).filter((x) => /^[A-Z][A-Za-z0-9]*$/.test(x)) : [];
  return { action: `${m[1]}:${m[2]}`, service: m[1], apis };
}

/** Load and validate the table; throws Error("FILE: ...") on the first problem. */
function table_load(file = path.join(__dirname, 'actions.yml')) {
  const text = fs.readFileSync(file, 'utf8');
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message.split('\n')[0]}`);
  const t = doc.toJS();
  const bad = (msg) => { throw new Error(`${file}: ${msg}`); };
  if (!t || typeof t !== 'object') bad('not a mapping');
  for (const k of ['vars', 'senders', 'statements']) if (!t[k]) bad(`no '${k}'`);
  for (const [v, alts] of Object.entries(t.vars)) {
    if (!Array.isArray(alts) || !alts.length || alts.some((a) => typeof a !== 'string')) bad(`vars.${v}: a list of strings`);
  }
  for (const [f, roles] of Object.entries(t.senders)) {
    if (!Array.isArray(roles) || roles.some((r) => !ROLES.includes(r))) bad(`senders.${f}: unknown role in ${JSON.stringify(roles)}`);
  }
  const sids = new Set();
  t.statements.forEach((s, i) => {
    const where = `statements[${i}]${s && s.sid ? ` (${s.sid})` : ''}`;
    if (!s || typeof s !== 'object') bad(`${where}: not a mapping`);
    for (const k of Object.keys(s)) {
      if (!['sid', 'roles', 'actions', 'resources', 'condition', 'reason', 'when'].includes(k)) bad(`${where}: unknown key '${k}'`);
    }
    if (!/^[A-Za-z0-9]+$/.test(s.sid || '')) bad(`${where}: sid must be alphanumeric`);
    if (sids.has(s.sid)) bad(`${where}: sid used twice`);
    sids.add(s.sid);
    if (!Array.isArray(s.roles) || !s.roles.length) bad(`${where}: roles must be a non-empty list`);
    for (const r of s.roles) if (!ROLES.includes(r)) bad(`${where}: unknown role '${r}' (${ROLES.join(', ')})`);
    if (!Array.isArray(s.actions) || !s.actions.length) bad(`${where}: actions must be a non-empty list`);
    s.parsed = s.actions.map((a) => table_parse_action(a) || bad(`${where}: action '${a}' is not "service:Action"`));
    if (!Array.isArray(s.resources) || !s.resources.length) bad(`${where}: resources must be a non-empty list`);
    if (s.resources.includes('*')) {
      if (s.resources.length !== 1) bad(`${where}: "*" must be the only resource`);
      if (!s.reason || String(s.reason).length < 10) bad(`${where}: Resource "*" needs the reason AWS requires it`);
    }
    for (const r of s.resources) {
      for (const m of String(r).matchAll(/\$\{([A-Za-z0-9]+)\}/g)) {
        if (!(m[1] in t.vars) && !/^[A-Z]/.test(m[1])) bad(`${where}: unknown var \${${m[1]}}`);
      }
    }
  });
  return t;
}

/** The ${NAME} references of a Sub string (not ${!x}, not IAM policy variables). */
function sub_refs(s) {
  const out = [];
  for (const m of String(s).matchAll(/\$\{([^}!]+)\}/g)) {
    if (/^[a-z0-9-]+:[A-Za-z]/.test(m[1])) continue; // IAM policy variable
    out.push(m[1]);
  }
  return out;
}

/** Is ${ref} defined where names = {params:Set, resources:Set}? */
function ref_defined(ref, names) {
  if (PSEUDO.has(ref)) return true;
  if (names.params.has(ref)) return true;
  const base = ref.split('.')[0];
  return names.resources.has(base);
}

/** Expand the table's ${Var}s in s for a template with these names. */
function table_expand(t, s, names) {
  return String(s).replace(/\$\{([A-Za-z0-9]+)\}/g, (all, v) => {
    if (!(v in t.vars)) return all;
    const alts = t.vars[v];
    const pick = alts.find((a) => sub_refs(a).every((r) => ref_defined(r, names)));
    return pick !== undefined ? pick : alts[alts.length - 1];
  });
}

/** Expand vars inside a condition block (values may be strings or lists). */
function expand_deep(t, v, names) {
  if (Array.isArray(v)) return v.map((x) => expand_deep(t, x, names));
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = expand_deep(t, v[k], names);
    return o;
  }
  return typeof v === 'string' ? table_expand(t, v, names) : v;
}

/** The rows of the table for role, in table order. */
function table_rows(t, role) {
  return t.statements.filter((s) => s.roles.includes(role));
}

/**
 * Statements of role for a template with names {params, resources}: a list
 * of {sid, when, statement} where statement is plain JS with strings that
 * may hold ${...} (the emitter makes those !Sub).  Each action appears once.
 */
function table_statements(t, role, names) {
  return table_rows(t, role).map((s) => {
    const actions = [...new Set(s.parsed.map((p) => p.action))];
    const st = { Sid: s.sid, Effect: 'Allow', Action: actions.length === 1 ? actions[0] : actions };
    const res = s.resources.map((r) => table_expand(t, r, names));
    st.Resource = res.length === 1 ? res[0] : res;
    if (s.condition) st.Condition = expand_deep(t, s.condition, names);
    return { sid: s.sid, when: s.when || null, statement: st };
  });
}

/** Names defined by a template's text: top-level Parameters and Resources keys. */
function template_names(text) {
  const names = { params: new Set(), resources: new Set(), conditions: new Set() };
  let section = null;
  for (const line of text.split('\n')) {
    const top = /^([A-Za-z]+):/.exec(line);
    if (top) { section = top[1]; continue; }
    const m = /^ {2}([A-Za-z0-9]+):/.exec(line);
    if (!m) continue;
    if (section === 'Parameters') names.params.add(m[1]);
    else if (section === 'Resources') names.resources.add(m[1]);
    else if (section === 'Conditions') names.conditions.add(m[1]);
  }
  return names;
}

module.exports = {
  ROOT, YAML, ROLES, OPERATOR_ROLES, RUNTIME_ROLES, PSEUDO, POLICY_VAR_RE,
  table_load, table_parse_action, table_statements, table_rows, table_expand, template_names, sub_refs, ref_defined,
};
