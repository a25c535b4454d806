import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import pino from 'pino';
import { startTrent } from '../../src/main.js';
import { OffsetClock } from '../support/clock.js';
import { awsError, startTestTrent, TEST_CREDENTIALS } from '../support/trent.js';

describe('data dir lifecycle and background jobs', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'trent-life-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('initialises a data dir once: generated credentials saved with mode 0600 and usable', async () => {
    const dataDir = newDir();
    const config = { host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1' };
    const trent = await startTrent(config, { logger: pino({ level: 'silent' }), showCredentials: false });
    try {
      const credentialsFile = join(dataDir, 'admin-credentials.json');
      assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
      assert.equal(statSync(join(dataDir, 'root.key')).mode & 0o777, 0o600);
      const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>;
      assert.match(saved['accessKeyId'] as string, /^AKIA[A-Z2-7]{16}$/);
      assert.equal((saved['secretAccessKey'] as string).length, 40);
      assert.match(saved['accountId'] as string, /^\d{12}$/);
      const kms = new KMSClient({
        endpoint: trent.url,
        region: 'us-east-1',
        credentials: {
          accessKeyId: saved['accessKeyId'] as string,
          secretAccessKey: saved['secretAccessKey'] as string,
        },
      });
      const listed = await kms.send(new ListKeysCommand({}));
      assert.deepEqual(listed.Keys, []);
      kms.destroy();
    } finally {
      await trent.close();
    }
  });

  it('a second process on the same data dir is refused', async () => {
    const dataDir = newDir();
    const first = await startTestTrent({ dataDir });
    try {
      await assert.rejects(
        startTrent({ host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1' }, { logger: pino({ level: 'silent' }) }),
        /in use by another Trent instance/,
      );
    } finally {
      await first.stop();
    }
  });

  it('reuses everything on restart; chosen credentials leave no copy of the secret on disk', async () => {
    const dataDir = newDir();
    const first = await startTestTrent({ dataDir });
    const created = await first.kms().send(new CreateKeyCommand({ Description: 'survives restart' }));
    const { CiphertextBlob } = await first
      .kms()
      .send(new EncryptCommand({ KeyId: created.KeyMetadata?.KeyId, Plaintext: Buffer.from('kept') }));
    await first.stop();
    assert.equal(existsSync(join(dataDir, 'admin-credentials.json')), false);

    const second = await startTestTrent({ dataDir });
    const decrypted = await second.kms().send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'kept');
    await second.stop();
  });

  it('never stores key material or secrets in plaintext in the database', async () => {
    const dataDir = newDir();
    const server = await startTestTrent({ dataDir });
    const kms = server.kms();
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new EncryptCommand({ KeyId: KeyMetadata?.KeyId, Plaintext: Buffer.from('x') }));
    await server.stop();
    const database = Buffer.concat(
      ['trent.db', 'trent.db-wal']
        .filter((file) => existsSync(join(dataDir, file)))
        .map((file) => readFileSync(join(dataDir, file))),
    );
    assert.equal(database.indexOf(TEST_CREDENTIALS.secretAccessKey), -1);
    const rootKey = readFileSync(join(dataDir, 'root.key'));
    assert.equal(database.indexOf(rootKey.subarray(0, 16)), -1);
  });

  it('refuses to start when the root key is missing or wrong, and never re-initialises', async () => {
    const dataDir = newDir();
    const server = await startTestTrent({ dataDir });
    await server.stop();
    const rootKeyFile = join(dataDir, 'root.key');
    const original = readFileSync(rootKeyFile);
    const quiet = { logger: pino({ level: 'silent' }), showCredentials: false };
    const config = { host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1' };

    rmSync(rootKeyFile);
    await assert.rejects(startTrent(config, quiet), /root key/i);
    assert.equal(existsSync(rootKeyFile), false, 'a missing root key must not be replaced by a new one');

    const wrong = Buffer.from(original);
    wrong[0] = (wrong[0] as number) ^ 0xff;
    writeFileSync(rootKeyFile, wrong, { mode: 0o600 });
    await assert.rejects(startTrent(config, quiet), /root key/i);
  });

  it('the deletion job deletes a key once its waiting period has passed, and its ciphertexts stop decrypting', async () => {
    const clock = new OffsetClock();
    const server = await startTestTrent({ clock });
    const kms = server.kms();
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata?.KeyId as string;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));

    clock.offset = 6 * 86_400_000;
    assert.equal(await server.trent.runKeyDeletion(), 0);
    clock.offset = 7 * 86_400_000 + 60_000;
    assert.equal(await server.trent.runKeyDeletion(), 1);
    clock.offset = 0;

    const described = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
    assert.equal(described.name, 'NotFoundException');
    const decrypted = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(decrypted.name, 'NotFoundException');
    await server.stop();
  });
});
