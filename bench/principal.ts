import type { Endpoint } from './connection.js';
import { callIam, xmlText } from './iam-client.js';
import type { Credentials } from './sigv4-signer.js';
import type { RunningTarget } from './targets.js';

// Who the measured requests come from. As the account root, Trent's authorization reads the key policy only;
// as an IAM user it also reads the user's inline policies and tags and evaluates them, which is what `user`
// measures. moto and the bare server have no users whose policies they would evaluate, so they keep the root
// credentials: their rows mean the same whatever the principal.

export const PRINCIPALS = ['root', 'user'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export const BENCH_USER_NAME = 'bench';

/**
 * Allows what the fixture and the scenarios call, under a condition so that evaluating the policy is not a bare
 * action match: every request pays for a condition lookup, as most real identity policies make it.
 */
export const BENCH_USER_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'BenchKeyUse',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateKey', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalType': 'User' } },
    },
  ],
} as const;

/** Creates the user, gives it the inline policy and returns its new access key. */
export async function createBenchUser(endpoint: Endpoint, root: Credentials): Promise<Credentials> {
  await callIam(endpoint, root, 'CreateUser', { UserName: BENCH_USER_NAME });
  await callIam(endpoint, root, 'PutUserPolicy', {
    UserName: BENCH_USER_NAME,
    PolicyName: 'bench-kms',
    PolicyDocument: JSON.stringify(BENCH_USER_POLICY),
  });
  const created = await callIam(endpoint, root, 'CreateAccessKey', { UserName: BENCH_USER_NAME });
  return { accessKeyId: xmlText(created, 'AccessKeyId'), secretAccessKey: xmlText(created, 'SecretAccessKey') };
}

/** The target as the principal sees it: Trent with the user's credentials for `user`, otherwise unchanged. */
export async function asPrincipal(principal: Principal, target: RunningTarget): Promise<RunningTarget> {
  if (principal === 'root' || target.name !== 'trent') return target;
  return { ...target, credentials: await createBenchUser(target.endpoint, target.credentials) };
}
