#!/usr/bin/env node
// cfn/iam/generate.js [--check] — `make policies`: from cfn/iam/actions.yml
// write
//   cfn/iam-operators.yml   the admin and user managed policies (own stack),
//                           each policy < 6,144 characters without
//                           whitespace, split into -1, -2, ... when needed;
//   the runtime roles' statements inside every
//     "# BEGIN GENERATED POLICY <role>" ... "# END GENERATED POLICY <role>"
//   block of cfn/**/*.yml (the block keeps the indentation of its first line);
//   the table in docs/iam.md between its GENERATED TABLE markers.
// Idempotent.  --check writes nothing and exits 1 naming each file that
// differs from what the table gives (a hand edit inside a block, a stale
// cfn/iam-operators.yml).  Exit 2 on a bad table or template.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('./table.js');

const ROOT = T.ROOT;
const OPERATORS = path.join(ROOT, 'cfn', 'iam-operators.yml');
const DOC = path.join(ROOT, 'docs', 'iam.md');
const POLICY_LIMIT = 6144; // IAM managed policy size, without whitespace
// worst-case values for the size count: the longest ProjectName the
// templates allow (21), a 12-digit account, long region and partition names
const WORST = { ProjectName: 'x'.repeat(21), 'AWS::AccountId': '123456789012', 'AWS::Region': 'ap-southeast-4',
  'AWS::Partition': 'aws-us-gov' };

// ---- a small YAML emitter for CloudFormation (short-form tags) ---------------
class Tag {
  constructor(tag, value) { this.tag = tag; this.value = value; }
}

const PLAIN_RE = /^[A-Za-z][A-Za-z0-9]*$/;
const RESERVED = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n']);

function emit_quote(s) { return `'${String(s).replace(/'/g, "''")}'`; }

/** A scalar's text: strings with ${...} become !Sub (IAM policy variables escaped). */
function emit_scalar(v) {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  const whole = /^\$\{([A-Za-z0-9]+(?:::[A-Za-z0-9]+)?)(\.[A-Za-z0-9.]+)?\}$/.exec(s);
  if (whole) return whole[2] ? `!GetAtt ${whole[1]}${whole[2]}` : `!Ref ${whole[1]}`;
  // !Sub only when CloudFormation has something to fill in; IAM policy
  // variables stay literal (escaped as ${!x} inside a !Sub)
  if (T.sub_refs(s).length) return `!Sub ${emit_quote(s.replace(T.POLICY_VAR_RE, '$${!$1}'))}`;
  if (PLAIN_RE.test(s) && !RESERVED.has(s.toLowerCase())) return s;
  return emit_quote(s);
}

function is_scalar(v) { return v === null || typeof v !== 'object'; }

/** Lines of v as the value of a key or list item at indent (spaces). */
function emit_block(v, indent) {
  const pad = ' '.repeat(indent);
  if (v instanceof Tag) {
    if (is_scalar(v.value)) return [`${pad}${v.tag} ${v.value}`];
    const inner = emit_block(v.value, indent);
    return [`${pad}${v.tag}`, ...inner];
  }
  if (Array.isArray(v)) {
    const out = [];
    for (const x of v) {
      if (is_scalar(x)) { out.push(`${pad}- ${emit_scalar(x)}`); continue; }
      if (x instanceof Tag && is_scalar(x.value)) { out.push(`${pad}- ${x.tag} ${x.value}`); continue; }
      const inner = emit_block(x, indent + 2);
      out.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
    }
    return out;
  }
  const out = [];
  for (const k of Object.keys(v)) {
    const x = v[k];
    const key = PLAIN_RE.test(k) ? k : emit_quote(k);
    if (is_scalar(x)) out.push(`${pad}${key}: ${emit_scalar(x)}`);
    else if (x instanceof Tag && is_scalar(x.value)) out.push(`${pad}${key}: ${x.tag} ${x.value}`);
    else if (x instanceof Tag) out.push(`${pad}${key}: ${x.tag}`, ...emit_block(x.value, indent + 2));
    else out.push(`${pad}${key}:`, ...emit_block(x, indent + 2));
  }
  return out;
}

