import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DisableKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { freePort, killHard, type ServerProcess, spawnServer, startServerProcess } from '../support/server-process.js';

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

  const freshClient = () => {
    const client = new KMSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };

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
    const encryptFresh = () =>
      Promise.all(
        Array.from({ length: FRESH_CLIENTS }, () =>
          freshClient()
            .send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))
            .then(
              () => 'ok',
              (error: Error) => error.name,
            ),
        ),
      );
    assert.deepEqual(await encryptFresh(), Array(FRESH_CLIENTS).fill('ok'), 'every worker has the key cached');
    await freshClient().send(new DisableKeyCommand({ KeyId: keyId }));
    assert.deepEqual(await encryptFresh(), Array(FRESH_CLIENTS).fill('DisabledException'));
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
