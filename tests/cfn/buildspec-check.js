#!/usr/bin/env node
// tests/cfn/buildspec-check.js [--root DIR] BUILDSPEC... — every CodeBuild
// buildspec parses (version 0.2, phases with command lists) and each command
// is either `make TARGET...` with targets the repository's Makefile defines,
// or an executable script of the repository (optionally after `bash`), with
// at most leading VAR=value assignments.  No shell operators: what CI runs
// is what a developer runs.  One line per problem; exit 1 if any, 2 usage.
'use strict';
const fs = require('fs');
const path = require('path');
const { YAML } = require('./template.js');

const PHASES = new Set(['install', 'pre_build', 'build', 'post_build']);

/** Targets defined by the Makefile in ROOT (and its tools/*\/tool.mk). */
function buildspec_make_targets(root) {
  const files = [path.join(root, 'Makefile')];
  const tdir = path.join(root, 'tools');
  if (fs.existsSync(tdir)) {
    for (const t of fs.readdirSync(tdir)) {
      const mk = path.join(tdir, t, 'tool.mk');
      if (fs.existsSync(mk)) files.push(mk);
    }
  }
  const targets = new Set();
  for (const f of files) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      const m = /^([A-Za-z0-9_.\/ -]+?)\s*::?(?!=)/.exec(line);
      if (!m || line.startsWith('\t')) continue;
      for (const t of m[1].trim().split(/\s+/)) if (t && !t.includes('%') && !t.startsWith('.')) targets.add(t);
    }
  }
  return targets;
}

/** Problems with one command line of a buildspec. */
function buildspec_check_command(cmd, root, targets) {
  if (typeof cmd !== 'string' || !cmd.trim()) return ['a command that is not a non-empty string'];
  if (/[;&|<>`$(){}\\\n]/.test(cmd)) return [`'${cmd}': shell operators or expansions; call a script instead`];
  let words = cmd.trim().split(/\s+/);
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words = words.slice(1);
  if (!words.length) return [`'${cmd}': only assignments`];
  if (words[0] === 'make') {
    const goals = words.slice(1).filter((w) => !w.startsWith('-') && !w.includes('='));
    if (words.slice(1).some((w) => w === '-C' || w.startsWith('--directory') || w === '-f' || w.startsWith('--file'))) {
      return [`'${cmd}': make runs the repository's own Makefile only`];
    }
    const missing = goals.filter((g) => !targets.has(g));
    if (!goals.length) return [`'${cmd}': name the make target`];
    return missing.map((g) => `'${cmd}': the Makefile has no target '${g}'`);
  }
  if (words[0] === 'bash' || words[0] === 'sh') words = words.slice(1);
  const script = words[0];
  if (!script || path.isAbsolute(script) || script.split('/').includes('..')) {
    return [`'${cmd}': neither a make target nor a script of the repository`];
  }
  const file = path.join(root, script);
  let st;
  try { st = fs.statSync(file); } catch (e) { return [`'${cmd}': ${script} does not exist in the repository`]; }
  if (!st.isFile()) return [`'${cmd}': ${script} is not a file`];
  if (cmd.trim().split(/\s+/).find((w) => !/=/.test(w)) !== 'bash' && !(st.mode & 0o111)) {
    return [`'${cmd}': ${script} is not executable`];
  }
  return [];
}

/** Problems with one buildspec file. */
function buildspec_check_file(file, root, targets) {
  const out = [];
  let doc;
  try {
    const d = YAML.parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
    if (d.errors.length) return [`${file}: ${d.errors[0].message.split('\n')[0]}`];
    doc = d.toJS();
  } catch (e) { return [`${file}: ${e.message.split('\n')[0]}`]; }
  if (!doc || typeof doc !== 'object') return [`${file}: not a mapping`];
  if (String(doc.version) !== '0.2') out.push(`${file}: version is ${JSON.stringify(doc.version)}, not 0.2`);
  const phases = doc.phases;
  if (!phases || typeof phases !== 'object') return out.concat(`${file}: no phases`);
  let n = 0;
  for (const [name, ph] of Object.entries(phases)) {
    if (!PHASES.has(name)) { out.push(`${file}: unknown phase '${name}'`); continue; }
    const cmds = (ph || {}).commands;
    if (!Array.isArray(cmds) || !cmds.length) { out.push(`${file}: phase ${name} has no command list`); continue; }
    for (const c of cmds) { n++; for (const e of buildspec_check_command(c, root, targets)) out.push(`${file}: ${name}: ${e}`); }
  }
  if (!n) out.push(`${file}: no commands`);
  return out;
}

function main(argv) {
  let root = path.join(__dirname, '..', '..');
  if (argv[0] === '--root') { root = argv[1]; argv = argv.slice(2); }
  if (!argv.length) { process.stderr.write('usage: tests/cfn/buildspec-check.js [--root DIR] BUILDSPEC...\n'); return 2; }
  const targets = buildspec_make_targets(root);
  const problems = [];
  for (const f of argv) problems.push(...buildspec_check_file(f, root, targets));
  for (const p of problems) process.stdout.write(p + '\n');
  if (!problems.length) process.stdout.write(`${argv.length} buildspec(s): every command is a make target or a repository script\n`);
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { buildspec_check_file, buildspec_check_command, buildspec_make_targets };
