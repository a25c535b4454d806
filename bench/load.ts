import http from 'node:http';
import { type Endpoint, type PreparedCall, send } from './kms-client.js';

// A closed-loop load generator: `concurrency` workers each send the next request as soon as the previous one
// has answered, over keep-alive connections (one per worker), for a fixed time or a fixed number of requests,
// whichever comes first. A warm-up phase on the same connections comes first and is discarded.

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

async function worker(options: LoadOptions, agent: http.Agent, deadlineNs: bigint, record: PhaseRecord) {
  while (process.hrtime.bigint() < deadlineNs && record.requests < options.maxRequests) {
    record.requests += 1;
    const startedNs = process.hrtime.bigint();
    try {
      const result = await send(options.endpoint, options.call, agent, options.requestTimeoutMs);
      if (result.status >= 200 && result.status <= 299) {
        record.latenciesMs[record.successes] = Number(process.hrtime.bigint() - startedNs) / 1e6;
        record.successes += 1;
      } else {
        const detail = `HTTP ${result.status}: ${result.body.toString('utf8').slice(0, 300)}`;
        recordError(record, `HTTP ${result.status}`, detail);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recordError(record, message, message);
    }
  }
}

async function runPhase(options: LoadOptions, agent: http.Agent, durationMs: number): Promise<LoadResult> {
  const record: PhaseRecord = {
    latenciesMs: new Float64Array(options.maxRequests),
    successes: 0,
    requests: 0,
    errors: 0,
    errorKinds: {},
    firstError: undefined,
  };
  const startedNs = process.hrtime.bigint();
  const deadlineNs = startedNs + BigInt(Math.round(durationMs * 1e6));
  const workers = Array.from({ length: options.concurrency }, () => worker(options, agent, deadlineNs, record));
  await Promise.all(workers);
  const elapsedSeconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
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
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    if (options.warmupMs > 0) await runPhase(options, agent, options.warmupMs);
    return await runPhase(options, agent, options.durationMs);
  } finally {
    agent.destroy();
  }
}
