import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  KMSClient,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { freePort, killHard, type ServerProcess, spawnServer, startServerProcess } from '../support/server-process.js';
import { allow, keyPolicy } from '../support/trent.js';

/**
 * `trent server --workers 2`: a primary owns the data dir and two workers serve the API, each with its own
 * database connection and read cache. A change made through one worker must be seen by the other at once.
 */

const CREDENTIALS = {
  accessKeyId: 'AKIATRENTCLUSTERTEST',
  secretAccessKey: 'trent-cluster-test-secret-0123456789',
};
/** Fresh clients open fresh connections, which the primary hands to its workers in turn. */
const FRESH_CLIENTS = 8;

describe('trent server --workers 2', { timeout: 60_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-cluster-'));
  let server: ServerProcess;
  const clients: KMSClient[] = [];

  const freshClient = (credentials: { accessKeyId: string; secretAccessKey: string } = CREDENTIALS) => {
    const client = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  /** Encrypt through fresh connections, which land on both workers: the outcome of each. */
  const encryptFresh = (keyId: string, credentials?: { accessKeyId: string; secretAccessKey: string }) =>
    Promise.all(
      Array.from({ length: FRESH_CLIENTS }, () =>
        freshClient(credentials)
          .send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))
          .then(
            () => 'ok',
            (error: Error) => error.name,
          ),
      ),
    );

  before(async () => {
    server = await startServerProcess(dataDir, CREDENTIALS, ['--workers', '2']);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a key disabled through one worker is refused by every worker at once', async () => {
    const created = await freshClient().send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId as string;
    assert.deepEqual(await encryptFresh(keyId), Array(FRESH_CLIENTS).fill('ok'), 'every worker has the key cached');
    await freshClient().send(new DisableKeyCommand({ KeyId: keyId }));
    assert.deepEqual(await encryptFresh(keyId), Array(FRESH_CLIENTS).fill('DisabledException'));
  });

  it('a key policy or identity policy changed through one worker decides the next call on every worker', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const created = await freshClient().send(new CreateKeyCommand({}));
      const keyId = created.KeyMetadata?.KeyId as string;
      await iam.send(new CreateUserCommand({ UserName: 'cluster-user' }));
      const policy = { Version: '2012-10-17', Statement: [allow('kms:Encrypt')] };
      const putUserPolicy = new PutUserPolicyCommand({
        UserName: 'cluster-user',
        PolicyName: 'encrypt',
        PolicyDocument: JSON.stringify(policy),
      });
      await iam.send(putUserPolicy);
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'cluster-user' }));
      const user = {
        accessKeyId: AccessKey?.AccessKeyId as string,
        secretAccessKey: AccessKey?.SecretAccessKey as string,
      };
      const everyCall = (outcome: string) => Array(FRESH_CLIENTS).fill(outcome);

      assert.deepEqual(await encryptFresh(keyId, user), everyCall('ok'), 'each worker has decided this call once');
      await iam.send(new DeleteUserPolicyCommand({ UserName: 'cluster-user', PolicyName: 'encrypt' }));
      assert.deepEqual(await encryptFresh(keyId, user), everyCall('AccessDeniedException'));
      await iam.send(putUserPolicy);
      assert.deepEqual(await encryptFresh(keyId, user), everyCall('ok'));

      const rootOnly = {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${created.KeyMetadata?.AWSAccountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      };
      const denyEncrypt = { Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*' };
      await freshClient().send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: keyPolicy(rootOnly, denyEncrypt) }));
      assert.deepEqual(await encryptFresh(keyId, user), everyCall('AccessDeniedException'));
      assert.deepEqual(await encryptFresh(keyId), everyCall('AccessDeniedException'), 'the root too');
    } finally {
      iam.destroy();
    }
  });

  it('a second instance on the same data dir refuses to start', async () => {
    const second = spawnServer(dataDir, await freePort(), CREDENTIALS);
    assert.equal(await second.exited, 1);
    assert.match(second.stderr(), /in use by another Trent instance/);
  });

  it('SIGTERM stops the primary and its workers cleanly', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });
});
