import { type Endpoint, KeepAliveConnection } from './connection.js';
import type { PreparedCall } from './kms-client.js';

// A closed-loop load generator: `concurrency` workers each send the next request as soon as the previous one
// has answered, over raw keep-alive connections (one per worker), for a fixed time or a fixed number of
// requests, whichever comes first. A warm-up phase on the same connections comes first and is discarded.
// It shares the machine's cores with the server under test, so it is kept lean and it measures its own CPU.

export interface LoadOptions {
  readonly endpoint: Endpoint;
  readonly call: PreparedCall;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Upper bound on the requests of each phase, so a very fast target cannot run away with memory. */
  readonly maxRequests: number;
  readonly requestTimeoutMs: number;
}

export interface LoadResult {
  /** Requests that completed in the measured phase, successes and errors alike. */
  readonly requests: number;
  /** Non-2xx answers, timeouts and connection failures. */
  readonly errors: number;
  /** How many of each error kind ("HTTP 400", "timed out ..."), to say what went wrong. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** The first error's detail (status and the start of the body, or the exception message). */
  readonly firstError: string | undefined;
  readonly elapsedSeconds: number;
  /** 2xx answers per second: a target that fails fast must not look fast. */
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The load generator's own CPU time (user + system, all threads) per request of the measured phase. */
  readonly clientCpuMicrosPerRequest: number;
  /** The load generator's CPU time per second of the measured phase: how many cores it took from the server. */
  readonly clientCpuCores: number;
}

interface PhaseRecord {
  readonly latenciesMs: Float64Array;
  successes: number;
  requests: number;
  errors: number;
  readonly errorKinds: Record<string, number>;
  firstError: string | undefined;
}

/** Nearest-rank percentile of ascending-sorted samples; NaN when there are none. */
export function percentile(sortedAscending: Float64Array, fraction: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length, Math.max(1, Math.ceil(fraction * sortedAscending.length)));
  return sortedAscending[rank - 1] ?? Number.NaN;
}

function recordError(record: PhaseRecord, kind: string, detail: string): void {
  record.errors += 1;
  record.errorKinds[kind] = (record.errorKinds[kind] ?? 0) + 1;
  record.firstError ??= detail;
}

async function worker(
  options: LoadOptions,
  connection: KeepAliveConnection,
  deadlineNs: bigint,
  record: PhaseRecord,
): Promise<void> {
  const { call, maxRequests, requestTimeoutMs } = options;
  for (;;) {
    const startedNs = process.hrtime.bigint();
    if (startedNs >= deadlineNs || record.requests >= maxRequests) return;
    record.requests += 1;
    try {
      const response = await connection.send(call.requestAt(Date.now()), requestTimeoutMs, call.operation);
      if (response.status >= 200 && response.status <= 299) {
        record.latenciesMs[record.successes] = Number(process.hrtime.bigint() - startedNs) / 1e6;
        record.successes += 1;
      } else {
        const detail = `HTTP ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`;
        recordError(record, `HTTP ${response.status}`, detail);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recordError(record, message, message);
    }
  }
}

async function runPhase(
  options: LoadOptions,
  connections: readonly KeepAliveConnection[],
  durationMs: number,
): Promise<LoadResult> {
  const record: PhaseRecord = {
    latenciesMs: new Float64Array(options.maxRequests),
    successes: 0,
    requests: 0,
    errors: 0,
    errorKinds: {},
    firstError: undefined,
  };
  const cpuBefore = process.cpuUsage();
  const startedNs = process.hrtime.bigint();
  const deadlineNs = startedNs + BigInt(Math.round(durationMs * 1e6));
  await Promise.all(connections.map((connection) => worker(options, connection, deadlineNs, record)));
  const elapsedSeconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMicros = cpu.user + cpu.system;
  const latencies = record.latenciesMs.subarray(0, record.successes).sort();
  return {
    requests: record.requests,
    errors: record.errors,
    errorKinds: record.errorKinds,
    firstError: record.firstError,
    elapsedSeconds,
    opsPerSecond: record.successes / elapsedSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    clientCpuMicrosPerRequest: record.requests === 0 ? Number.NaN : cpuMicros / record.requests,
    clientCpuCores: cpuMicros / 1e6 / elapsedSeconds,
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const connections = Array.from({ length: options.concurrency }, () => new KeepAliveConnection(options.endpoint));
  try {
    if (options.warmupMs > 0) await runPhase(options, connections, options.warmupMs);
    return await runPhase(options, connections, options.durationMs);
  } finally {
    for (const connection of connections) connection.close();
  }
}
