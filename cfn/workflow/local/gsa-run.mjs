// gsa-run — run cfn/workflow/*.asl.json on this machine, with the same input
// JSON that `aws stepfunctions start-execution` takes.  See README.md here.
//
// The ASL runs in aws-local-stepfunctions.  Every Task is overridden by state
// name:
//   batch:submitJob.sync          a local `job` process running exactly the
//                                 Command of the job definition in cfn/jobs.yml
//                                 (ContainerOverrides applied: Environment, and
//                                 Command if given), with the definition's
//                                 RetryStrategy and attempt timeout
//   aws-sdk:s3:getObject          the object through `s3-stage`, or a local file
//                                 when Bucket is empty
//   states:startExecution.sync:2  the nested workflow, in this process
// No shell anywhere: values reach `job` through its environment, and `job`
// expands ${NAME} into argv itself.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node >= 22)
if (typeof Promise.withResolvers !== 'function') {
	Promise.withResolvers = function withResolvers() {
		let resolve, reject;
		const promise = new this((res, rej) => { resolve = res; reject = rej; });
		return { promise, resolve, reject };
	};
}
const { StateMachine, ExecutionError } = await import('aws-local-stepfunctions').catch(() => {
	process.stderr.write('gsa-run: the local workflow engine is not installed (run scripts/deps.sh workflow, or make run)\n');
	process.exit(3);
});
const { loadJobDefinitions } = await import('./jobdefs.mjs');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const USAGE = `Usage: gsa-run [options] INPUT.json [INPUT2.json ...]

Runs a gsa workflow (cfn/workflow/*.asl.json) on this machine: Batch jobs become
local 'job' processes running the command lines of cfn/jobs.yml.  Several inputs
run one after the other.  The workflow follows from the input: {"samples": [...]}
is a cohort, {"sample_id": ...} one sample, {"reference": ...} alone the
reference index.

  -w, --workflow NAME    sample, reference or cohort (instead of guessing)
      --workdir DIR      where jobs make their work folders (default: TMPDIR)
      --logs DIR         one log file per job attempt (default: a temp folder)
      --name NAME        execution name (default local-<time>-<pid>)
      --cfn DIR          the folder holding jobs.yml and workflow/*.asl.json
                         (default: this repository's cfn/)
  -q, --quiet            only the per-job lines
  -h, --help

Environment: GSA_BIN (the tools; default build/bin), GSA_RUN_MAX_THREADS (cap
on a job's THREADS; default the number of cores), S3 as for job
(AWS_ENDPOINT_URL_S3, credentials).  Exit: 0 done, 1 usage, 2 bad input,
3 unreadable input file, else the failing job's exit code (5 when none; a
cohort whose execution succeeded with failed samples exits so too).`;

// a message as one line: control characters (a newline from the input) shown escaped
function oneLine(msg) {
	return String(msg).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
function die(code, msg) { process.stderr.write(`gsa-run: ${oneLine(msg)}\n`); process.exit(code); }

function parseArgs(argv) {
	const o = { cfn: path.join(ROOT, 'cfn'), workflow: null, workdir: null, logs: null, name: null, quiet: false, inputs: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--') { o.inputs.push(...argv.slice(i + 1)); break; }
		const val = () => { if (i + 1 >= argv.length) die(1, `${a} needs a value`); return argv[++i]; };
		if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0); }
		else if (a === '-w' || a === '--workflow') o.workflow = val();
		else if (a === '--workdir') o.workdir = val();
		else if (a === '--logs') o.logs = val();
		else if (a === '--name') o.name = val();
		else if (a === '--cfn') o.cfn = path.resolve(val());
		else if (a === '-q' || a === '--quiet') o.quiet = true;
		else if (a.startsWith('-') && a !== '-') die(1, `unknown option '${a}' (see --help)`);
		else o.inputs.push(a);
	}
	if (!o.inputs.length) die(1, 'expected an input JSON file (see --help)');
	if (o.workflow && !['sample', 'reference', 'cohort'].includes(o.workflow))
		die(1, `--workflow: expected sample, reference or cohort, got '${o.workflow}'`);
	return o;
}

// ---- the ASL with its DefinitionSubstitutions -----------------------------
function loadAsl(cfn, name, subst) {
	const file = path.join(cfn, 'workflow', `${name}.asl.json`);
	const text = readFileSync(file, 'utf8').replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, k) => {
		if (!(k in subst)) throw new Error(`${file}: unknown DefinitionSubstitution \${${k}}`);
		return subst[k];
	});
	return JSON.parse(text);
}

