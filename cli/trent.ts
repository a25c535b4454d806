import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PORT, DEFAULT_REGION, StartupError, startTrent, type TrentConfig } from '../src/main.js';

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
}

async function runServer(options: ServerOptions): Promise<void> {
  // Everything the server writes (database, WAL, root key, credentials) is for its own user only.
  process.umask(0o077);
  const trent = await startTrent({
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    region: options.region,
    accountId: options.accountId,
    adminCredentials: adminCredentialsFromEnvironment(),
    logLevel: options.logLevel,
  });
  const shutdown = (signal: string) => {
    trent.logger.info({ signal }, 'shutting down');
    trent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        trent.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
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
  .addOption(
    new Command().createOption('--data-dir <dir>', 'data directory').env('TRENT_DATA_DIR').default('./trent-data'),
  )
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
  .action(runServer);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof StartupError || (error instanceof Error && error.name === 'RootKeyError')) {
    console.error(`trent: ${error.message}`);
  } else {
    console.error('trent: failed to start', error);
  }
  process.exit(1);
});
