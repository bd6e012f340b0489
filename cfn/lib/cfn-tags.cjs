// cfn/lib/cfn-tags.cjs — CloudFormation's short-form tags (!Ref x, !Sub "...",
// !GetAtt A.B, ...) as custom tags for the `yaml` package, each turned into
// the long form CloudFormation itself sees ({"Ref": x}, {"Fn::Sub": "..."}).
// One definition for every reader of our templates: the template checks in
// tests/cfn/ and the local workflow engine (cfn/workflow/local/jobdefs.mjs).
// No dependencies: the caller passes the tags to its own pinned `yaml`.
'use strict';

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

/** The custom-tag list for yaml's parse options ({customTags: CFN_TAGS}). */
const CFN_TAGS = [];
for (const short of Object.keys(FUNCS)) {
  CFN_TAGS.push(tag_make(short));
  CFN_TAGS.push(tag_make(short, 'seq'));
  CFN_TAGS.push(tag_make(short, 'map'));
}

module.exports = { CFN_TAGS };