// Task states by name, with their definitions, through Map/Parallel bodies.
function taskStates(def, out = {}) {
	for (const [name, st] of Object.entries(def.States || {})) {
		if (st.Type === 'Task') out[name] = st;
		if (st.Type === 'Map') taskStates(st.ItemProcessor || st.Iterator, out);
		if (st.Type === 'Parallel') for (const b of st.Branches) taskStates(b, out);
	}
	return out;
}

// ---- one local Batch job ----------------------------------------------------
// THREADS of a job definition, capped at this machine's cores (or GSA_RUN_MAX_THREADS)
// shared by the jobs running at once
const cores = Math.max(1, Math.min(availableParallelism(), Number(process.env.GSA_RUN_MAX_THREADS) || Infinity));
let jobSeq = 0;
const running = new Set(); // child processes, stopped on our own SIGINT/SIGTERM

// Batch's EvaluateOnExit patterns: letters, digits, spaces, '.', ':' and a
// trailing '*' (prefix match).
function batchMatch(pattern, value) {
	if (pattern === undefined) return true;
	value = value == null ? '' : String(value);
	return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}
function retryAction(strategy, attempt) {
	for (const rule of strategy?.EvaluateOnExit || []) {
		if (batchMatch(rule.OnStatusReason, attempt.StatusReason) && batchMatch(rule.OnReason, attempt.Container.Reason) &&
		    batchMatch(rule.OnExitCode, attempt.Container.ExitCode))
			return String(rule.Action).toUpperCase();
	}
	return 'RETRY'; // Batch: without a matching rule, retry while attempts remain
}

class TaskError extends Error {
	constructor(name, cause) { super(typeof cause === 'string' ? cause : JSON.stringify(cause)); this.name = name; }
}

function faultFor(stateName, state) {
	// test hook (state: this Task's own counters): GSA_RUN_FAULTS='{"State": {"error": "Batch.AWSBatchException", "times": 1}}'
	// makes the first `times` submissions of State fail as the Batch API would
	if (!process.env.GSA_RUN_FAULTS) return null;
	const f = JSON.parse(process.env.GSA_RUN_FAULTS)[stateName];
	if (!f) return null;
	state.faults = (state.faults || 0) + 1;
	return state.faults <= (f.times ?? 1) ? f.error : null;
}

function runAttempt(cmd, env, logFile, timeoutSeconds, onStart) {
	return new Promise((resolve) => {
		// the job writes its log straight into the file (stdout and stderr)
		const fd = logFile ? openSync(logFile, 'w') : null;
		const child = spawn(cmd[0], cmd.slice(1), { env, stdio: fd === null ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd] });
		if (fd !== null) closeSync(fd);
		running.add(child);
		let timedOut = false, killTimer = null;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
			killTimer = setTimeout(() => child.kill('SIGKILL'), 30000);
		}, timeoutSeconds * 1000);
		child.on('error', (e) => { clearTimeout(timer); running.delete(child); resolve({ code: 127, signal: null, timedOut, error: e.message }); });
		child.on('spawn', () => onStart(child.pid));
		child.on('close', (code, signal) => {
			clearTimeout(timer); clearTimeout(killTimer); running.delete(child);
			resolve({ code, signal, timedOut });
		});
	});
}

