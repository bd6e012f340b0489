// Stand-in for @aws-sdk/credential-providers (Cognito credentials for Lambda Tasks).
export function fromCognitoIdentityPool() { throw new Error('gsa-run: no AWS credentials here'); }
