// Stand-in for @aws-sdk/client-lambda: aws-local-stepfunctions imports it to
// run Lambda Tasks; gsa-run overrides every Task with a local handler.
export class LambdaClient {
	constructor() { throw new Error('gsa-run: no Lambda Tasks (every Task has a local handler)'); }
}
export class InvokeCommand {}
