import type { LoadResult } from './load.js';
import type { ScenarioName } from './scenarios.js';
import type { TargetName } from './targets.js';

// Turns measurements into the console table, the Markdown table for bench/README.md and the ratios.

export interface ResultRow extends LoadResult {
  readonly target: TargetName;
  readonly scenario: ScenarioName;
  readonly concurrency: number;
}

export interface Ratios {
  /** The scenario and concurrency the ratios compare, e.g. "Encrypt at concurrency 32". */
  readonly basis: string;
  /** Trent's ops/s divided by moto's; undefined when either was not measured. */
  readonly trentOverMoto: number | undefined;
  readonly trentOverBare: number | undefined;
}

const RATIO_SCENARIO: ScenarioName = 'Encrypt';
const RATIO_CONCURRENCY = 32;

function opsOf(rows: readonly ResultRow[], target: TargetName): number | undefined {
  const row = rows.find(
    (candidate) =>
      candidate.target === target &&
      candidate.scenario === RATIO_SCENARIO &&
      candidate.concurrency === RATIO_CONCURRENCY,
  );
  return row && row.errors === 0 && row.opsPerSecond > 0 ? row.opsPerSecond : undefined;
}

export function ratios(rows: readonly ResultRow[]): Ratios {
  const trent = opsOf(rows, 'trent');
  const divide = (other: number | undefined) =>
    trent !== undefined && other !== undefined ? trent / other : undefined;
  return {
    basis: `${RATIO_SCENARIO} at concurrency ${RATIO_CONCURRENCY} (ops/s)`,
    trentOverMoto: divide(opsOf(rows, 'moto')),
    trentOverBare: divide(opsOf(rows, 'bare')),
  };
}

const HEADERS = [
  'target',
  'scenario',
  'concurrency',
  'ops/s',
  'p50 ms',
  'p99 ms',
  'client CPU µs/req',
  'errors',
] as const;

function milliseconds(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(value < 10 ? 2 : 1);
}

function cells(row: ResultRow): string[] {
  return [
    row.target,
    row.scenario,
    `${row.concurrency}`,
    Math.round(row.opsPerSecond).toString(),
    milliseconds(row.p50Ms),
    milliseconds(row.p99Ms),
    Number.isNaN(row.clientCpuMicrosPerRequest) ? 'n/a' : Math.round(row.clientCpuMicrosPerRequest).toString(),
    row.errors === 0 ? '0' : `${row.errors} of ${row.requests} (!)`,
  ];
}

const RIGHT_ALIGNED = new Set([2, 3, 4, 5, 6, 7]);

export function formatTable(rows: readonly ResultRow[]): string {
  const lines = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  const render = (line: readonly string[]) =>
    line
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(lines[0] ?? []), rule, ...lines.slice(1).map(render)].join('\n');
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}x`;
}

export function formatMarkdown(rows: readonly ResultRow[], ratio: Ratios): string {
  const header = `| ${HEADERS.join(' | ')} |`;
  const alignment = `|${HEADERS.map((_, column) => (RIGHT_ALIGNED.has(column) ? '---:' : '---')).join('|')}|`;
  const body = rows.map((row) => `| ${cells(row).join(' | ')} |`);
  const ratioLines = [
    '',
    `Ratios on ${ratio.basis}: Trent/moto ${formatRatio(ratio.trentOverMoto)}, ` +
      `Trent/bare ${formatRatio(ratio.trentOverBare)}.`,
  ];
  return [header, alignment, ...body, ...ratioLines].join('\n');
}
