import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { prepareCall } from './kms-client.js';
import { percentile, runLoad } from './load.js';

test('percentile takes the nearest rank', () => {
  const samples = Float64Array.from({ length: 100 }, (_, index) => index + 1);
  assert.equal(percentile(samples, 0.5), 50);
  assert.equal(percentile(samples, 0.99), 99);
  assert.equal(percentile(Float64Array.of(7), 0.99), 7);
  assert.ok(Number.isNaN(percentile(new Float64Array(0), 0.5)));
});

// Every third request fails, so the error count is known exactly.
let served = 0;
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    served += 1;
    const failing = served % 3 === 0;
    response.writeHead(failing ? 503 : 200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(failing ? '{"__type":"ThrottlingException"}' : '{}');
  });
});
let endpoint = { host: '127.0.0.1', port: 0 };

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function options(overrides: { maxRequests: number; durationMs: number }) {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const call = prepareCall(endpoint, credentials, 'Encrypt', { KeyId: 'alias/bench', Plaintext: 'AAAA' });
  return { endpoint, call, concurrency: 4, warmupMs: 0, requestTimeoutMs: 5000, ...overrides };
}

test('stops at the request bound and counts non-2xx answers as errors', async () => {
  served = 0;
  const result = await runLoad(options({ maxRequests: 30, durationMs: 60_000 }));
  assert.equal(result.requests, 30);
  assert.equal(result.errors, 10);
  assert.deepEqual(result.errorKinds, { 'HTTP 503': 10 });
  assert.match(result.firstError ?? '', /^HTTP 503: .*ThrottlingException/);
  assert.ok(result.elapsedSeconds < 30, 'the request bound, not the duration, ended the run');
  assert.ok(Math.abs(result.opsPerSecond - 20 / result.elapsedSeconds) < 1e-6, 'ops/s counts successes only');
});

test('stops at the duration when the request bound is far away', async () => {
  const result = await runLoad(options({ maxRequests: 1_000_000, durationMs: 300 }));
  assert.ok(result.elapsedSeconds >= 0.3 && result.elapsedSeconds < 5, `elapsed ${result.elapsedSeconds} s`);
  assert.ok(result.requests > 0 && result.requests < 1_000_000);
  assert.ok(result.p50Ms > 0 && result.p50Ms <= result.p99Ms);
});

test('signs every request with the kms scope', () => {
  const call = options({ maxRequests: 1, durationMs: 1 }).call;
  const headers = call.headers();
  assert.equal(headers['x-amz-target'], 'TrentService.Encrypt');
  assert.equal(headers['content-length'], call.body.length);
  assert.match(
    String(headers['authorization']),
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/kms\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
  );
});
