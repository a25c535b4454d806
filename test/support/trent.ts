import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import pino, { type Logger } from 'pino';
import { type RunningTrent, startTrent, type TrentOverrides } from '../../src/main.js';
import type { Clock } from '../../src/shared/clock.js';
import { appendSecrets, credentialSecrets, secretCaptureMiddleware } from './secret-capture.js';

export const TEST_ACCOUNT = '111122223333';
export const TEST_REGION = 'us-east-1';
/** The account root the test credentials belong to. */
export const TEST_ROOT = `arn:aws:iam::${TEST_ACCOUNT}:root`;

/** A key policy document of these statements. */
export function keyPolicy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** An identity-policy statement allowing `Action` on `Resource`, under `Condition` when given. */
export function allow(Action: string | string[], Resource = '*', Condition?: object) {
  return { Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) };
}

export const userArn = (name: string, account = TEST_ACCOUNT) => `arn:aws:iam::${account}:user/${name}`;
export const roleArn = (name: string, account = TEST_ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;

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

/**
 * When set (scripts/test.mjs sets it), a directory that keeps what the tests leave behind: data dirs, trace logs
 * and secrets.jsonl, the secrets the clients saw, so that scripts/grep-secrets.mjs can check none of them leaked.
 */
const ARTIFACTS_DIR = process.env.TRENT_TEST_ARTIFACTS;

/** A trace logger writing to `<artifacts>/<data dir name>.log` (beside a data dir made there) when artifacts are kept; silent otherwise. */
function testLogger(dataDir: string): { logger: Logger; close(): void } {
  if (!ARTIFACTS_DIR) return { logger: pino({ level: 'silent' }), close() {} };
  const destination = pino.destination({ dest: join(ARTIFACTS_DIR, `${basename(dataDir)}.log`), sync: true });
  let closed = false;
  return {
    logger: pino({ level: 'trace' }, destination),
    close() {
      // Tests may stop a server twice; the file is closed once.
      if (!closed) destination.end();
      closed = true;
    },
  };
}

/** Records the secrets a client signs with, sends and receives into the artifacts' secrets.jsonl, if kept. */
function captureSecrets<Client extends { middlewareStack: { add: KMSClient['middlewareStack']['add'] } }>(
  client: Client,
  credentials: TestCredentials,
): Client {
  if (!ARTIFACTS_DIR) return client;
  const file = join(ARTIFACTS_DIR, 'secrets.jsonl');
  appendSecrets(file, credentialSecrets(credentials));
  client.middlewareStack.add(secretCaptureMiddleware(file), { step: 'initialize', name: 'trentTestSecretCapture' });
  return client;
}

export async function startTestTrent(options: TestTrentOptions = {}): Promise<TestTrent> {
  const dataDir = options.dataDir ?? mkdtempSync(join(ARTIFACTS_DIR ?? tmpdir(), 'trent-test-'));
  const log = testLogger(dataDir);
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
      logger: log.logger,
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
      return track(captureSecrets(new KMSClient(clientConfig(credentials, { region, ...options })), credentials));
    },
    iam(credentials = TEST_CREDENTIALS, options = {}) {
      return track(captureSecrets(new IAMClient(clientConfig(credentials, options)), credentials));
    },
    sts(credentials = TEST_CREDENTIALS, options = {}) {
      return track(captureSecrets(new STSClient(clientConfig(credentials, options)), credentials));
    },
    async stop() {
      for (const client of clients) client.destroy();
      await trent.close();
      log.close();
      if (!options.dataDir && !ARTIFACTS_DIR) rmSync(dataDir, { recursive: true, force: true });
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
