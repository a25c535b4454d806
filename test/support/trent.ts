import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import pino from 'pino';
import { type RunningTrent, startTrent, type TrentOverrides } from '../../src/main.js';
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

/** Credentials as the SDKs take them: a session's carry its token. */
export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Client options beyond endpoint and credentials: e.g. `systemClockOffset` to sign at an injected clock's time. */
export interface TestClientOptions {
  readonly region?: string;
  readonly systemClockOffset?: number;
}

export interface TestTrent {
  readonly trent: RunningTrent;
  readonly dataDir: string;
  readonly url: string;
  kms(region?: string, credentials?: TestCredentials, options?: TestClientOptions): KMSClient;
  iam(credentials?: TestCredentials, options?: TestClientOptions): IAMClient;
  sts(credentials?: TestCredentials, options?: TestClientOptions): STSClient;
  stop(): Promise<void>;
}

/** A real Trent on a random loopback port with a fresh data dir, driven by the real AWS SDK. */
export interface TestTrentOptions {
  readonly clock?: Clock;
  readonly dataDir?: string;
  readonly acceptUnknownPrincipals?: boolean;
  /** Anything else a test needs to override: an audit file layer that fails, a logger that keeps lines … */
  readonly overrides?: TrentOverrides;
}

export async function startTestTrent(options: TestTrentOptions = {}): Promise<TestTrent> {
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
    {
      logger: pino({ level: 'silent' }),
      showCredentials: false,
      ...(options.clock ? { clock: options.clock } : {}),
      ...options.overrides,
    },
  );
  const clients: { destroy(): void }[] = [];
  const track = <Client extends { destroy(): void }>(client: Client): Client => {
    clients.push(client);
    return client;
  };
  const clientConfig = (credentials: TestCredentials, options: TestClientOptions) => ({
    endpoint: trent.url,
    region: options.region ?? TEST_REGION,
    credentials,
    maxAttempts: 1,
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
  });
  return {
    trent,
    dataDir,
    url: trent.url,
    kms(region = TEST_REGION, credentials = TEST_CREDENTIALS, options = {}) {
      return track(new KMSClient(clientConfig(credentials, { region, ...options })));
    },
    iam(credentials = TEST_CREDENTIALS, options = {}) {
      return track(new IAMClient(clientConfig(credentials, options)));
    },
    sts(credentials = TEST_CREDENTIALS, options = {}) {
      return track(new STSClient(clientConfig(credentials, options)));
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
