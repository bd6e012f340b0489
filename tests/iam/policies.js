// tests/iam/policies.js — the policies each role gets, resolved to plain
// IAM JSON for the evaluator, in a test account: ProjectName gsa, account
// 111122223333, us-east-1.  Operator policies are the ones written into
// cfn/iam-operators.yml (split as there); a runtime role's statements are
// those its template's generated block holds (the generator in that
// template's context; iam_generated checks the files equal it), or, while
// no template has the role's block, the table's in the operators' context.
'use strict';
const fs = require('fs');
const path = require('path');
const T = require('../../cfn/iam/table.js');
const G = require('../../cfn/iam/generate.js');

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const P = 'gsa';
const ENV = {
  ProjectName: P,
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  ResultsBucketName: `${P}-results-${ACCOUNT}-${REGION}`,
  ArtifactsBucketName: `${P}-artifacts-${ACCOUNT}-${REGION}`,
  DefinitionBucket: `${P}-artifacts-${ACCOUNT}-${REGION}`,
  ImageRepositoryName: P,
  KmsKeyArn: '',
  'JobLogGroup.Arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/batch/${P}:*`,
  'BuildLogGroup.Arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/${P}:*`,
};
const CONDITIONS = { UseKms: false };

/** Resolve generator output (strings with ${...}, Tags) to plain JSON. */
function resolve(v, env = ENV, conds = CONDITIONS) {
  if (v instanceof G.Tag) {
    if (v.tag === '!If') {
      const [c, a, b] = v.value;
      if (!(c in conds)) throw new Error(`resolve: unknown condition ${c}`);
      return resolve(conds[c] ? a : b, env, conds);
    }
    if (v.tag === '!Ref' && v.value === 'AWS::NoValue') return undefined;
    throw new Error(`resolve: unsupported ${v.tag}`);
  }
  if (Array.isArray(v)) return v.map((x) => resolve(x, env, conds)).filter((x) => x !== undefined);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = resolve(v[k], env, conds);
    return o;
  }
  if (typeof v !== 'string') return v;
  return v.replace(/\$\{([^}]+)\}/g, (all, k) => {
    if (/^[a-z0-9-]+:[A-Za-z]/.test(k)) return all; // IAM policy variable: the evaluator fills it
    if (!(k in env)) throw new Error(`resolve: no test value for \${${k}}`);
    return env[k];
  });
}

/** Template files holding a generated block for role key. */
function role_templates(key) {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name) && new RegExp(`# BEGIN GENERATED POLICY ${key}\\s*$`, 'm').test(fs.readFileSync(p, 'utf8'))) files.push(p);
    }
  };
  walk(path.join(T.ROOT, 'cfn'));
  return files;
}

const OPERATOR_NAMES = { params: new Set(['ProjectName']), resources: new Set(), conditions: new Set() };

/** The resolved policy documents of role (a list; operators may be split). */
function role_policies(t, role) {
  if (T.OPERATOR_ROLES.includes(role)) {
    const stmts = T.table_statements(t, role, OPERATOR_NAMES).map((x) => x.statement);
    return G.policy_split(stmts).map((s) => ({ Version: '2012-10-17', Statement: resolve(s) }));
  }
  const files = role_templates(role);
  const names = files.length ? T.template_names(fs.readFileSync(files[0], 'utf8')) : OPERATOR_NAMES;
  const items = T.table_statements(t, role, names).map(({ when, statement }) => (when ? new G.Tag('!If', [when, statement, new G.Tag('!Ref', 'AWS::NoValue')]) : statement));
  return [{ Version: '2012-10-17', Statement: resolve(items) }];
}

/** A tiny TAP-ish reporter: ok/not ok lines, count of failures. */
function reporter() {
  let failed = 0;
  return {
    check(name, cond, detail) {
      if (cond) process.stdout.write(`ok ${name}\n`);
      else { failed++; process.stdout.write(`not ok ${name}\n${detail ? `#   ${detail}\n` : ''}`); }
    },
    get failed() { return failed; },
  };
}

module.exports = { ENV, ACCOUNT, REGION, P, resolve, role_policies, role_templates, reporter };
