// tests/cfn/template.js — read a CloudFormation template (YAML with the
// short-form tags !Ref, !Sub, !GetAtt ... or JSON) into the long form that
// CloudFormation itself sees ({"Ref": ...}, {"Fn::Sub": ...}), with the
// pinned `yaml` package from tests/node.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require(path.join(__dirname, '..', 'node', 'node_modules', 'yaml'));

// short tag -> long function name; every one may be scalar, sequence or map
const FUNCS = {
  Ref: 'Ref', Condition: 'Condition', Sub: 'Fn::Sub', GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join', Select: 'Fn::Select', Split: 'Fn::Split', If: 'Fn::If',
  Equals: 'Fn::Equals', Not: 'Fn::Not', And: 'Fn::And', Or: 'Fn::Or',
  FindInMap: 'Fn::FindInMap', Base64: 'Fn::Base64', GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue', Cidr: 'Fn::Cidr', Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
};

function tag_make(short, collection) {
  const long = FUNCS[short];
  const t = {
    tag: `!${short}`,
    resolve(value) {
      let v = (value && typeof value.toJSON === 'function') ? value.toJSON() : value;
      // !GetAtt A.B is the list [A, B] (the attribute may itself hold dots)
      if (long === 'Fn::GetAtt' && typeof v === 'string') {
        const dot = v.indexOf('.');
        v = dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)];
      }
      return { [long]: v };
    },
  };
  if (collection) t.collection = collection;
  return t;
}

const CUSTOM_TAGS = [];
for (const short of Object.keys(FUNCS)) {
  CUSTOM_TAGS.push(tag_make(short));
  CUSTOM_TAGS.push(tag_make(short, 'seq'));
  CUSTOM_TAGS.push(tag_make(short, 'map'));
}

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
