// tests/cfn/template.js — read a CloudFormation template (YAML with the
// short-form tags !Ref, !Sub, !GetAtt ... or JSON) into the long form that
// CloudFormation itself sees ({"Ref": ...}, {"Fn::Sub": ...}), with the
// pinned `yaml` package from tests/node and the tags of cfn/lib/cfn-tags.cjs.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require(path.join(__dirname, '..', 'node', 'node_modules', 'yaml'));

const { CFN_TAGS: CUSTOM_TAGS } = require(path.join(__dirname, '..', '..', 'cfn', 'lib', 'cfn-tags.cjs'));

/** Parse template text; throws Error naming FILE and the first problem. */
function template_parse(text, file) {
  if (/^\s*[{[]/.test(text)) {
    try { return JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON: ${e.message}`); }
  }
  const doc = YAML.parseDocument(text, { customTags: CUSTOM_TAGS, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.warnings.length) throw new Error(`${file}: ${doc.warnings[0].message.split('\n')[0]}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** Read and parse FILE (see template_parse). */
function template_load(file) {
  return template_parse(fs.readFileSync(file, 'utf8'), file);
}

module.exports = { template_parse, template_load, YAML, CUSTOM_TAGS };
