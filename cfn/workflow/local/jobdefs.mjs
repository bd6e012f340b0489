// jobdefs.mjs — the Batch job definitions of cfn/jobs.yml, as the local engine
// runs them: Command, Environment, RetryStrategy and attempt timeout, with
// !Ref / !Sub of the template's Parameters resolved to their defaults.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// CloudFormation's short tags, shared with the template checks in tests/cfn/
import { CFN_TAGS } from '../../lib/cfn-tags.cjs';

function resolve(value, params, file) {
	if (Array.isArray(value)) return value.map((v) => resolve(v, params, file));
	if (value && typeof value === 'object') {
		if ('Ref' in value) {
			if (!(value.Ref in params)) throw new Error(`${file}: !Ref ${value.Ref}: no such parameter with a default`);
			return params[value.Ref];
		}
		if ('Fn::Sub' in value) {
			const s = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'][0] : value['Fn::Sub'];
			return s.replace(/\$\{([^}!]+)\}/g, (m, k) => {
				if (!(k in params)) throw new Error(`${file}: !Sub ${k}: no such parameter with a default`);
				return String(params[k]);
			});
		}
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = resolve(v, params, file);
		return out;
	}
	return value;
}

/* {byName: {AlignSort: {command, environment, retryStrategy, timeout}, ...}}:
 * every AWS::Batch::JobDefinition resource NameJobDefinition of the template.
 * The result is kept in cacheDir (when given) under the sha256 of the
 * template's text, so a run whose template did not change skips the YAML
 * parser (~0.1 s). */
export async function loadJobDefinitions(file, cacheDir) {
	const text = readFileSync(file, 'utf8');
	const cached = cacheDir && path.join(cacheDir, `jobs-${createHash('sha256').update(text).digest('hex')}.json`);
	if (cached) {
		try { return JSON.parse(readFileSync(cached, 'utf8')); } catch { /* not there yet */ }
	}
	const result = await parseJobDefinitions(file, text);
	if (cached) {
		try {
			mkdirSync(cacheDir, { recursive: true });
			writeFileSync(`${cached}.${process.pid}.tmp`, JSON.stringify(result));
			renameSync(`${cached}.${process.pid}.tmp`, cached);
		} catch { /* a read-only install: parse every time */ }
	}
	return result;
}

async function parseJobDefinitions(file, text) {
	const { default: YAML } = await import('yaml');
	const doc = YAML.parse(text, { customTags: CFN_TAGS });
	const params = {};
	for (const [k, p] of Object.entries(doc.Parameters || {})) if (p.Default !== undefined) params[k] = p.Default;
	const byName = {};
	for (const [id, res] of Object.entries(doc.Resources || {})) {
		if (res.Type !== 'AWS::Batch::JobDefinition') continue;
		const name = id.replace(/JobDefinition$/, '');
		const props = res.Properties || {};
		const c = props.ContainerProperties || {};
		const cmd = c.Command;
		if (!Array.isArray(cmd) || cmd.some((a) => typeof a !== 'string'))
			throw new Error(`${file}: ${id}: ContainerProperties.Command must be a list of strings`);
		const timeout = resolve(props.Timeout?.AttemptDurationSeconds, params, file);
		byName[name] = {
			command: cmd,
			environment: resolve(c.Environment || [], params, file),
			retryStrategy: resolve(props.RetryStrategy || null, params, file),
			timeout: Number(timeout) > 0 ? Number(timeout) : 86400,
		};
	}
	return { byName };
}
