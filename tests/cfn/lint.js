#!/usr/bin/env node
// tests/cfn/lint.js TEMPLATE... — the npm cfn-lint (tests/node, 1.9.x) run
// against the current CloudFormation resource specification from
// @aws-cdk/cfnspec instead of the 2019 one it bundles (which rejects valid
// Batch and Step Functions properties).  cfn-lint reads the specification
// through the module object of lib/awsData.js at validation time, so
// replacing that object's `awsResources` before validating is enough.  The
// bundled parameter-type table lacks the SSM parameter types; they are
// added as strings.
//
// cfn-lint 1.9.7 loses its place in the template after an Fn::If whose
// chosen branch is a plain object (recursiveDecent pops its path once too
// often), and then flags every later intrinsic function.  So each template
// is linted twice, with every condition true and with every condition
// false: Fn::If is resolved here for that scenario (AWS::NoValue removes
// the key or list item) and the validator never sees an Fn::If.
//
// Prints one line per finding; exit 1 when any template has a critical
// finding in either scenario, 2 on usage errors.
'use strict';
const path = require('path');
const NODE = path.join(__dirname, '..', 'node', 'node_modules');
const awsData = require(path.join(NODE, 'cfn-lint', 'lib', 'awsData.js'));
const api = require(path.join(NODE, 'cfn-lint', 'lib', 'api.js'));
const spec = require(path.join(NODE, '@aws-cdk', 'cfnspec', 'spec', 'specification.json'));
const { template_load } = require('./template.js');

const NOVALUE = Symbol('NoValue');

/** A copy of NODE with every Fn::If resolved to the branch COND picks. */
function lint_resolve_if(node, cond) {
  if (Array.isArray(node)) {
    return node.map((x) => lint_resolve_if(x, cond)).filter((x) => x !== NOVALUE);
  }
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'Ref' && node.Ref === 'AWS::NoValue') return NOVALUE;
  if (keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(node['Fn::If']) && node['Fn::If'].length === 3) {
    return lint_resolve_if(node['Fn::If'][cond ? 1 : 2], cond);
  }
  const out = {};
  for (const k of keys) {
    const v = lint_resolve_if(node[k], cond);
    if (v !== NOVALUE) out[k] = v;
  }
  return out;
}

/** Point cfn-lint at the cfnspec specification; returns its version. */
function lint_use_spec() {
  awsData.awsResources = spec;
  for (const t of ['String', 'AWS::EC2::Image::Id', 'List<String>']) {
    awsData.awsParameterTypes[`AWS::SSM::Parameter::Value<${t}>`] =
      t.startsWith('List<') ? 'array' : 'string';
  }
  return spec.ResourceSpecificationVersion;
}

/** Parameter values for the linter where its own guesses are wrong: an ARN
 *  for a parameter without default named *Arn (it would guess a plain
 *  string where an ARN is expected), and an empty list for a
 *  CommaDelimitedList whose default is '' (valid in CloudFormation; the
 *  linter splits '' into [''] and calls it an extra comma). */
function lint_params(tpl) {
  const out = {};
  for (const [name, p] of Object.entries(tpl.Parameters || {})) {
    if (p.Default === undefined && /Arn$/.test(name)) out[name] = `arn:aws:iam::123456789012:role/lint-${name}`;
    if (p.Type === 'CommaDelimitedList' && p.Default === '') out[name] = [];
  }
  return out;
}

function main(argv) {
  if (argv.length === 0) {
    process.stderr.write('usage: tests/cfn/lint.js TEMPLATE...\n');
    return 2;
  }
  const version = lint_use_spec();
  let bad = 0;
  for (const file of argv) {
    let tpl;
    try {
      tpl = template_load(file);
    } catch (e) {
      process.stdout.write(`${e.message}\n`);
      bad++;
      continue;
    }
    let crit = 0;
    for (const cond of [true, false]) {
      let res;
      try {
        res = api.validateJsonObject(lint_resolve_if(tpl, cond), { parameters: lint_params(tpl) });
      } catch (e) {
        process.stdout.write(`${file}: conditions ${cond}: cfn-lint failed: ${String(e.message).split('\n')[0]}\n`);
        crit++;
        continue;
      }
      for (const level of ['crit', 'warn']) {
        for (const e of res.errors[level]) {
          process.stdout.write(`${file}: conditions ${cond}: ${level}: ${e.resource}: ${e.message}\n`);
        }
      }
      if (!res.templateValid || res.errors.crit.length) crit++;
    }
    if (crit) bad++;
    else process.stdout.write(`${file}: valid (cfn-lint ${require(path.join(NODE, 'cfn-lint', 'package.json')).version}, specification ${version})\n`);
  }
  return bad ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
