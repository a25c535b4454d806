import cluster from 'node:cluster';
import { Command, InvalidArgumentError, type Option } from 'commander';
import type { Logger } from 'pino';
import {
  type AuditStream,
  DEFAULT_PORT,
  DEFAULT_REGION,
  StartupError,
  startPrimary,
  startTrent,
  startWorker,
  type TrentConfig,
  type TrentOverrides,
} from '../src/main.js';
import { auditCommand } from './audit.js';
import {
  createRoleCommand,
  createUserCommand,
  credentialsFromEnvironment,
  type RoleOptions,
  type UserOptions,
} from './identities.js';
import { callTrent } from './signed-request.js';

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number');
  return port;
}

function accountIdOption(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
}

function adminCredentialsFromEnvironment(): TrentConfig['adminCredentials'] {
  const accessKeyId = process.env['TRENT_ADMIN_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['TRENT_ADMIN_SECRET_ACCESS_KEY'];
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new StartupError('Set both TRENT_ADMIN_ACCESS_KEY_ID and TRENT_ADMIN_SECRET_ACCESS_KEY, or neither.');
  }
  return { accessKeyId, secretAccessKey };
}

interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  region: string;
  accountId?: string;
  logLevel: string;
  workers: number;
  acceptUnknownPrincipals: boolean;
  auditStream?: AuditStream;
}

/** Closes gracefully on SIGTERM or SIGINT, then exits. */
function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/** The environment variable that tells a cluster worker its slot. */
const WORKER_SLOT = 'TRENT_WORKER_SLOT';

/** `--audit-stream stdout` or `--audit-stream file:/var/log/trent-audit.jsonl`. */
function auditStreamOption(value: string): AuditStream {
  if (value === 'stdout') return { to: 'stdout' };
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return { to: 'file', path: value.slice('file:'.length) };
  throw new InvalidArgumentError('must be stdout or file:<path>');
}

/** A worker that dies this soon after it started is failing to start: the primary gives up. */
const WORKER_START_GRACE_MILLIS = 5_000;

/** The primary of `--workers N`: owns the data dir, forks the workers and replaces one that dies. */
async function runPrimary(config: TrentConfig, workers: number, overrides: TrentOverrides): Promise<void> {
  const primary = await startPrimary(config, overrides);
  const startedAt = new Map<number, number>();
  let stopping = false;
  // Each worker has a slot, and a replacement takes the slot of the one it replaces: the slot names the
  // worker's audit chain, which the replacement continues.
  const slots = new Map<number, number>();
  const fork = (slot: number) => {
    const worker = cluster.fork({ [WORKER_SLOT]: String(slot) });
    startedAt.set(worker.id, Date.now());
    slots.set(worker.id, slot);
  };
  const stop = async (): Promise<void> => {
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (!worker || worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    await primary.close();
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    if (lived < WORKER_START_GRACE_MILLIS) {
      primary.logger.error({ code, signal }, 'a worker failed to start; stopping');
      void stop().finally(() => process.exit(1));
      return;
    }
    primary.logger.warn({ code, signal }, 'a worker exited; starting another');
    fork(slots.get(worker.id) ?? 0);
  });
  for (let slot = 1; slot <= workers; slot += 1) fork(slot);
  closeOnSignals(primary.logger, stop);
}

async function runServer(options: ServerOptions): Promise<void> {
  // Everything the server writes (database, WAL, root key, credentials) is for its own user only.
  process.umask(0o077);
  const config: TrentConfig = {
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    region: options.region,
    accountId: options.accountId,
    adminCredentials: adminCredentialsFromEnvironment(),
    logLevel: options.logLevel,
    acceptUnknownPrincipals: options.acceptUnknownPrincipals,
  };
  const overrides: TrentOverrides = {
    ...(options.auditStream ? { auditStream: options.auditStream } : {}),
    // Only `npm run bench` sets this, to measure what durable audit costs; see bench/README.md.
    ...(process.env['TRENT_BENCHMARK_WITHOUT_AUDIT'] === '1' ? { withoutAudit: true } : {}),
  };
  if (options.workers > 1 && cluster.isPrimary) return runPrimary(config, options.workers, overrides);
  const trent =
    options.workers > 1
      ? await startWorker(config, { ...overrides, auditChainId: `worker-${process.env[WORKER_SLOT] ?? process.pid}` })
      : await startTrent(config, overrides);
  closeOnSignals(trent.logger, () => trent.close());
}

function workerCount(value: string): number {
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new InvalidArgumentError('must be 1 to 64');
  return workers;
}

/** Where `trent server` keeps its state, and where `trent audit` finds the trail. */
function dataDirOption(): Option {
  return new Command().createOption('--data-dir <dir>', 'data directory').env('TRENT_DATA_DIR').default('./trent-data');
}

const program = new Command('trent').description('Trent: a self-hosted key management service with the AWS KMS API');

