import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { credentialSecrets, inputSecrets, outputSecrets, secretCaptureMiddleware } from './secret-capture.js';

const dataKey = Uint8Array.from({ length: 32 }, (_, index) => index);

describe('secret capture', () => {
  test('takes the input plaintext as base64', () => {
    assert.deepEqual(inputSecrets({ KeyId: 'alias/a', Plaintext: dataKey }), [
      { kind: 'Plaintext', encoding: 'base64', value: Buffer.from(dataKey).toString('base64') },
    ]);
  });

  test('takes every secret member of an output, strings as they are', () => {
    const kinds = outputSecrets({
      PrivateKeyPlaintext: dataKey,
      AccessKey: { AccessKeyId: 'AKIAEXAMPLE000000001', SecretAccessKey: 'secret-access-key-1234' },
      Credentials: { SecretAccessKey: 'session-secret-5678', SessionToken: 'session-token-abcdef' },
      GrantToken: 'grant-token-0123456789',
    }).map((secret) => `${secret.kind}=${secret.value}`);
    assert.deepEqual(kinds, [
      `PrivateKeyPlaintext=${Buffer.from(dataKey).toString('base64')}`,
      'AccessKey.SecretAccessKey=secret-access-key-1234',
      'Credentials.SecretAccessKey=session-secret-5678',
      'Credentials.SessionToken=session-token-abcdef',
      'GrantToken=grant-token-0123456789',
    ]);
  });

  test('skips values shorter than 8 bytes and members that are absent', () => {
    assert.deepEqual(outputSecrets({ Plaintext: new Uint8Array(7), KeyId: 'arn:aws:kms:…' }), []);
    assert.deepEqual(credentialSecrets({ secretAccessKey: 'short' }), []);
  });

  test('the middleware appends the secrets of the input and of the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-capture-'));
    try {
      const file = join(dir, 'secrets.jsonl');
      const handler = secretCaptureMiddleware(file)(async () => ({ output: { GrantToken: 'grant-token-0123456789' } }));
      await handler({ input: { Plaintext: dataKey } });
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).kind);
      assert.deepEqual(lines, ['Plaintext', 'GrantToken']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
