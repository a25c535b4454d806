import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

// Every server the harness starts is tracked here so that none outlives it: not on success, not on an
// error, not on Ctrl-C. Each child leads its own process group, so signalling the group also reaches
// anything it forked (a Python reloader, a worker), and a terminal's Ctrl-C reaches only the harness,
// which then stops the children in order.

const live = new Set<SpawnedChild>();

export interface SpawnedChild {
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) when the child has exited. */
  readonly exited: Promise<string>;
}

/** Starts a child whose stdout and stderr go to logPath, so a chatty server never blocks on a full pipe. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logPath: string },
): SpawnedChild {
  const logFd = openSync(options.logPath, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(spawned);
        resolve(signal ?? String(code));
      });
      child.once('error', (error) => {
        live.delete(spawned);
        resolve(`failed to start: ${error.message}`);
      });
    });
    const spawned: SpawnedChild = { process: child, exited };
    live.add(spawned);
    return spawned;
  } finally {
    closeSync(logFd);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM, then SIGKILL if the child has not exited within graceMs. */
export async function stopChild(child: SpawnedChild, graceMs = 3000): Promise<void> {
  if (!live.has(child)) return;
  signalGroup(child.process, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    signalGroup(child.process, 'SIGKILL');
    await child.exited;
  }
}

/** Last resort from an exit handler, where nothing asynchronous can run any more. */
export function killAllChildrenNow(): void {
  for (const child of live) signalGroup(child.process, 'SIGKILL');
  live.clear();
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child)));
}
