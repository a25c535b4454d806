import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createAuthenticator } from './auth/authenticate.js';
import {
  type AdminCredentials,
  checkChosenCredentials,
  newAccessKeyId,
  newAccountId,
  newSecretAccessKey,
  provisionAccount,
} from './auth/bootstrap.js';
import { createHttpServer } from './http/server.js';
import { startKeyDeletionJob } from './jobs/key-deletion.js';
import { Keys } from './keys/key-service.js';
import type { KeyStore } from './keystores/port.js';
import { loadOrCreateRootKey, rootKeyCheckValue } from './keystores/software/root-key.js';
import { createSoftwareKeyStore } from './keystores/software/software-key-store.js';
import { withReadCache } from './persistence/cached/read-cache.js';
import type { Persistence } from './persistence/port.js';
import { DatabaseInUse } from './persistence/sqlite/database.js';
import { openSqlitePersistence } from './persistence/sqlite/sqlite-persistence.js';
import { type Clock, systemClock } from './shared/clock.js';
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
}

export interface TrentOverrides {
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

function openDatabaseOf(dataDir: string, databaseFile: string): Persistence {
  try {
    return openSqlitePersistence(databaseFile);
  } catch (error) {
    if (error instanceof DatabaseInUse) {
      throw new StartupError(
        `The data dir ${dataDir} is in use by another Trent process; one process owns a data dir.`,
      );
    }
    throw error;
  }
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
  config: TrentConfig,
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
  const file = join(config.dataDir, 'admin-credentials.json');
  await writePrivateFile(file, `${JSON.stringify({ accountId, ...credentials }, null, 2)}\n`, 'replace');
  await provisionAccount({ persistence, keyStore: deps.keyStore, now: deps.clock.now() }, accountId, credentials);
  announceCredentials(logger, file, credentials, deps.show);
  return accountId;
}

export async function startTrent(config: TrentConfig, overrides: TrentOverrides = {}): Promise<RunningTrent> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? pooledRandom();
  const logger = overrides.logger ?? pino({ level: config.logLevel ?? 'info', base: { service: 'trent' } });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const databaseFile = join(config.dataDir, 'trent.db');
  const rootKey = await openRootKey(config.dataDir, databaseFile);
  const keyStore = createSoftwareKeyStore(rootKey, random);
  // One process owns this SQLite file (it holds the file's lock), so the read cache sees every write.
  const persistence = withReadCache(openDatabaseOf(config.dataDir, databaseFile));
  try {
    await persistence.migrate();
    await checkRootKey(persistence, rootKey, config.dataDir);
    const show = overrides.showCredentials ?? process.stdout.isTTY === true;
    const accountId = await ensureAccount(config, { persistence, keyStore, random, clock, logger, show });
    return await listen(config, { persistence, keyStore, random, clock, logger, accountId });
  } catch (error) {
    await persistence.close();
    throw error;
  }
}

async function listen(
  config: TrentConfig,
  deps: {
    persistence: Persistence;
    keyStore: KeyStore;
    random: Random;
    clock: Clock;
    logger: Logger;
    accountId: string;
  },
): Promise<RunningTrent> {
  const { persistence, keyStore, clock, logger } = deps;
  const keys = new Keys({ persistence, keyStore, clock, random: deps.random });
  const authenticate = createAuthenticator({ persistence, keyStore, clock });
  const server = createHttpServer({
    authenticate,
    keys,
    logger,
    readiness: async () => {
      await persistence.ping();
      await keyStore.healthCheck();
    },
  });
  const deletion = startKeyDeletionJob({
    persistence,
    clock,
    logger,
    intervalMillis: config.keyDeletionIntervalMillis ?? 60_000,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, accountId: deps.accountId, defaultRegion: config.region }, 'Trent is listening');
  void deletion.runOnce().catch((error: unknown) => logger.error({ err: error }, 'key deletion job failed'));
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    accountId: deps.accountId,
    logger,
    runKeyDeletion: () => deletion.runOnce(),
    close() {
      closing ??= (async () => {
        deletion.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await persistence.close();
      })();
      return closing;
    },
  };
}