program
  .command('server')
  .description('start the Trent server')
  .addOption(new Command().createOption('--host <host>', 'address to listen on').env('TRENT_HOST').default('127.0.0.1'))
  .addOption(
    new Command()
      .createOption('--port <port>', 'port to listen on')
      .env('TRENT_PORT')
      .default(DEFAULT_PORT)
      .argParser(portNumber),
  )
  .addOption(dataDirOption())
  .addOption(
    new Command()
      .createOption('--region <region>', 'default Region (requests name theirs in SigV4)')
      .env('TRENT_REGION')
      .default(DEFAULT_REGION),
  )
  .addOption(
    new Command()
      .createOption('--account-id <id>', 'account id to create on first start (default: random)')
      .env('TRENT_ACCOUNT_ID')
      .argParser(accountIdOption),
  )
  .addOption(new Command().createOption('--log-level <level>', 'log level').env('TRENT_LOG_LEVEL').default('info'))
  .addOption(
    new Command()
      .createOption(
        '--audit-stream <to>',
        'also stream each durable audit record as a JSON line: stdout or file:<path>',
      )
      .env('TRENT_AUDIT_STREAM')
      .argParser(auditStreamOption),
  )
  .addOption(
    new Command()
      .createOption(
        '--accept-unknown-principals',
        'accept key policies naming principals Trent does not know (for fixtures written against mocks)',
      )
      .env('TRENT_ACCEPT_UNKNOWN_PRINCIPALS')
      .default(false),
  )
  .addOption(
    new Command()
      .createOption('--workers <n>', 'processes serving the API (one per core uses every core)')
      .env('TRENT_WORKERS')
      .default(1)
      .argParser(workerCount),
  )
  .action(runServer);

interface SimulateOptions {
  principal: string;
  action: string;
  keyId?: string;
  context: string[];
  endpointUrl: string;
  region: string;
}

/** `--context kms:EncryptionContext:Department=IT` (repeatable; a key given twice has several values). */
function contextOf(pairs: readonly string[]): Record<string, string[]> {
  const context: Record<string, string[]> = {};
  for (const pair of pairs) {
    const split = pair.indexOf('=');
    if (split <= 0) throw new InvalidArgumentError(`--context ${pair}: expected key=value`);
    const key = pair.slice(0, split);
    context[key] = [...(context[key] ?? []), pair.slice(split + 1)];
  }
  return context;
}

async function simulatePolicy(options: SimulateOptions): Promise<void> {
  const credentials = credentialsFromEnvironment(process.env);
  if (credentials === undefined) {
    throw new StartupError('Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to credentials allowed to simulate.');
  }
  const result = await callTrent(options.endpointUrl, options.region, credentials, 'TrentAdmin.SimulatePolicy', {
    PrincipalArn: options.principal,
    Action: options.action,
    KeyId: options.keyId,
    Context: contextOf(options.context),
  });
  process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`);
  if (result.status !== 200) process.exitCode = 1;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const DEFAULT_ENDPOINT = `http://127.0.0.1:${DEFAULT_PORT}`;

program
  .command('policy')
  .description('key policies')
  .command('simulate')
  .description('what authorization would decide, and the key-policy statement that decided it')
  .requiredOption('--principal <arn>', 'the principal, e.g. arn:aws:iam::111122223333:root')
  .requiredOption('--action <action>', 'the KMS action, e.g. kms:Decrypt')
  .option('--key-id <key>', 'the key (id, ARN, alias name or alias ARN)')
  .option('--context <key=value>', 'a condition key and value (repeatable)', collect, [])
  .addOption(
    new Command()
      .createOption('--endpoint-url <url>', "Trent's endpoint")
      .env('AWS_ENDPOINT_URL_KMS')
      .default(DEFAULT_ENDPOINT),
  )
  .addOption(new Command().createOption('--region <region>', 'Region').env('AWS_REGION').default(DEFAULT_REGION))
  .action(simulatePolicy);

function sessionSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new InvalidArgumentError('must be a whole number of seconds');
  return seconds;
}

/** What `user create` and `role create` share: where the identity goes, its inline policy, and the endpoint. */
function identityCreation(command: Command): Command {
  return command
    .option('--path <path>', 'the IAM path, e.g. /team/ (default /)')
    .option('--policy-file <file>', 'an identity policy (JSON) to put on it as an inline policy')
    .option('--policy-name <name>', "the inline policy's name", 'trent-cli')
    .option(
      '--endpoint-url <url>',
      `Trent's endpoint (default: $AWS_ENDPOINT_URL_IAM, else $AWS_ENDPOINT_URL, else ${DEFAULT_ENDPOINT})`,
    );
}

identityCreation(
  program
    .command('user')
    .description('IAM users')
    .command('create')
    .description('create a user, put an inline policy on it and make it an access key (printed once, as JSON)')
    .argument('<name>', 'the user name'),
)
  .option('--no-access-key', 'make no access key')
  .action((name: string, options: UserOptions) => createUserCommand(name, options, DEFAULT_ENDPOINT));

identityCreation(
  program
    .command('role')
    .description('IAM roles')
    .command('create')
    .description('create a role and put an inline policy on it (printed as JSON)')
    .argument('<name>', 'the role name'),
)
  .requiredOption('--trust-policy-file <file>', 'the trust policy (JSON): who may assume the role')
  .option('--max-session-duration <seconds>', 'the longest session the role allows (3600 to 43200)', sessionSeconds)
  .action((name: string, options: RoleOptions) => createRoleCommand(name, options, DEFAULT_ENDPOINT));

program.addCommand(auditCommand(dataDirOption));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof StartupError || (error instanceof Error && error.name === 'RootKeyError')) {
    console.error(`trent: ${error.message}`);
  } else {
    console.error('trent: failed to start', error);
  }
  process.exit(1);
});