function makeBatchHandler(ctx, stateName, state) {
	return async (params) => {
		const fault = faultFor(stateName, state);
		if (fault) {
			progress(ctx, `${stateName}: SubmitJob failed (${fault}, injected by GSA_RUN_FAULTS)`);
			throw new TaskError(fault, `${fault}: injected by GSA_RUN_FAULTS for ${stateName}`);
		}
		// SubmitJob's own checks, so a bad name fails here as it would on AWS
		if (typeof params.JobName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(params.JobName))
			throw new TaskError('Batch.ClientException', `${stateName}: JobName ${JSON.stringify(params.JobName)}: up to 128 letters, digits, '-' and '_', starting with a letter or digit`);
		if (typeof params.JobQueue !== 'string' || !params.JobQueue)
			throw new TaskError('Batch.ClientException', `${stateName}: JobQueue is required`);
		const def = ctx.jobdefs.byName[params.JobDefinition];
		if (!def) throw new TaskError('Batch.ClientException', `JobDefinition ${params.JobDefinition} is not in cfn/jobs.yml`);
		const ov = params.ContainerOverrides || {};
		const command = ov.Command || def.command;
		const env = { ...process.env, PATH: `${ctx.bin}${path.delimiter}${process.env.PATH || ''}`, GSA_LOG_FORMAT: process.env.GSA_LOG_FORMAT || 'text' };
		for (const e of def.environment) env[e.Name] = e.Value;
		// this machine's share: its cores over the jobs running now (this one included)
		if (env.THREADS) env.THREADS = String(Math.max(1, Math.min(Number(env.THREADS) || 1, Math.floor(cores / (running.size + 1)))));
		for (const e of ov.Environment || []) {
			if (typeof e.Name !== 'string' || typeof e.Value !== 'string')
				throw new TaskError('Batch.ClientException', `${stateName}: ContainerOverrides.Environment needs Name and Value strings, got ${JSON.stringify(e)}`);
			env[e.Name] = e.Value;
		}
		if (ctx.workdir) env.JOB_WORKDIR = ctx.workdir;
		const jobId = `local-${process.pid}-${++jobSeq}`;
		env.AWS_BATCH_JOB_ID = jobId;
		const label = displayName(stateName, env);
		const attempts = [];
		const maxAttempts = def.retryStrategy?.Attempts || 1;
		const t0 = Date.now();
		// the state's TimeoutSeconds: Step Functions stops the job when it passes
		const deadline = state.timeoutSeconds ? t0 + state.timeoutSeconds * 1000 : Infinity;
		for (let n = 1; ; n++) {
			env.AWS_BATCH_JOB_ATTEMPT = String(n);
			const logFile = ctx.logs ? path.join(ctx.logs, `${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${jobId}.${n}.log`) : null;
			const limit = Math.max(1, Math.min(def.timeout, (deadline - Date.now()) / 1000));
			const r = await runAttempt([ctx.job, ...command], env, logFile, limit, (pid) =>
				progress(ctx, `${label}: attempt ${n} started (job ${jobId}, pid ${pid})`));
			const external = !r.timedOut && (r.signal === 'SIGTERM' || r.code === 143) && !ctx.stopping;
			const attempt = {
				Container: { ExitCode: r.code ?? (r.signal ? 128 + (r.signal === 'SIGKILL' ? 9 : 15) : null), Reason: r.error || null, LogStreamName: logFile },
				StartedAt: t0, StoppedAt: Date.now(),
				// a SIGTERM from outside is what a Spot reclaim looks like to the container
				StatusReason: r.timedOut ? 'Job attempt duration exceeded timeout' : external ? 'Host EC2 (instance local) terminated.' : 'Essential container in task exited',
			};
			attempts.push(attempt);
			if (r.code === 0) {
				printJobLine(ctx, label, (Date.now() - t0) / 1000, declaredOutputs(command, env));
				return { JobId: jobId, JobName: params.JobName, JobDefinition: params.JobDefinition, JobQueue: params.JobQueue,
					 Status: 'SUCCEEDED', Attempts: attempts, Container: attempt.Container };
			}
			const action = retryAction(def.retryStrategy, attempt);
			progress(ctx, `${label}: attempt ${n} failed (exit ${attempt.Container.ExitCode}, ${attempt.StatusReason})` +
				 (logFile ? `; log ${logFile}` : '') + (action === 'RETRY' && n < maxAttempts && !ctx.stopping ? '; retrying' : ''));
			if (logFile && !ctx.quiet) tail(readFileSync(logFile, 'utf8'), 8);
			if (action !== 'RETRY' || n >= maxAttempts || ctx.stopping) {
				ctx.lastFailedExit = attempt.Container.ExitCode;
				throw new TaskError('States.TaskFailed', {
					JobId: jobId, JobName: params.JobName, JobDefinition: params.JobDefinition, Status: 'FAILED',
					StatusReason: attempt.StatusReason, Attempts: attempts, Container: attempt.Container });
			}
		}
	};
}

// the line of a job's log that says what went wrong: its first error that is
// not a phase summary
function firstError(logFile) {
	let lines;
	try { lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.trim()); } catch { return null; }
	return lines.find((l) => /error/i.test(l) && !/ phase=| finished exit_code=/.test(l)) || lines.at(-1) || null;
}

function tail(text, n) {
	const lines = text.trimEnd().split('\n').slice(-n);
	for (const l of lines) process.stderr.write(`  | ${l}\n`);
}

// the name a job's progress line carries: today's demo step names
function displayName(stateName, env) {
	const names = { IndexReference: 'index', AlignSort: 'align | sort-index', CallVariants: 'call-variants', Merge: 'merge', Report: 'report' };
	const base = names[stateName] || stateName;
	return stateName === 'CallVariants' && env.CHROMOSOME ? `${base} ${env.CHROMOSOME}` : base;
}