// ---- statements --------------------------------------------------------------
/** Statement list items of role in a template with names (when -> !If). */
function role_items(t, role, names) {
  return T.table_statements(t, role, names).map(({ when, statement }) => {
    if (!when) return statement;
    if (!names.conditions.has(when)) throw new Error(`statement ${statement.Sid} needs condition ${when}, which the template lacks`);
    return new Tag('!If', [when, statement, new Tag('!Ref', 'AWS::NoValue')]);
  });
}

/** Policy size in characters without whitespace, ${...} filled with WORST. */
function policy_size(statements) {
  const fill = (s) => s.replace(/\$\{([^}]+)\}/g, (all, k) => (k in WORST ? WORST[k] : all));
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements }, (k, v) => (typeof v === 'string' ? fill(v) : v));
  return doc.replace(/\s+/g, '').length;
}

/** Split statements into policies under the limit (a statement too big alone is split by actions). */
function policy_split(statements, limit = POLICY_LIMIT) {
  const pieces = [];
  for (const st of statements) {
    if (policy_size([st]) < limit) { pieces.push(st); continue; }
    const acts = Array.isArray(st.Action) ? st.Action : [st.Action];
    if (acts.length < 2) throw new Error(`statement ${st.Sid} alone exceeds ${limit} characters`);
    const half = Math.ceil(acts.length / 2);
    pieces.push(...policy_split([{ ...st, Sid: `${st.Sid}A`, Action: acts.slice(0, half) },
      { ...st, Sid: `${st.Sid}B`, Action: acts.slice(half) }], limit));
  }
  const out = [[]];
  for (const st of pieces) {
    const cur = out[out.length - 1];
    if (cur.length && policy_size(cur.concat([st])) >= limit) out.push([st]);
    else cur.push(st);
  }
  return out;
}

// ---- cfn/iam-operators.yml ---------------------------------------------------
const WHO = {
  admin: 'deploys and tears down the gsa stacks (CloudFormation and the resources they hold, scoped to the project prefix); attach with the user policy for a full operator',
  user: 'runs the gsa workflows and reads their results and logs; nothing else',
};

