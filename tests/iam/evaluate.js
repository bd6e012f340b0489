// tests/iam/evaluate.js — a small IAM policy evaluator for the tests: does a
// set of identity policies allow (action, resource, context)?
//
// Supported: Effect Allow/Deny (an explicit Deny wins, no match = implicit
// deny); Action/NotAction and Resource/NotResource with * and ? wildcards
// (actions case-insensitively); IAM policy variables ${key} in resources and
// condition values, filled from the request context (a missing key makes
// the statement not match, as in IAM); condition operators StringEquals,
// StringNotEquals, StringEqualsIgnoreCase, StringLike, StringNotLike,
// ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Bool, Null, with the
// ...IfExists suffix and the ForAnyValue:/ForAllValues: prefixes.
// Unsupported operators throw, so a policy using one cannot pass silently.
'use strict';

const as_list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Glob match with * (any run) and ? (one character). */
function glob_match(pattern, value, ignore_case = false) {
  let re = '';
  for (const ch of String(pattern)) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, ignore_case ? 'is' : 's').test(String(value));
}

/** Replace ${key} policy variables from ctx; null when one is missing. */
function fill_vars(s, ctx) {
  let missing = false;
  const out = String(s).replace(/\$\{([^}]+)\}/g, (all, k) => {
    if (k === '*' || k === '?' || k === '$') return k; // ${*} ${?} ${$}: literal characters
    const v = ctx[k];
    if (v === undefined || Array.isArray(v)) { missing = true; return all; }
    return String(v);
  });
  return missing ? null : out;
}

/** ARN match, segment by segment (the resource part may hold ':'). */
function arn_match(pattern, value) {
  const p = String(pattern).split(':');
  const v = String(value).split(':');
  if (p.length < 6 || v.length < 6) return glob_match(pattern, value);
  for (let i = 0; i < 5; i++) if (!glob_match(p[i], v[i])) return false;
  return glob_match(p.slice(5).join(':'), v.slice(5).join(':'));
}

const BASE_OPS = {
  StringEquals: (p, v) => String(p) === String(v),
  StringNotEquals: (p, v) => String(p) === String(v),
  StringEqualsIgnoreCase: (p, v) => String(p).toLowerCase() === String(v).toLowerCase(),
  StringNotEqualsIgnoreCase: (p, v) => String(p).toLowerCase() === String(v).toLowerCase(),
  StringLike: (p, v) => glob_match(p, v),
  StringNotLike: (p, v) => glob_match(p, v),
  ArnEquals: (p, v) => String(p) === String(v),
  ArnNotEquals: (p, v) => String(p) === String(v),
  ArnLike: (p, v) => arn_match(p, v),
  ArnNotLike: (p, v) => arn_match(p, v),
  Bool: (p, v) => String(p).toLowerCase() === String(v).toLowerCase(),
};
const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

/** Does one condition operator block hold for ctx? */
function condition_op(opname, block, ctx) {
  let op = opname;
  let set = null;
  const m = /^(ForAnyValue|ForAllValues):(.+)$/.exec(op);
  if (m) { set = m[1]; op = m[2]; }
  let if_exists = false;
  if (op.endsWith('IfExists')) { if_exists = true; op = op.slice(0, -'IfExists'.length); }
  for (const [key, want] of Object.entries(block)) {
    const have = ctx[key];
    if (op === 'Null') {
      const is_null = have === undefined;
      if (as_list(want).every((w) => String(w).toLowerCase() === 'true') !== is_null) return false;
      continue;
    }
    const match = BASE_OPS[op];
    if (!match) throw new Error(`evaluate: unsupported condition operator ${opname}`);
    const negated = NEGATED.has(op);
    if (have === undefined) {
      if (if_exists) continue;
      if (negated || set === 'ForAllValues') continue; // no value: nothing contradicts
      return false;
    }
    const patterns = [];
    for (const w of as_list(want)) {
      const f = fill_vars(w, ctx);
      if (f !== null) patterns.push(f);
    }
    const any = (v) => patterns.some((p) => match(p, v));
    const values = as_list(have);
    let ok;
    if (set === 'ForAllValues') ok = values.every((v) => (negated ? !any(v) : any(v)));
    else if (set === 'ForAnyValue') ok = values.some((v) => (negated ? !any(v) : any(v)));
    else ok = negated ? !values.some(any) : values.some(any);
    if (!ok) return false;
  }
  return true;
}

/** Does statement st apply to (action, resource, ctx)? */
function statement_matches(st, action, resource, ctx) {
  if (st.Action !== undefined && st.NotAction !== undefined) throw new Error('evaluate: Action and NotAction in one statement');
  if (st.Action !== undefined) {
    if (!as_list(st.Action).some((a) => glob_match(a, action, true))) return false;
  } else if (st.NotAction !== undefined) {
    if (as_list(st.NotAction).some((a) => glob_match(a, action, true))) return false;
  } else throw new Error('evaluate: statement without Action or NotAction');
  const res_match = (pats) => as_list(pats).some((p) => {
    const f = fill_vars(p, ctx);
    return f !== null && arn_match(f, resource);
  });
  if (st.Resource !== undefined) {
    if (!res_match(st.Resource)) return false;
  } else if (st.NotResource !== undefined) {
    if (res_match(st.NotResource)) return false;
  } else throw new Error('evaluate: statement without Resource or NotResource');
  for (const [op, block] of Object.entries(st.Condition || {})) {
    if (!condition_op(op, block, ctx)) return false;
  }
  return true;
}

/**
 * Evaluate policies (a list of policy documents or statement lists) for one
 * request.  Returns 'allow', 'explicit-deny' or 'implicit-deny'.
 */
function policy_evaluate(policies, action, resource, ctx = {}) {
  let allowed = false;
  for (const p of policies) {
    const stmts = Array.isArray(p) ? p : as_list(p.Statement);
    for (const st of stmts) {
      if (!statement_matches(st, action, resource, ctx)) continue;
      if (st.Effect === 'Deny') return 'explicit-deny';
      if (st.Effect === 'Allow') allowed = true;
      else throw new Error(`evaluate: bad Effect ${st.Effect}`);
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

module.exports = { policy_evaluate, glob_match, arn_match, statement_matches };