// where the job put its outputs: -p PREFIX + each -o, ${NAME} expanded as job does
function declaredOutputs(command, env) {
	const expand = (s) => s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, k) => (m === '$$' ? '$' : env[k] ?? m));
	let prefix = null; const outs = [];
	for (let i = 0; i < command.length && command[i] !== '--'; i++) {
		if (command[i] === '-p' || command[i] === '--output-prefix') prefix = expand(command[++i]);
		else if (command[i] === '-o' || command[i] === '--output') outs.push(expand(command[++i]));
	}
	if (!prefix) return [];
	const sep = prefix.endsWith('/') ? '' : '/';
	return outs.length > 2 || outs.some((o) => /[*?[]/.test(o)) ? [prefix] : outs.map((o) => prefix + sep + o);
}

function printJobLine(ctx, label, secs, outs) {
	process.stdout.write(`${label.padEnd(28)} ${secs.toFixed(1).padStart(6)}s  ${outs.join(' ')}`.trimEnd() + '\n');
}
function progress(ctx, msg) { if (!ctx.quiet) process.stderr.write(`gsa-run: ${msg}\n`); }

// ---- S3 getObject: s3-stage, or a local file for an empty Bucket -------------
function makeGetObjectHandler(ctx) {
	return async (params) => {
		if (!params.Bucket) {
			try { return { Body: readFileSync(params.Key, 'utf8') }; }
			catch (e) {
				ctx.lastFailedExit = 3; // local I/O
				throw new TaskError('S3.NoSuchKey', `${params.Key}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
			}
		}
		const dir = mkdtempSync(path.join(tmpdir(), 'gsa-run-'));
		try {
			const dest = path.join(dir, 'object');
			const r = await runAttempt([path.join(ctx.bin, 's3-stage'), 'get', `s3://${params.Bucket}/${params.Key}`, dest],
				process.env, null, 300, () => {});
			if (r.code !== 0) {
				ctx.lastFailedExit = r.code || 4;
				throw new TaskError('S3.NoSuchKey', `s3://${params.Bucket}/${params.Key}: s3-stage exit ${r.code}`);
			}
			return { Body: readFileSync(dest, 'utf8') };
		} finally { rmSync(dir, { recursive: true, force: true }); }
	};
}

// ---- one execution ---------------------------------------------------------
const SUBST = (defs) => ({
	JobQueueSpot: 'local-spot', JobQueueOnDemand: 'local-on-demand', SampleStateMachineArn: 'sample',
	...Object.fromEntries(Object.keys(defs.byName).map((n) => [`JobDefinition${n}`, n])),
});

async function execute(ctx, workflow, input, name) {
	const def = loadAsl(ctx.cfn, workflow, SUBST(ctx.jobdefs));
	const handlers = {};
	for (const [stateName, st] of Object.entries(taskStates(def))) {
		if (st.Resource === 'arn:aws:states:::batch:submitJob.sync') handlers[stateName] = makeBatchHandler(ctx, stateName, { timeoutSeconds: st.TimeoutSeconds });
		else if (st.Resource === 'arn:aws:states:::aws-sdk:s3:getObject') handlers[stateName] = makeGetObjectHandler(ctx);
		else if (st.Resource === 'arn:aws:states:::states:startExecution.sync:2') handlers[stateName] = async (p) => {
			const child = p.StateMachineArn;
			const r = await execute(ctx, child, p.Input, p.Name || `${name}-${++jobSeq}`);
			if (r.status !== 'SUCCEEDED') throw new TaskError('States.TaskFailed', { ExecutionArn: `local:${child}:${p.Name}`, Status: 'FAILED', Error: r.error, Cause: r.cause });
			return { ExecutionArn: `local:${child}:${p.Name}`, Status: 'SUCCEEDED', Output: r.output };
		};
		else throw new Error(`${workflow}.asl.json: state ${stateName}: no local engine for ${st.Resource}`);
	}
	// asl-validator runs on every ASL file in make test (here it is a stand-in: stubs/)
	const sm = new StateMachine(def, { validationOptions: { noValidate: true } });
	const context = { Execution: { Id: `local:${workflow}:${name}`, Name: name, Input: input, StartTime: new Date().toISOString() },
			  StateMachine: { Id: `local:${workflow}`, Name: workflow } };
	const run = sm.run(input, { overrides: { taskResourceLocalHandlers: handlers }, context, noThrowOnAbort: true });
	ctx.aborts.add(run.abort);
	const mapTimes = new Map();
	const events = (async () => {
		for await (const ev of run.eventLogs) {
			if (ev.state?.type !== 'Map') continue;
			if (ev.type === 'StateEntered') mapTimes.set(ev.state.name, ev.timestamp);
			if (ev.type === 'StateExited') {
				const n = Array.isArray(ev.state.input?.contigs?.list) ? ev.state.input.contigs.list.filter((x) => x !== '').length : null;
				const secs = ((ev.timestamp - mapTimes.get(ev.state.name)) / 1000).toFixed(1);
				if (n !== null) process.stdout.write(`${`  (${n} contigs in parallel)`.padEnd(28)} ${secs.padStart(6)}s\n`);
			}
		}
	})();
	try {
		const output = await run.result;
		if (ctx.stopping) return { status: 'ABORTED', error: 'States.Aborted', cause: 'stopped by a signal' };
		return { status: 'SUCCEEDED', output };
	} catch (e) {
		if (!(e instanceof ExecutionError)) throw e;
		const cause = e.cause ?? {};
		return { status: 'FAILED', error: cause.name || 'States.Runtime', cause: cause.message ?? String(e.message) };
	} finally {
		ctx.aborts.delete(run.abort);
		let timer;
		await Promise.race([events, new Promise((r) => { timer = setTimeout(r, 2000); })]);
		clearTimeout(timer);
	}
}

// where the outputs are: one "  name  location" line per string field, JSON for the rest
function printOutputs(out) {
	process.stdout.write('outputs:\n');
	for (const [k, v] of Object.entries(out && typeof out === 'object' ? out : { output: out }))
		process.stdout.write(`  ${k.padEnd(13)} ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
}

// a sample's input with a field missing is still a sample's (never the
// reference workflow, which would rebuild the reference's index)
function guessWorkflow(input) {
	if ('samples' in input) return 'cohort';
	if (['sample_id', 'fastq_1', 'fastq_2', 'output_prefix', 'chromosomes'].some((k) => k in input)) return 'sample';
	return 'reference';
}

// What the sample workflow's input checks cannot see (a Choice has no regular
// expressions; '?' is a wildcard of the local engine's StringMatches), checked
// before the run with the workflow's own messages: sample_id is a Batch job
// name's start (SubmitJob would refuse it), max_concurrency a whole number.
const SAMPLE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
function precheckSample(def, input) {
	const bad = (state) => def.States[state].Cause;
	if (!input || typeof input !== 'object' || Array.isArray(input)) return null; // the ASL says what is wrong
	if (typeof input.sample_id === 'string' && !SAMPLE_ID.test(input.sample_id)) return bad('BadSampleId');
	if (typeof input.max_concurrency === 'number' && !Number.isInteger(input.max_concurrency)) return bad('BadConcurrency');
	for (const k of ['reference', 'output_prefix'])
		if (typeof input[k] === 'string' && input[k].includes('?')) return bad('BadPrefix');
	for (const k of ['fastq_1', 'fastq_2'])
		if ([input[k]].flat().some((f) => typeof f === 'string' && f.includes('?'))) return bad('BadFastq');
	return null;
}
function precheck(ctx, workflow, input) {
	if (workflow === 'reference')
		return typeof input.reference === 'string' && input.reference.includes('?') ? loadAsl(ctx.cfn, 'reference', SUBST(ctx.jobdefs)).States.BadInput.Cause : null;
	const def = loadAsl(ctx.cfn, 'sample', SUBST(ctx.jobdefs));
	if (workflow === 'sample') return precheckSample(def, input);
	for (const [i, s] of (Array.isArray(input.samples) ? input.samples : []).entries()) {
		const msg = precheckSample(def, s);
		if (msg) return `samples[${i}]: ${msg}`;
	}
	return null;
}

// Step Functions' limit on an execution's input
const MAX_INPUT = 256 * 1024;
function readInput(file) {
	let text;
	try {
		if (file !== '-' && statSync(file).size > MAX_INPUT) die(2, `${file}: larger than 256 KiB, the limit of a Step Functions input`);
		text = readFileSync(file === '-' ? 0 : file, 'utf8');
	} catch (e) {
		die(3, `${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a folder' : e.message}`);
	}
	if (text.length > MAX_INPUT) die(2, `${file}: larger than 256 KiB, the limit of a Step Functions input`);
	let input;
	try { input = JSON.parse(text); }
	catch (e) { die(2, `${file}: not JSON: ${e.message.slice(0, 200)}`); }
	if (!input || typeof input !== 'object' || Array.isArray(input)) die(2, `${file}: the input must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input}`);
	return input;
}

// the failure in one line: the failed Batch job's description in the Cause
// (JSON, as on AWS) becomes its exit code and the line of its log (the
// description's LogStreamName) that says what went wrong
function failureLine(r) {
	const cause = String(r.cause), mark = ': States.TaskFailed: ';
	const at = cause.indexOf(mark + '{');
	let job = null;
	try { job = at < 0 ? null : JSON.parse(cause.slice(at + mark.length)); } catch { job = null; }
	if (!job?.Container) return `${r.error}: ${cause}`;
	const { ExitCode: code, LogStreamName: log, Reason: reason } = job.Container;
	const why = (log && firstError(log)) || reason || job.StatusReason;
	return `${r.error}: ${cause.slice(0, at)}${mark}exit ${code}: ${why}${log ? ` (log ${log})` : ''}`;
}

function exitCodeOf(ctx, result) {
	if (result.error === 'gsa.BadInput') return 2;
	const code = ctx.lastFailedExit;
	return Number.isInteger(code) && code > 0 && code < 256 ? code : 5;
}

async function main() {
	const o = parseArgs(process.argv.slice(2));
	const bin = path.resolve(process.env.GSA_BIN || path.join(ROOT, 'build/bin'));
	const job = path.join(bin, 'job');
	if (!existsSync(job)) die(3, `${job} is not built (run make)`);
	const ctx = {
		bin, job, quiet: o.quiet, stopping: false, aborts: new Set(),
		workdir: o.workdir ? path.resolve(o.workdir) : null,
		logs: path.resolve(o.logs || mkdtempSync(path.join(tmpdir(), 'gsa-run-logs-'))),
		cfn: o.cfn,
		jobdefs: await loadJobDefinitions(path.join(o.cfn, 'jobs.yml'), path.join(HERE, 'node_modules/.cache/gsa-run')),
	};
	mkdirSync(ctx.logs, { recursive: true });
	if (ctx.workdir) mkdirSync(ctx.workdir, { recursive: true });
	for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {
		if (ctx.stopping) return;
		ctx.stopping = sig === 'SIGINT' ? 130 : 143;
		for (const c of running) c.kill('SIGTERM'); // job forwards it, removes its work folder, delivers nothing
		for (const a of ctx.aborts) a();
	});
	for (const file of o.inputs) {
		const input = readInput(file);
		const workflow = o.workflow || guessWorkflow(input);
		const bad = precheck(ctx, workflow, input);
		if (bad) die(2, `${file}: gsa.BadInput: ${bad}`);
		const name = o.name || `local-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${process.pid}`;
		progress(ctx, `${workflow} workflow, input ${file}, execution ${name}, job logs in ${ctx.logs}`);
		const r = await execute(ctx, workflow, input, name);
		if (ctx.stopping) {
			// once every job has stopped (job's grace period is 20 s, then SIGKILL)
			for (let i = 0; running.size && i < 600; i++) await new Promise((res) => setTimeout(res, 50));
			process.stderr.write(`gsa-run: stopped by ${ctx.stopping === 130 ? 'SIGINT' : 'SIGTERM'}\n`);
			process.exit(ctx.stopping);
		}
		if (r.status !== 'SUCCEEDED') {
			process.stderr.write(`gsa-run: ${oneLine(`${file}: ${failureLine(r)}`)}\n`);
			process.exit(exitCodeOf(ctx, r));
		}
		if (!o.quiet) printOutputs(r.output);
		const failed = Array.isArray(r.output?.results) ? r.output.results.filter((x) => x?.status === 'FAILED') : [];
		if (failed.length) {
			for (const f of failed) process.stderr.write(`gsa-run: ${oneLine(`${file}: sample ${f.sample_id ?? `#${f.index}`}: ${f.error}: ${f.cause}`)}\n`);
			process.stderr.write(`gsa-run: ${file}: ${failed.length} of ${r.output.results.length} samples failed\n`);
			// a nested execution's own error (gsa.BadInput: 2) is in its Cause
			let error = failed[0].error;
			try { error = JSON.parse(failed[0].cause).Error || error; } catch { /* not a nested execution's description */ }
			process.exit(exitCodeOf(ctx, { error }));
		}
	}
}

main().catch((e) => die(5, e.stack || String(e)));
