import cluster from 'node:cluster';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, openSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { keyUsagesIn } from './audit/key-usage.js';
import type { AuditSink } from './audit/record.js';
import { type AuditFiles, openTrail, publicKeyFingerprint } from './audit/trail/index.js';
import { createAuthenticator } from './auth/authenticate.js';
import {
  type AdminCredentials,
  checkChosenCredentials,
  createAccount,
  newAccessKeyId,
  newAccountId,
  newSecretAccessKey,
  provisionAccount,
} from './auth/bootstrap.js';
import { identityDirectory } from './authz/identity.js';
import { principalDirectory } from './authz/principals.js';
import { rateLimitedAuthFailureLog } from './http/auth-failure-log.js';
import { createHttpServer } from './http/server.js';
import { Identities } from './identities/identity-service.js';
import { type KeyDeletionJob, startKeyDeletionJob } from './jobs/key-deletion.js';
import { Keys } from './keys/key-service.js';
import type { KeyStore } from './keystores/port.js';
import { loadOrCreateRootKey, rootKeyCheckValue } from './keystores/software/root-key.js';
import { createSoftwareKeyStore } from './keystores/software/software-key-store.js';
import { type CachedPersistence, withReadCache } from './persistence/cached/read-cache.js';
import type { KeyUsageStore } from './persistence/key-usage-port.js';
import type { Persistence } from './persistence/port.js';
import { acquireInstanceLock, type InstanceLock, InstanceLocked } from './persistence/sqlite/instance-lock.js';
import { openSqliteKeyUsageStore } from './persistence/sqlite/key-usage-store.js';
import { openSqlitePersistence } from './persistence/sqlite/sqlite-persistence.js';
import { type Clock, systemClock } from './shared/clock.js';
import { KEY_USAGE_TRACKING_START } from './shared/key-usage.js';
import { writePrivateFile } from './shared/private-file.js';
import { pooledRandom, type Random } from './shared/random.js';

/**
 * The only file that chooses adapters and wires the rooms together.
 */

export interface TrentConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
  /** Used only when the data dir is initialised. */
  readonly accountId?: string | undefined;
  /** Used only when the data dir is initialised (TRENT_ADMIN_ACCESS_KEY_ID / TRENT_ADMIN_SECRET_ACCESS_KEY). */
  readonly adminCredentials?: AdminCredentials | undefined;
  readonly logLevel?: string | undefined;
  readonly keyDeletionIntervalMillis?: number | undefined;
  /** Accept well-formed principals Trent does not know in key policies (test fixtures written against mocks). */
  readonly acceptUnknownPrincipals?: boolean | undefined;
}

/** Where a copy of each durable audit record goes, as one JSON line, for a SIEM. */
export type AuditStream = { readonly to: 'stdout' } | { readonly to: 'file'; readonly path: string };

export interface TrentOverrides {
  /**
   * Skips the audit trail entirely. It exists only so the benchmark can measure what durable audit costs
   * (`TRENT_BENCHMARK_WITHOUT_AUDIT`); a Trent serving anyone keeps it on.
   */
  readonly withoutAudit?: boolean;
  /**
   * This process's name in the data dir, naming its audit chain and its key-usage file (one each per process):
   * 'main' alone, 'primary' and 'worker-<slot>' in a cluster.
   */
  readonly auditChainId?: string;
  readonly auditStream?: AuditStream;
  /** The file layer under the audit trail: tests inject failures (ENOSPC) through it. */
  readonly auditFiles?: AuditFiles;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: Logger;
  /** Whether to show new admin credentials on the terminal (default: stdout is a TTY). */
  readonly showCredentials?: boolean;
}