function operators_text(t) {
  const names = { params: new Set(['ProjectName']), resources: new Set(), conditions: new Set() };
  const L = [];
  L.push('# cfn/iam-operators.yml — GENERATED by `make policies` from cfn/iam/actions.yml: do not edit.');
  L.push('# The operator policies: admin (deploy and tear down) and user (run and read).');
  L.push('# Deploy it as its own stack with IAM administrator rights (see docs/iam.md):');
  L.push('#   aws cloudformation deploy --stack-name iam-gsa-operators --template-file cfn/iam-operators.yml \\');
  L.push('#     --capabilities CAPABILITY_NAMED_IAM --parameter-overrides ProjectName=gsa');
  L.push("AWSTemplateFormatVersion: '2010-09-09'");
  L.push('Description: >-');
  L.push('  gsa operator policies generated from cfn/iam/actions.yml: the admin policy');
  L.push('  deploys and tears down the project stacks, the user policy runs workflows');
  L.push('  and reads results and logs. Every policy is scoped to the ProjectName prefix.');
  L.push('');
  const params = {
    ProjectName: { Type: 'String', Default: 'gsa', AllowedPattern: '^[a-z][a-z0-9-]{1,20}$',
      Description: 'Prefix of every gsa resource name (the same value as the other stacks).' },
  };
  const conds = {};
  for (const r of T.OPERATOR_ROLES) {
    const cap = r[0].toUpperCase() + r.slice(1);
    params[`${cap}Groups`] = { Type: 'String', Default: '', Description: `IAM group names (comma-separated) to attach the ${r} policies to; empty = none.` };
    params[`${cap}Roles`] = { Type: 'String', Default: '', Description: `IAM role names (comma-separated) to attach the ${r} policies to; empty = none.` };
    conds[`Has${cap}Groups`] = new Tag('!Not', [new Tag('!Equals', [new Tag('!Ref', `${cap}Groups`), ''])]);
    conds[`Has${cap}Roles`] = new Tag('!Not', [new Tag('!Equals', [new Tag('!Ref', `${cap}Roles`), ''])]);
  }
  L.push('Parameters:', ...emit_block(params, 2), '');
  L.push('Conditions:', ...emit_block(conds, 2), '');
  L.push('Resources:');
  const outputs = {};
  for (const role of T.OPERATOR_ROLES) {
    const cap = role[0].toUpperCase() + role.slice(1);
    const items = role_items(t, role, names);
    const parts = policy_split(items);
    const ids = [];
    parts.forEach((stmts, i) => {
      const id = `${cap}Policy${i + 1}`;
      ids.push(id);
      const res = {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: `\${ProjectName}-${role}-${i + 1}`,
          Description: `gsa ${role} (${i + 1} of ${parts.length}): ${WHO[role]}`.slice(0, 1000),
          Groups: new Tag('!If', [`Has${cap}Groups`, new Tag('!Split', [',', new Tag('!Ref', `${cap}Groups`)]), new Tag('!Ref', 'AWS::NoValue')]),
          Roles: new Tag('!If', [`Has${cap}Roles`, new Tag('!Split', [',', new Tag('!Ref', `${cap}Roles`)]), new Tag('!Ref', 'AWS::NoValue')]),
          PolicyDocument: { Version: '2012-10-17', Statement: stmts },
        },
      };
      L.push(`  # ${policy_size(stmts)} of ${POLICY_LIMIT} characters (without whitespace, longest names)`);
      L.push(`  ${id}:`, ...emit_block(res, 4), '');
    });
    outputs[`${cap}PolicyArns`] = {
      Description: `Attach all of these to a ${role}.`,
      Value: new Tag('!Join', [',', ids.map((id) => new Tag('!Ref', id))]),
    };
  }
  if (L[L.length - 1] === '') L.pop();
  L.push('', 'Outputs:', ...emit_block(outputs, 2));
  return `${L.join('\n')}\n`;
}

// ---- generated blocks in templates --------------------------------------------
const BEGIN_RE = /^(\s*)# BEGIN GENERATED POLICY (\S+)\s*$/;
const END_RE = /^\s*# END GENERATED POLICY (\S+)\s*$/;

