import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type RawRequest, sendRaw, signedHeaders } from '../support/raw-kms.js';
import { startTestTrent, TEST_CREDENTIALS, type TestTrent } from '../support/trent.js';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('awsJson1_1 wire protocol', () => {
  let server: TestTrent;

  before(async () => {
    server = await startTestTrent();
  });
  after(() => server.stop());

  const call = (target: string | undefined, body: string | Buffer, extra: Partial<RawRequest> = {}) =>
    sendRaw(server.url, { target, body, ...extra });

  it('answers a signed call with the AWS content type and a request id', async () => {
    const response = await call('TrentService.ListKeys', '{}');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    assert.match(String(response.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.ok(Array.isArray(response.json()['Keys']));
  });

  it('puts x-amzn-RequestId on errors too, with {"__type", "message"}', async () => {
    const response = await call('TrentService.DescribeKey', '{}');
    assert.equal(response.status, 400);
    assert.match(String(response.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(response.json(), {
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it('unknown operations and targets are UnknownOperationException', async () => {
    for (const target of ['TrentService.NoSuchThing', 'OtherService.ListKeys', undefined]) {
      const response = await call(target, '{}');
      assert.equal(response.status, 400);
      assert.equal(response.json()['__type'], 'UnknownOperationException');
    }
  });

  it('bad JSON and wrong types are SerializationException', async () => {
    for (const body of ['{', '[]', '"x"', '{"KeyId": {}}', '{"KeyId": 5}']) {
      const response = await call('TrentService.DescribeKey', body);
      assert.equal(response.status, 400, body);
      assert.equal(response.json()['__type'], 'SerializationException', body);
    }
  });

  it('refuses a body over the limit before parsing it', async () => {
    const response = await call('TrentService.Encrypt', Buffer.alloc(300 * 1024, 0x20));
    assert.equal(response.status, 413);
    assert.equal(response.json()['__type'], 'RequestEntityTooLargeException');
  });

  it('unsigned requests are MissingAuthenticationTokenException', async () => {
    const response = await call('TrentService.ListKeys', '{}', { unsigned: true });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'MissingAuthenticationTokenException');
  });

  it('an unknown access key is UnrecognizedClientException', async () => {
    const response = await call('TrentService.ListKeys', '{}', {
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'whatever-secret-value' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'UnrecognizedClientException');
  });

  it('a request whose X-Amz-Target is not signed cannot be replayed as another operation', async () => {
    const headers = await signedHeaders(server.url, { target: undefined, body: '{}' });
    const response = await call('TrentService.CreateKey', '{}', { unsigned: true, headers });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'IncompleteSignatureException');
  });

  it('a session token is refused while Trent issues no session credentials', async () => {
    const response = await call('TrentService.ListKeys', '{}', {
      credentials: { ...TEST_CREDENTIALS, sessionToken: 'forged-session-token' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'UnrecognizedClientException');
  });

  it('a wrong secret is InvalidSignatureException', async () => {
    const response = await call('TrentService.ListKeys', '{}', {
      credentials: { accessKeyId: 'AKIATRENTTESTADMIN01', secretAccessKey: 'not-the-right-secret-value' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'InvalidSignatureException');
  });

  it('a signature from more than 5 minutes ago is InvalidSignatureException (Signature expired)', async () => {
    const response = await call('TrentService.ListKeys', '{}', { signingDate: new Date(Date.now() - 6 * 60_000) });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'InvalidSignatureException');
    assert.match(String(response.json()['message']), /^Signature expired/);
  });

  it('a signature scoped to another service is refused', async () => {
    const response = await call('TrentService.ListKeys', '{}', { service: 's3' });
    assert.equal(response.status, 400);
    assert.equal(response.json()['__type'], 'InvalidSignatureException');
  });

  it('a body changed after signing is InvalidSignatureException, whatever x-amz-content-sha256 says', async () => {
    const headers = await signedHeaders(server.url, { target: 'TrentService.ListKeys', body: '{}' });
    const payloadHash = createHash('sha256').update('{}').digest('hex');
    const variants: Array<Record<string, string>> = [{}, { 'x-amz-content-sha256': payloadHash }];
    for (const extra of variants) {
      const response = await call('TrentService.ListKeys', '{"Limit": 1}', {
        unsigned: true,
        headers: { ...headers, ...extra },
      });
      assert.equal(response.status, 400);
      assert.equal(response.json()['__type'], 'InvalidSignatureException');
    }
  });

  it('serves /healthz and /readyz without authentication', async () => {
    const health = await get(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: 'alive' });
    const ready = await get(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), { status: 'ready' });
  });
});