export interface RunningTrent {
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  readonly logger: Logger;
  runKeyDeletion(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4599;
export const DEFAULT_REGION = 'us-east-1';

const ROOT_KEY_CHECK = 'root_key_check';
const DEFAULT_ACCOUNT = 'default_account_id';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Opens the root key: created only on an empty data dir, never over existing data. */
async function openRootKey(dataDir: string, databaseFile: string): Promise<Buffer> {
  const hasData = existsSync(databaseFile);
  try {
    return (await loadOrCreateRootKey(dataDir, { create: !hasData })).key;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(
      hasData
        ? `Cannot load the root key for the existing data in ${dataDir}: ${reason}. Restore the root key file; Trent never re-initialises over existing data.`
        : `Cannot create the root key in ${dataDir}: ${reason}`,
    );
  }
}

async function checkRootKey(persistence: Persistence, rootKey: Buffer, dataDir: string): Promise<void> {
  const expected = rootKeyCheckValue(rootKey);
  await persistence.putSettingIfAbsent(ROOT_KEY_CHECK, expected);
  if ((await persistence.getSetting(ROOT_KEY_CHECK)) !== expected) {
    throw new StartupError(
      `The root key in ${dataDir} is not the one this data was created with. Restore the original root key file; Trent never re-initialises over existing data.`,
    );
  }
}

function announceCredentials(logger: Logger, file: string, credentials: AdminCredentials, show: boolean): void {
  if (show) {
    process.stdout.write(
      [
        '',
        'Trent initialised a new data directory. Admin credentials for the account root (shown once;',
        `also saved with mode 0600 in ${file}):`,
        `  AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
        `  AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
        '',
      ].join('\n'),
    );
  }
  logger.info({ file }, 'admin credentials for the account root written');
}

/** The account this data dir serves, created with its root credentials on first start. */
async function ensureAccount(
  config: Pick<TrentConfig, 'accountId' | 'adminCredentials'>,
  dataDirPath: string,
  deps: { persistence: Persistence; keyStore: KeyStore; random: Random; clock: Clock; logger: Logger; show: boolean },
): Promise<string> {
  const { persistence, logger } = deps;
  await persistence.putSettingIfAbsent(DEFAULT_ACCOUNT, config.accountId ?? newAccountId(deps.random));
  const accountId = (await persistence.getSetting(DEFAULT_ACCOUNT)) as string;
  if (config.accountId !== undefined && config.accountId !== accountId) {
    logger.warn({ accountId }, 'the data dir is already initialised: the account id option is ignored');
  }
  if (await persistence.getAccount(accountId)) {
    if (config.adminCredentials) {
      logger.warn('the data dir is already initialised: TRENT_ADMIN_ACCESS_KEY_ID/SECRET are ignored');
    }
    return accountId;
  }
  const chosen = config.adminCredentials;
  if (chosen) checkChosenCredentials(chosen);
  const credentials = chosen ?? {
    accessKeyId: newAccessKeyId(deps.random),
    secretAccessKey: newSecretAccessKey(deps.random),
  };
  if (chosen) {
    // The operator chose them and has them: no copy of the secret is left on disk.
    await provisionAccount({ persistence, keyStore: deps.keyStore, now: deps.clock.now() }, accountId, credentials);
    logger.info({ accessKeyId: credentials.accessKeyId }, 'account root credentials taken from the environment');
    return accountId;
  }
  const file = join(dataDirPath, 'admin-credentials.json');
  await writePrivateFile(file, `${JSON.stringify({ accountId, ...credentials }, null, 2)}\n`, 'replace');
  await provisionAccount({ persistence, keyStore: deps.keyStore, now: deps.clock.now() }, accountId, credentials);
  announceCredentials(logger, file, credentials, deps.show);
  return accountId;
}

interface Runtime {
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly overrides: TrentOverrides;
}

function runtimeOf(config: TrentConfig, overrides: TrentOverrides): Runtime {
  return {
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? pooledRandom(),
    logger: overrides.logger ?? pino({ level: config.logLevel ?? 'info', base: { service: 'trent' } }),
    overrides,
  };
}

function publicKeyOf(signingKey: KeyObject): { fingerprint: string; pem: string } {
  const publicKey = createPublicKey(signingKey);
  return {
    fingerprint: publicKeyFingerprint(publicKey),
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** The benchmark's audit-off switch: records go nowhere. */
const NO_AUDIT: AuditSink = {
  discardsEverything: true,
  append: async () => {},
  healthCheck: async () => {},
  close: async () => {},
};

/**
 * The SIEM copy of each durable record. The file is opened at start, so a path that cannot be written stops
 * the server before it serves; a later write error is logged and the copy stops: the durable trail is the
 * record, the stream only a convenience.
 */
function auditStreamWriter(stream: AuditStream | undefined, logger: Logger): ((line: string) => void) | undefined {
  if (stream === undefined) return undefined;
  if (stream.to === 'stdout') return (line) => process.stdout.write(`${line}\n`);
  const file = createWriteStream(stream.path, { fd: openSync(stream.path, 'a', 0o600) });
  let failed = false;
  file.on('error', (error) => {
    failed = true;
    logger.error({ err: error, path: stream.path }, 'the audit stream file failed; records go on to the trail only');
  });
  return (line) => {
    if (!failed) file.write(`${line}\n`);
  };
}

/** This process's audit chain under <data dir>/audit/<processName>. */
async function openAudit(config: TrentConfig, dataDir: OpenDataDir, runtime: Runtime): Promise<AuditSink> {
  if (runtime.overrides.withoutAudit) {
    runtime.logger.warn('the audit trail is OFF (benchmark switch): no call is recorded');
    return NO_AUDIT;
  }
  const stream = auditStreamWriter(runtime.overrides.auditStream, runtime.logger);
  return openTrail({
    dir: join(dataDir.path, 'audit', dataDir.processName),
    chainId: dataDir.processName,
    signingKey: dataDir.auditSigningKey,
    clock: runtime.clock,
    ...(stream ? { stream } : {}),
    ...(runtime.overrides.auditFiles ? { files: runtime.overrides.auditFiles } : {}),
    afterBatch: async (records) => {
      try {
        await dataDir.keyUsage.record(keyUsagesIn(records));
      } catch (error) {
        runtime.logger.error({ err: error }, 'could not update the last use of keys');
      }
    },
    serviceEventContext: { recipientAccountId: dataDir.accountId, awsRegion: config.region },
  });
}

interface OpenDataDir {
  readonly path: string;
  /** This process's name in the data dir: its audit chain and its key-usage file ('main', 'primary', 'worker-<slot>'). */
  readonly processName: string;
  readonly persistence: CachedPersistence;
  readonly keyUsage: KeyUsageStore;
  readonly keyStore: KeyStore;
  readonly accountId: string;
  readonly auditSigningKey: KeyObject;
  close(): Promise<void>;
}

const AUDIT_SIGNING_KEY = 'audit-signing-key';
const AUDIT_SIGNING_KEY_CONTEXT = 'trent/audit-signing-key';

/**
 * The Ed25519 key that signs audit digests, made on first start and stored only sealed under the root key;
 * its public half is published beside the trail and by TrentAdmin.GetAuditPublicKey.
 */
async function auditSigningKey(persistence: Persistence, keyStore: KeyStore): Promise<KeyObject> {
  const fresh = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = await keyStore.sealSecret(AUDIT_SIGNING_KEY_CONTEXT, fresh);
  await persistence.putSettingIfAbsent(AUDIT_SIGNING_KEY, Buffer.from(sealed).toString('base64'));
  fresh.fill(0);
  const stored = Buffer.from((await persistence.getSetting(AUDIT_SIGNING_KEY)) as string, 'base64');
  const der = await keyStore.openSecret(AUDIT_SIGNING_KEY_CONTEXT, stored);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  return key;
}

function takeInstanceLock(dataDir: string): InstanceLock {
  try {
    return acquireInstanceLock(join(dataDir, 'trent.lock'));
  } catch (error) {
    if (error instanceof InstanceLocked) {
      throw new StartupError(`The data dir ${dataDir} is in use by another Trent instance.`);
    }
    throw error;
  }
}

/**
 * Opens the data dir. Its owner (a single process, or a cluster's primary) holds the instance lock and
 * initialises what is new; a cluster worker opens what its primary has initialised, which then only reads.
 */
async function openDataDir(
  config: TrentConfig,
  runtime: Runtime,
  role: { owner: boolean; showCredentials: boolean; processName: string },
): Promise<OpenDataDir> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = role.owner ? takeInstanceLock(config.dataDir) : undefined;
  const databaseFile = join(config.dataDir, 'trent.db');
  let persistence: CachedPersistence | undefined;
  try {
    const rootKey = await openRootKey(config.dataDir, databaseFile);
    const keyStore = createSoftwareKeyStore(rootKey, runtime.random);
    // Every process of the instance has its own connection; the cache watches the others' commits.
    persistence = withReadCache(openSqlitePersistence(databaseFile));
    await persistence.migrate();
    await checkRootKey(persistence, rootKey, config.dataDir);
    const accountId = await ensureAccount(role.owner ? config : {}, config.dataDir, {
      persistence,
      keyStore,
      ...runtime,
      show: role.showCredentials,
    });
    const opened = persistence;
    const signingKey = await auditSigningKey(opened, keyStore);
    await opened.putSettingIfAbsent(KEY_USAGE_TRACKING_START, String(runtime.clock.now()));
    const keyUsage = openSqliteKeyUsageStore(join(config.dataDir, 'key-usage'), role.processName);
    return {
      path: config.dataDir,
      processName: role.processName,
      persistence: opened,
      keyUsage,
      keyStore,
      accountId,
      auditSigningKey: signingKey,
      close: () => closeInOrder([() => keyUsage.close(), () => opened.close(), async () => lock?.release()]),
    };
  } catch (error) {
    await persistence?.close();
    lock?.release();
    throw error;
  }
}

function startDeletionJob(
  config: TrentConfig,
  dataDir: OpenDataDir,
  runtime: Runtime,
  audit: AuditSink,
): KeyDeletionJob {
  const job = startKeyDeletionJob({
    persistence: dataDir.persistence,
    audit,
    clock: runtime.clock,
    logger: runtime.logger,
    intervalMillis: config.keyDeletionIntervalMillis ?? 60_000,
  });
  void job.runOnce().catch((error: unknown) => runtime.logger.error({ err: error }, 'key deletion job failed'));
  return job;
}

/** Opens this process's audit chain and closes it again if what follows fails to start. */
async function withAudit<Started>(
  config: TrentConfig,
  dataDir: OpenDataDir,
  runtime: Runtime,
  start: (audit: AuditSink) => Promise<Started>,
): Promise<Started> {
  try {
    const audit = await openAudit(config, dataDir, runtime);
    try {
      return await start(audit);
    } catch (error) {
      await audit.close();
      throw error;
    }
  } catch (error) {
    await dataDir.close();
    throw error;
  }
}

/** One process that owns the data dir, serves the API and runs the jobs. */
export async function startTrent(config: TrentConfig, overrides: TrentOverrides = {}): Promise<RunningTrent> {
  const runtime = runtimeOf(config, overrides);
  const showCredentials = overrides.showCredentials ?? process.stdout.isTTY === true;
  const processName = overrides.auditChainId ?? 'main';
  const dataDir = await openDataDir(config, runtime, { owner: true, showCredentials, processName });
  return withAudit(config, dataDir, runtime, async (audit) => {
    const serving = await serve(config, dataDir, runtime, audit);
    const deletion = startDeletionJob(config, dataDir, runtime, audit);
    return {
      ...serving,
      runKeyDeletion: () => deletion.runOnce(),
      close: once(async () => {
        deletion.stop();
        await closeInOrder([() => serving.close(), () => audit.close(), () => dataDir.close()]);
      }),
    };
  });
}

/** A cluster's primary: owns the data dir, initialises it and runs the jobs; its workers serve the API. */
export async function startPrimary(
  config: TrentConfig,
  overrides: TrentOverrides = {},
): Promise<{ readonly logger: Logger; close(): Promise<void> }> {
  const runtime = runtimeOf(config, overrides);
  const showCredentials = overrides.showCredentials ?? process.stdout.isTTY === true;
  const processName = overrides.auditChainId ?? 'primary';
  const dataDir = await openDataDir(config, runtime, { owner: true, showCredentials, processName });
  return withAudit(config, dataDir, runtime, async (audit) => {
    const deletion = startDeletionJob(config, dataDir, runtime, audit);
    return {
      logger: runtime.logger,
      close: once(async () => {
        deletion.stop();
        await closeInOrder([() => audit.close(), () => dataDir.close()]);
      }),
    };
  });
}

/**
 * A cluster worker: serves the API on the data dir its primary owns and has initialised. Each worker writes
 * its own audit chain, named by its slot (a replacement worker continues its predecessor's chain).
 */
export async function startWorker(config: TrentConfig, overrides: TrentOverrides = {}): Promise<RunningTrent> {
  const runtime = runtimeOf(config, overrides);
  const processName = overrides.auditChainId ?? `worker-${cluster.worker?.id ?? process.pid}`;
  const dataDir = await openDataDir(config, runtime, { owner: false, showCredentials: false, processName });
  return withAudit(config, dataDir, runtime, async (audit) => {
    const serving = await serve(config, dataDir, runtime, audit);
    return {
      ...serving,
      runKeyDeletion: async () => 0,
      close: once(() => closeInOrder([() => serving.close(), () => audit.close(), () => dataDir.close()])),
    };
  });
}

/**
 * Runs every step even when an earlier one fails (an audit trail that cannot seal its segment on a full disk
 * must not keep the database open and the data dir locked), then throws the first failure.
 */
async function closeInOrder(steps: readonly (() => Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}

async function serve(
  config: TrentConfig,
  dataDir: OpenDataDir,
  runtime: Runtime,
  audit: AuditSink,
): Promise<{ url: string; port: number; accountId: string; logger: Logger; close(): Promise<void> }> {
  const { persistence, keyStore } = dataDir;
  const { clock, logger } = runtime;
  const keys = new Keys({ persistence, keyUsage: dataDir.keyUsage, keyStore, clock, random: runtime.random });
  const authenticate = createAuthenticator({ persistence, keyStore, clock });
  const principals = principalDirectory(persistence, config.acceptUnknownPrincipals ?? false);
  const identities = new Identities({
    persistence,
    keyStore,
    random: runtime.random,
    clock,
    principalExists: principals,
  });
  const server = createHttpServer({
    authenticate,
    keys,
    principals,
    identities,
    identityPolicies: identityDirectory(persistence),
    now: () => clock.now(),
    operatorAccountId: dataDir.accountId,
    auditPublicKey: publicKeyOf(dataDir.auditSigningKey),
    createAccount: (accountId) =>
      createAccount({ persistence, keyStore, random: runtime.random, now: clock.now() }, accountId),
    logger,
    audit,
    authFailures: rateLimitedAuthFailureLog(logger, () => clock.now()),
    mutation: (work, beforeCommit) => persistence.mutation(work, beforeCommit),
    requestStarted: () => persistence.requestStarted(),
    readiness: async () => {
      await persistence.ping();
      await keyStore.healthCheck();
      await audit.healthCheck();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, accountId: dataDir.accountId, defaultRegion: config.region }, 'Trent is listening');
  return {
    url,
    port,
    accountId: dataDir.accountId,
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