/** Rewrite every generated block of a template text; returns the new text. */
function template_rewrite(t, text, file) {
  const names = T.template_names(text);
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN_RE.exec(lines[i]);
    out.push(lines[i]);
    if (!m) continue;
    const key = m[2];
    if (!T.RUNTIME_ROLES.includes(key)) throw new Error(`${file}:${i + 1}: unknown role key '${key}' (${T.RUNTIME_ROLES.join(', ')})`);
    let j = i + 1;
    while (j < lines.length && !END_RE.test(lines[j])) {
      if (BEGIN_RE.test(lines[j])) throw new Error(`${file}:${j + 1}: BEGIN inside the open block ${key}`);
      j++;
    }
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: BEGIN GENERATED POLICY ${key} is never closed`);
    if (END_RE.exec(lines[j])[1] !== key) throw new Error(`${file}:${j + 1}: END does not close ${key}`);
    const first = lines.slice(i + 1, j).find((l) => l.trim());
    const indent = first ? /^\s*/.exec(first)[0].length : m[1].length;
    let items;
    try { items = role_items(t, key, names); } catch (e) { throw new Error(`${file}: block ${key}: ${e.message}`); }
    if (!items.length) throw new Error(`${file}: block ${key}: the table has no statement for role ${key}`);
    out.push(...emit_block(items, indent));
    out.push(lines[j]);
    i = j;
  }
  return out.join('\n');
}

/** Every template file that may hold generated blocks. */
function template_files() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && p !== OPERATORS && !p.startsWith(__dirname)) out.push(p);
    }
  };
  walk(path.join(ROOT, 'cfn'));
  return out.sort();
}

// ---- docs/iam.md table ---------------------------------------------------------
const DOC_BEGIN = '<!-- BEGIN GENERATED TABLE (make policies) -->';
const DOC_END = '<!-- END GENERATED TABLE -->';

function doc_table(t) {
  const names = { params: new Set(['ProjectName']), resources: new Set(), conditions: new Set() };
  const L = [DOC_BEGIN, '', '| action | API calls | who | resources | condition / reason |', '| --- | --- | --- | --- | --- |'];
  const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const short = (s) => String(s).replace(/arn:\$\{AWS::Partition\}:/g, 'arn:…:').replace(/\$\{AWS::Region\}:\$\{AWS::AccountId\}/g, 'REGION:ACCOUNT')
    .replace(/\$\{AWS::AccountId\}/g, 'ACCOUNT').replace(/\$\{AWS::Region\}/g, 'REGION').replace(/\$\{ProjectName\}/g, 'gsa');
  for (const s of t.statements) {
    const res = s.resources.map((r) => `\`${short(T.table_expand(t, r, names))}\``).join('<br>');
    let extra = s.reason ? s.reason : '';
    if (s.condition) extra = `\`${short(JSON.stringify(s.condition))}\``;
    if (s.when) extra = `${extra ? `${extra}; ` : ''}only when ${s.when}`;
    for (const p of s.parsed) {
      L.push(`| \`${p.action}\` | ${p.apis.join(', ')} | ${s.roles.join(', ')} | ${cell(res)} | ${cell(extra)} |`);
    }
  }
  L.push('', DOC_END);
  return L.join('\n');
}

function doc_rewrite(t, text) {
  const a = text.indexOf(DOC_BEGIN);
  const b = text.indexOf(DOC_END);
  if (a < 0 || b < a) throw new Error(`${DOC}: no "${DOC_BEGIN}" ... "${DOC_END}" section`);
  return text.slice(0, a) + doc_table(t) + text.slice(b + DOC_END.length);
}

// ---- main ------------------------------------------------------------------------
/** {file: newText} for every file the table generates or rewrites. */
function generate_all(t) {
  const out = {};
  out[OPERATORS] = operators_text(t);
  for (const f of template_files()) {
    const text = fs.readFileSync(f, 'utf8');
    if (!/# BEGIN GENERATED POLICY /.test(text)) continue;
    out[f] = template_rewrite(t, text, path.relative(ROOT, f));
  }
  if (fs.existsSync(DOC)) out[DOC] = doc_rewrite(t, fs.readFileSync(DOC, 'utf8'));
  return out;
}

function main(argv) {
  const check = argv.includes('--check');
  let t;
  let files;
  try {
    t = T.table_load();
    files = generate_all(t);
  } catch (e) {
    process.stderr.write(`policies: ${e.message}\n`);
    return 2;
  }
  let stale = 0;
  for (const [f, text] of Object.entries(files)) {
    const old = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
    if (old === text) continue;
    const rel = path.relative(ROOT, f);
    if (check) {
      const a = (old || '').split('\n');
      const b = text.split('\n');
      let k = 0;
      while (k < a.length && k < b.length && a[k] === b[k]) k++;
      process.stdout.write(`${rel}:${k + 1}: differs from the table (run make policies): has ${JSON.stringify(a[k] || '')}, table gives ${JSON.stringify(b[k] || '')}\n`);
      stale++;
    } else {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(`${f}.tmp`, text);
      fs.renameSync(`${f}.tmp`, f);
      process.stdout.write(`policies: wrote ${rel}\n`);
    }
  }
  return stale ? 1 : 0;
}

module.exports = { generate_all, operators_text, template_rewrite, policy_size, policy_split, emit_block, Tag, POLICY_LIMIT };

if (require.main === module) process.exit(main(process.argv.slice(2)));
