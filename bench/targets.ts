import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { type SpawnedChild, spawnTracked, stopChild } from './children.js';
import type { Endpoint } from './connection.js';
import type { Credentials } from './sigv4-signer.js';

// The servers under test. Each is started by the harness on a free loopback port, waited for until it
// answers its readiness probe, measured, and stopped before the next one starts.

export const TARGET_NAMES = ['trent', 'moto', 'bare'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface RunningTarget {
  readonly name: TargetName;
  readonly endpoint: Endpoint;
  readonly credentials: Credentials;
  readonly logPath: string;
  stop(): Promise<void>;
}

export interface TargetContext {
  readonly repoRoot: string;
  /** A fresh directory for this run's logs and data, removed by the caller. */
  readonly workDir: string;
  readonly credentials: Credentials;
}

interface LaunchPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly readinessPath: string;
}

interface TargetDefinition {
  /** Why the target cannot run on this machine, or undefined when it can. */
  unavailable(context: TargetContext): string | undefined;
  plan(context: TargetContext, port: number): LaunchPlan;
}

const LOOPBACK = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;

/** Admin credentials Trent adopts at first start; moto and the bare server accept anything. */
export function freshCredentials(): Credentials {
  return {
    accessKeyId: `BENCH${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

const definitions: Readonly<Record<TargetName, TargetDefinition>> = {
  trent: {
    unavailable({ repoRoot }) {
      if (!existsSync(path.join(repoRoot, 'bin', 'trent.js'))) return 'bin/trent.js is missing';
      if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'trent.js'))) {
        return 'dist/ is missing: run `npm run build` first (the harness builds nothing)';
      }
      return undefined;
    },
    plan({ repoRoot, workDir, credentials }, port) {
      const dataDir = path.join(workDir, 'trent-data');
      mkdirSync(dataDir, { recursive: true });
      return {
        command: process.execPath,
        args: [
          path.join(repoRoot, 'bin', 'trent.js'),
          'server',
          '--host',
          LOOPBACK,
          '--port',
          `${port}`,
          '--data-dir',
          dataDir,
        ],
        env: {
          ...process.env,
          // One serving process per core, as Trent is meant to run for throughput; TRENT_WORKERS overrides.
          TRENT_WORKERS: process.env['TRENT_WORKERS'] ?? String(availableParallelism()),
          TRENT_ADMIN_ACCESS_KEY_ID: credentials.accessKeyId,
          TRENT_ADMIN_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        readinessPath: '/readyz',
      };
    },
  },
  moto: {
    unavailable() {
      const probe = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' });
      if (probe.error) return `python3 is not available (${probe.error.message})`;
      if (probe.status !== 0) return "python3 cannot import moto.server: pip install 'moto[server]'";
      return undefined;
    },
    plan(_context, port) {
      return {
        command: 'python3',
        args: ['-m', 'moto.server', '-H', LOOPBACK, '-p', `${port}`],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
        readinessPath: '/moto-api/',
      };
    },
  },
  bare: {
    unavailable({ repoRoot }) {
      return existsSync(path.join(repoRoot, 'bench', 'bare-server.ts')) ? undefined : 'bench/bare-server.ts is missing';
    },
    plan({ repoRoot }, port) {
      return {
        command: process.execPath,
        // tsx resolved here, not by the child from its working directory.
        args: [
          '--import',
          import.meta.resolve('tsx'),
          path.join(repoRoot, 'bench', 'bare-server.ts'),
          '--port',
          `${port}`,
        ],
        env: process.env,
        readinessPath: '/readyz',
      };
    },
  },
};

export function unavailableReason(name: TargetName, context: TargetContext): string | undefined {
  return definitions[name].unavailable(context);
}

/** A port the kernel just handed out and released; another process could take it first, which is rare. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a free socket'));
      });
    });
  });
}

function probe(endpoint: Endpoint, pathName: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: endpoint.host, port: endpoint.port, path: pathName, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.setTimeout(1000, () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

export function logTail(logPath: string, lines = 20): string {
  if (!existsSync(logPath)) return '(no log)';
  return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function waitUntilReady(name: TargetName, child: SpawnedChild, endpoint: Endpoint, plan: LaunchPlan) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exitedWith: string | undefined;
  void child.exited.then((outcome) => {
    exitedWith = outcome;
  });
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) throw new Error(`${name} exited (${exitedWith}) before it was ready`);
    if ((await probe(endpoint, plan.readinessPath)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer GET ${plan.readinessPath} with 200 within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

export async function startTarget(name: TargetName, context: TargetContext): Promise<RunningTarget> {
  const port = await freePort();
  const plan = definitions[name].plan(context, port);
  const logPath = path.join(context.workDir, `${name}.log`);
  const child = spawnTracked(plan.command, plan.args, { cwd: context.repoRoot, env: plan.env, logPath });
  const endpoint = { host: LOOPBACK, port };
  try {
    await waitUntilReady(name, child, endpoint, plan);
  } catch (error) {
    await stopChild(child);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n--- last lines of ${logPath} ---\n${logTail(logPath)}`);
  }
  return { name, endpoint, credentials: context.credentials, logPath, stop: () => stopChild(child) };
}
