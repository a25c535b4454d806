import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllChildrenNow, stopAllChildren } from './children.js';
import { type BenchConfig, readConfig } from './config.js';
import { runLoad } from './load.js';
import { asPrincipal } from './principal.js';
import { formatMarkdown, formatRatio, formatTable, type ResultRow, ratios } from './report.js';
import { createFixture, prepareScenario } from './scenarios.js';
import { freshCredentials, startTarget, type TargetContext, type TargetName, unavailableReason } from './targets.js';

// `npm run bench`: measures each target in turn (never two at once: on a small machine they would fight for
// the same cores), then prints the table, the ratios and a Markdown copy, and writes bench/results/latest.json.

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = path.join(repoRoot, 'bench', 'results', 'latest.json');

interface Outcome {
  readonly target: TargetName;
  readonly reason: string;
}

async function benchTarget(name: TargetName, context: TargetContext, config: BenchConfig): Promise<ResultRow[]> {
  console.log(`\n== ${name}: starting`);
  const started = await startTarget(name, context);
  const rows: ResultRow[] = [];
  try {
    const target = await asPrincipal(config.principal, started);
    const fixture = await createFixture(target);
    for (const scenario of config.scenarios) {
      const call = await prepareScenario(scenario, target, fixture);
      for (const concurrency of config.concurrencies) {
        const result = await runLoad({
          endpoint: target.endpoint,
          call,
          concurrency,
          warmupMs: config.warmupSeconds * 1000,
          durationMs: config.seconds * 1000,
          maxRequests: config.maxRequests,
          requestTimeoutMs: config.requestTimeoutMs,
        });
        rows.push({ target: name, scenario, concurrency, ...result });
        const errors = result.errors === 0 ? '' : `  ERRORS ${result.errors}: ${result.firstError ?? ''}`;
        console.log(
          `${name} ${scenario} c=${concurrency}: ${Math.round(result.opsPerSecond)} ops/s, ` +
            `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
            `client ${Math.round(result.clientCpuMicrosPerRequest)} µs CPU/req (${result.clientCpuCores.toFixed(2)} cores)` +
            errors,
        );
      }
    }
  } finally {
    await started.stop();
  }
  return rows;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    // At the start: anything else running competes with the server and the load generator for the same cores.
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

function writeResults(document: unknown): void {
  mkdirSync(path.dirname(resultsPath), { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify(document, null, 2)}\n`);
}

async function main(workDir: string): Promise<number> {
  const config = readConfig(process.env);
  const context: TargetContext = { repoRoot, workDir, credentials: freshCredentials() };
  const host = machine();
  if (host.loadAverage1m > 0.5) {
    console.log(`bench: the 1-minute load average is ${host.loadAverage1m.toFixed(2)}: expect noisy numbers`);
  }
  console.log(
    `bench: targets ${config.targets.join(', ')}; scenarios ${config.scenarios.join(', ')}; ` +
      `concurrency ${config.concurrencies.join(', ')}; warm-up ${config.warmupSeconds} s, measure ${config.seconds} s; ` +
      `principal ${config.principal}`,
  );
  if (config.principal === 'user') {
    console.log('bench: Trent is called as an IAM user with an identity policy; moto and bare as the account root');
  }
  const rows: ResultRow[] = [];
  const skipped: Outcome[] = [];
  const failed: Outcome[] = [];
  for (const name of config.targets) {
    const reason = unavailableReason(name, context);
    if (reason !== undefined) {
      console.log(`\n== ${name}: skipped: ${reason}`);
      skipped.push({ target: name, reason });
      continue;
    }
    try {
      rows.push(...(await benchTarget(name, context, config)));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.error(`\n== ${name}: FAILED: ${reason}`);
      failed.push({ target: name, reason });
    }
  }

  const ratio = ratios(rows);
  console.log(`\n${formatTable(rows)}`);
  console.log(
    `\n${ratio.basis}: Trent/moto ${formatRatio(ratio.trentOverMoto)}, Trent/bare ${formatRatio(ratio.trentOverBare)}`,
  );
  for (const { target, reason } of [...skipped, ...failed]) console.log(`not measured: ${target}: ${reason}`);
  const withErrors = rows.filter((row) => row.errors > 0);
  if (withErrors.length > 0) console.log(`\n(!) ${withErrors.length} run(s) had errors: their numbers do not count.`);
  console.log(`\nMarkdown for bench/README.md:\n\n${formatMarkdown(rows, ratio)}\n`);

  writeResults({
    generatedAt: new Date().toISOString(),
    machine: host,
    config,
    results: rows,
    ratios: ratio,
    skipped,
    failed,
  });
  console.log(`results written to ${path.relative(repoRoot, resultsPath)}`);
  return failed.length > 0 || withErrors.length > 0 ? 1 : 0;
}

const workDir = mkdtempSync(path.join(os.tmpdir(), 'trent-bench-'));
let shuttingDown = false;

// The exit handler is synchronous: it can only SIGKILL what is left, which after an orderly stop is nothing.
process.on('exit', () => {
  killAllChildrenNow();
  rmSync(workDir, { recursive: true, force: true });
});

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.error(`\nbench: ${signal}: stopping the servers`);
  await stopAllChildren();
  process.exit(128 + (os.constants.signals[signal] ?? 0));
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

main(workDir).then(
  async (code) => {
    await stopAllChildren();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error('bench:', error instanceof Error ? error.message : error);
    await stopAllChildren();
    process.exit(1);
  },
);
