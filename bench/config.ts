import { PRINCIPALS, type Principal } from './principal.js';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js';
import { TARGET_NAMES, type TargetName } from './targets.js';

// The harness's knobs, all from the environment so that `npm run bench` needs no argument parsing.

export interface BenchConfig {
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly targets: readonly TargetName[];
  readonly scenarios: readonly ScenarioName[];
  readonly concurrencies: readonly number[];
  readonly maxRequests: number;
  readonly requestTimeoutMs: number;
  /** Who Trent's measured requests come from: the account root, or an IAM user with an identity policy. */
  readonly principal: Principal;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** "Encrypt", "encrypt" and "generate-data-key" all name a choice: compare letters only, case-insensitively. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function choices<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): readonly T[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return allowed;
  const wanted = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return wanted.map((item) => {
    const match = allowed.find((choice) => normalized(choice) === normalized(item));
    if (!match) throw new Error(`${name}: unknown "${item}"; choose from ${allowed.join(', ')}`);
    return match;
  });
}

function oneChoice<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const [only, ...more] = choices(env, name, allowed);
  if (only === undefined || more.length > 0) throw new Error(`${name}: choose one of ${allowed.join(', ')}`);
  return only;
}

function concurrencies(env: NodeJS.ProcessEnv): readonly number[] {
  const raw = env['BENCH_CONCURRENCY'];
  if (raw === undefined || raw.trim() === '') return [1, 32];
  return raw.split(',').map((item) => {
    const value = Number(item.trim());
    if (!Number.isInteger(value) || value < 1 || value > 1024) {
      throw new Error(`BENCH_CONCURRENCY: "${item}" is not an integer from 1 to 1024`);
    }
    return value;
  });
}

export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP_SECONDS', 1),
    seconds: positiveNumber(env, 'BENCH_SECONDS', 5),
    targets: choices(env, 'BENCH_TARGETS', TARGET_NAMES),
    scenarios: choices(env, 'BENCH_SCENARIOS', SCENARIO_NAMES),
    concurrencies: concurrencies(env),
    maxRequests: Math.floor(positiveNumber(env, 'BENCH_MAX_REQUESTS', 500_000)),
    requestTimeoutMs: 10_000,
    principal: oneChoice(env, 'BENCH_PRINCIPAL', PRINCIPALS, 'root'),
  };
}
