import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { prepareCall } from './kms-client.js';
import { percentile, runLoad } from './load.js';
import { SigV4Signer, sha256Hex } from './sigv4-signer.js';

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
    const body = failing ? '{"__type":"ThrottlingException"}' : '{}';
    response.writeHead(failing ? 503 : 200, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
let endpoint = { host: '127.0.0.1', port: 0 };

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function options(overrides: { maxRequests: number; durationMs: number }) {
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

test('reports the client CPU it spent per request', async () => {
  const result = await runLoad(options({ maxRequests: 200, durationMs: 60_000 }));
  assert.ok(result.clientCpuMicrosPerRequest > 0 && Number.isFinite(result.clientCpuMicrosPerRequest));
  assert.ok(result.clientCpuCores > 0);
});

test('a request that outlives its timeout is an error of its own kind and does not hang the run', async () => {
  const silent = http.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentEndpoint = { host: '127.0.0.1', port: (silent.address() as AddressInfo).port };
  try {
    const call = prepareCall(silentEndpoint, credentials, 'Encrypt', { KeyId: 'alias/bench', Plaintext: 'AAAA' });
    const result = await runLoad({
      endpoint: silentEndpoint,
      call,
      concurrency: 2,
      warmupMs: 0,
      durationMs: 150,
      maxRequests: 1000,
      requestTimeoutMs: 100,
    });
    assert.ok(result.errors >= 2 && result.errors === result.requests);
    assert.deepEqual(Object.keys(result.errorKinds), ['Encrypt timed out after 100 ms']);
    assert.ok(result.elapsedSeconds < 5);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

function headersOf(request: Buffer): { head: string[]; body: string } {
  const text = request.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  return { head: text.slice(0, headEnd).split('\r\n'), body: text.slice(headEnd + 4) };
}

test('each request is the complete bytes: request line, signed kms headers, body', () => {
  const call = options({ maxRequests: 1, durationMs: 1 }).call;
  const nowMs = Date.parse('2026-03-04T05:06:07.890Z');
  const { head, body } = headersOf(call.requestAt(nowMs));
  assert.equal(body, call.body.toString('utf8'));
  assert.equal(head[0], 'POST / HTTP/1.1');
  const header = (name: string) => head.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
  assert.equal(header('X-Amz-Target'), 'TrentService.Encrypt');
  assert.equal(header('Content-Length'), `${call.body.length}`);
  assert.equal(header('X-Amz-Date'), '20260304T050607Z');
  const expected = new SigV4Signer(credentials, 'us-east-1', 'kms').sign({
    method: 'POST',
    path: '/',
    headers: {
      host: `${endpoint.host}:${endpoint.port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-date': '20260304T050607Z',
      'x-amz-target': 'TrentService.Encrypt',
    },
    payloadHash: sha256Hex(call.body),
  });
  assert.equal(header('Authorization'), expected.authorization);
  assert.match(expected.authorization, /Credential=AKIDEXAMPLE\/20260304\/us-east-1\/kms\/aws4_request, /);
});

test('requests within one second are the same bytes; the next second is signed afresh', () => {
  const call = options({ maxRequests: 1, durationMs: 1 }).call;
  const second = Date.parse('2026-03-04T05:06:07Z');
  const first = call.requestAt(second + 10);
  assert.equal(call.requestAt(second + 999), first, 'the same second reuses the signed request');
  const next = headersOf(call.requestAt(second + 1000)).head;
  assert.ok(next.includes('X-Amz-Date: 20260304T050608Z'));
  const authorization = (head: string[]) => head.find((line) => line.startsWith('Authorization: '));
  assert.notEqual(authorization(next), authorization(headersOf(first).head));
});
