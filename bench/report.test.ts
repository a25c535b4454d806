import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMarkdown, type ResultRow, ratios } from './report.js';

function row(target: ResultRow['target'], opsPerSecond: number, errors = 0): ResultRow {
  return {
    target,
    scenario: 'Encrypt',
    concurrency: 32,
    opsPerSecond,
    errors,
    requests: 1000,
    errorKinds: {},
    firstError: undefined,
    elapsedSeconds: 5,
    p50Ms: 1,
    p99Ms: 2,
    clientCpuMicrosPerRequest: 41.4,
    clientCpuCores: 0.3,
  };
}

test('ratios divide Trent by moto and by bare on Encrypt at concurrency 32', () => {
  const result = ratios([row('trent', 1200), row('moto', 300), row('bare', 4800)]);
  assert.equal(result.trentOverMoto, 4);
  assert.equal(result.trentOverBare, 0.25);
});

test('ratios are undefined when a side is missing or had errors', () => {
  assert.equal(ratios([row('moto', 300)]).trentOverMoto, undefined);
  assert.equal(ratios([row('trent', 1200, 3), row('moto', 300)]).trentOverMoto, undefined);
  assert.equal(ratios([row('trent', 1200), row('moto', 300, 1)]).trentOverMoto, undefined);
});

test('the Markdown table has one line per row and flags errors', () => {
  const markdown = formatMarkdown([row('moto', 300), row('bare', 4800, 2)], ratios([]));
  const tableLines = markdown.split('\n').filter((line) => line.startsWith('|'));
  assert.equal(tableLines.length, 4);
  assert.match(tableLines[3] ?? '', /\| bare \| Encrypt \| 32 \| 4800 \| .* \| 41 \| 2 of 1000 \(!\) \|$/);
});
