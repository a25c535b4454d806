import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** `trent server` as a real child process (through tsx, so no build is needed), for kill -9 and cluster tests. */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TRIES = 100;
const READY_INTERVAL_MILLIS = 100;
const START_ATTEMPTS = 3;

export interface ProcessCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
  /** The tail of the child's stderr, for the failure message. */
  stderr(): string;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/** The environment the child sees: no TRENT_* leaking in from the developer's shell. */
function childEnvironment(credentials: ProcessCredentials): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRENT_')));
  return {
    ...inherited,
    TRENT_LOG_LEVEL: 'warn',
    TRENT_ADMIN_ACCESS_KEY_ID: credentials.accessKeyId,
    TRENT_ADMIN_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
}

export function spawnServer(
  dataDir: string,
  port: number,
  credentials: ProcessCredentials,
  extraArguments: readonly string[] = [],
): ServerProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/trent.ts',
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...extraArguments,
    ],
    { cwd: REPO_ROOT, env: childEnvironment(credentials), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { url: `http://127.0.0.1:${port}`, child, exited, stderr: () => stderr };
}

/** Starts the server on a free port; another process may grab that port first, so a few ports are tried. */
export async function startServerProcess(
  dataDir: string,
  credentials: ProcessCredentials,
  extraArguments: readonly string[] = [],
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const server = spawnServer(dataDir, await freePort(), credentials, extraArguments);
    if (await becameReady(server)) return server;
    await killHard(server);
    if (attempt === START_ATTEMPTS || !server.stderr().includes('EADDRINUSE')) {
      throw new Error(`trent server at ${server.url} did not become ready; stderr:\n${server.stderr()}`);
    }
  }
}

export async function becameReady(server: ServerProcess): Promise<boolean> {
  for (let attempt = 0; attempt < READY_TRIES; attempt++) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return false;
    try {
      const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await delay(READY_INTERVAL_MILLIS);
  }
  return false;
}

export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}
