import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import pino from 'pino';
import { type RunningTrent, startTrent } from '../../src/main.js';
import type { Clock } from '../../src/shared/clock.js';

export const TEST_ACCOUNT = '111122223333';
export const TEST_REGION = 'us-east-1';
/** The account root the test credentials belong to. */
export const TEST_ROOT = `arn:aws:iam::${TEST_ACCOUNT}:root`;

/** A key policy document of these statements. */
export function keyPolicy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIATRENTTESTADMIN01',
  secretAccessKey: 'trent-test-secret-access-key-0123456789',
};

export interface TestTrent {
  readonly trent: RunningTrent;
  readonly dataDir: string;
  readonly url: string;
  kms(region?: string): KMSClient;
  stop(): Promise<void>;
}

/** A real Trent on a random loopback port with a fresh data dir, driven by the real AWS SDK. */
export async function startTestTrent(
  options: { clock?: Clock; dataDir?: string; acceptUnknownPrincipals?: boolean } = {},
): Promise<TestTrent> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trent-test-'));
  const trent = await startTrent(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir,
      region: TEST_REGION,
      accountId: TEST_ACCOUNT,
      adminCredentials: TEST_CREDENTIALS,
      keyDeletionIntervalMillis: 3_600_000,
      acceptUnknownPrincipals: options.acceptUnknownPrincipals,
    },
    { logger: pino({ level: 'silent' }), showCredentials: false, ...(options.clock ? { clock: options.clock } : {}) },
  );
  const clients: KMSClient[] = [];
  return {
    trent,
    dataDir,
    url: trent.url,
    kms(region = TEST_REGION) {
      const client = new KMSClient({
        endpoint: trent.url,
        region,
        credentials: TEST_CREDENTIALS,
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await trent.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `call` and returns the AWS error it fails with; fails the test if it succeeds. */
export async function awsError(
  call: () => Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await call();
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
