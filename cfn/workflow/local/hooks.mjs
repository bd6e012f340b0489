// hooks.mjs — module resolution hooks for gsa-run (node:module register).
// aws-local-stepfunctions imports the AWS SDK's Lambda client at load time
// (~0.4 s) to run Lambda Tasks; gsa-run overrides every Task with a local
// handler and refuses unknown resources before a run, so the SDK is replaced
// by an empty stand-in.  asl-validator (~1 s per definition) likewise, unless
// gsa-run --validate asks for it (make test runs asl-validator on every file).
let stubValidator = true;
export function initialize(data) { stubValidator = !data?.validate; }

const STUBS = {
	'@aws-sdk/client-lambda': 'export class LambdaClient { constructor() { throw new Error("gsa-run: no Lambda Tasks"); } } export class InvokeCommand {}',
	'@aws-sdk/credential-providers': 'export function fromCognitoIdentityPool() { throw new Error("gsa-run: no AWS credentials here"); }',
	'asl-validator': 'export default function aslValidator() { return { isValid: true, errorsText: () => "" }; }',
};

export async function resolve(specifier, context, next) {
	if (specifier in STUBS && (specifier !== 'asl-validator' || stubValidator))
		return { url: `data:text/javascript,${encodeURIComponent(STUBS[specifier])}`, shortCircuit: true };
	return next(specifier, context);
}
