import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  keyPolicy,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_ROOT,
  type TestTrent,
} from '../support/trent.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('trent policy simulate', () => {
  let server: TestTrent;
  let keyId: string;

  before(async () => {
    server = await startTestTrent();
    const policy = keyPolicy(
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: TEST_ROOT }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'OnlyIT',
        Effect: 'Deny',
        Principal: { AWS: TEST_ROOT },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'IT' } },
      },
    );
    keyId = (await server.kms().send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata?.KeyId as string;
  });
  after(() => server.stop());

  async function simulate(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'cli/trent.ts', 'policy', 'simulate', '--endpoint-url', server.url, ...args],
      {
        cwd: REPO_ROOT,
        timeout: 30_000,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        },
      },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  it('names the statement that allowed, and the one that denied, with the denial AWS would send', async () => {
    const allowed = await simulate(
      '--principal',
      TEST_ROOT,
      '--action',
      'kms:Decrypt',
      '--key-id',
      keyId,
      '--context',
      'kms:EncryptionContext:Department=IT',
    );
    assert.deepEqual(allowed, { Decision: 'Allow', DecidingStatement: { Sid: 'Admin', Index: 0, Effect: 'Allow' } });

    const denied = await simulate(
      '--principal',
      TEST_ROOT,
      '--action',
      'kms:Decrypt',
      '--key-id',
      keyId,
      '--context',
      'kms:EncryptionContext:Department=HR',
    );
    assert.equal(denied['Decision'], 'Deny');
    assert.equal(denied['Reason'], 'explicit-deny-in-resource-policy');
    assert.deepEqual(denied['DecidingStatement'], { Sid: 'OnlyIT', Index: 1, Effect: 'Deny' });
    assert.match(
      String(denied['Message']),
      /kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key\/.* with an explicit deny/,
    );
  });

  it('a user of the account is only delegated to (no identity policies yet), so it is denied', async () => {
    const user = await simulate(
      '--principal',
      `arn:aws:iam::${TEST_ACCOUNT}:user/alice`,
      '--action',
      'kms:Encrypt',
      '--key-id',
      keyId,
    );
    assert.equal(user['Decision'], 'Deny');
    assert.equal(user['Reason'], 'no-identity-policy-allows');
  });

  it('refuses bad input with ValidationException', async () => {
    const bad = await simulate('--principal', 'alice', '--action', 'kms:Encrypt').catch((error: { stdout: string }) =>
      JSON.parse(error.stdout),
    );
    assert.equal(bad['__type'], 'ValidationException');
  });
});
