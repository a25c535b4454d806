import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { amzDate, SigV4Signer, sha256Hex } from './sigv4-signer.js';

const suiteUrl = new URL('../../shared/vectors/aws-sigv4/v4-suite.json', import.meta.url);
const suitePath = fileURLToPath(suiteUrl);
const skip = existsSync(suitePath) ? false : `../shared/vectors/aws-sigv4/v4-suite.json is absent (${suitePath})`;

interface SuiteCase {
  context: {
    credentials: { access_key_id: string; secret_access_key: string };
    region: string;
    service: string;
    sign_body: boolean;
    timestamp: string;
  };
  request: string;
  'header-canonical-request': string;
  'header-string-to-sign': string;
  'header-signature': string;
}

function loadCase(name: string): SuiteCase {
  const suite = JSON.parse(readFileSync(suitePath, 'utf8')) as { cases: Record<string, SuiteCase> };
  const found = suite.cases[name];
  assert.ok(found, `the suite has no case ${name}`);
  return found;
}

/** Splits the suite's raw request text into method, path, single-valued headers and body. */
function parseRequest(raw: string): { method: string; path: string; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = raw.split('\n\n');
  const [requestLine = '', ...headerLines] = head.split('\n').filter((line) => line !== '');
  const [method = '', path = ''] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return { method, path, headers, body };
}

function signCase(signer: SigV4Signer, suiteCase: SuiteCase) {
  const { method, path, headers, body } = parseRequest(suiteCase.request);
  const payloadHash = sha256Hex(body);
  const date = amzDate(new Date(suiteCase.context.timestamp));
  const signedHeaders: Record<string, string> = { ...headers, 'X-Amz-Date': date };
  if (suiteCase.context.sign_body) signedHeaders['x-amz-content-sha256'] = payloadHash;
  return signer.sign({ method, path, headers: signedHeaders, payloadHash });
}

function signerFor(suiteCase: SuiteCase, secretAccessKey = suiteCase.context.credentials.secret_access_key) {
  const { credentials, region, service } = suiteCase.context;
  return new SigV4Signer({ accessKeyId: credentials.access_key_id, secretAccessKey }, region, service);
}

for (const name of ['get-vanilla', 'post-vanilla', 'post-header-key-case', 'post-x-www-form-urlencoded']) {
  test(`signs the AWS SigV4 suite case ${name}`, { skip }, () => {
    const suiteCase = loadCase(name);
    const signed = signCase(signerFor(suiteCase), suiteCase);
    assert.equal(signed.canonicalRequest, suiteCase['header-canonical-request']);
    assert.equal(signed.stringToSign, suiteCase['header-string-to-sign']);
    assert.equal(signed.signature, suiteCase['header-signature']);
  });
}

test('re-derives the cached signing key when the day changes', { skip }, () => {
  const suiteCase = loadCase('post-vanilla');
  const signer = signerFor(suiteCase);
  const previousDay = { ...suiteCase, context: { ...suiteCase.context, timestamp: '2015-08-29T23:59:59Z' } };
  assert.notEqual(signCase(signer, previousDay).signature, suiteCase['header-signature']);
  assert.equal(signCase(signer, suiteCase).signature, suiteCase['header-signature']);
});

test('a different secret gives a different signature', { skip }, () => {
  const suiteCase = loadCase('get-vanilla');
  const signed = signCase(signerFor(suiteCase, 'not-the-example-secret-key'), suiteCase);
  assert.notEqual(signed.signature, suiteCase['header-signature']);
});

test('amzDate drops separators and milliseconds', () => {
  assert.equal(amzDate(new Date('2015-08-30T12:36:00.123Z')), '20150830T123600Z');
});

test('a prepared request refuses an X-Amz-Date of its own, since each signature brings one', () => {
  const signer = new SigV4Signer({ accessKeyId: 'AKID', secretAccessKey: 'secret' }, 'us-east-1', 'kms');
  const request = { method: 'POST', path: '/', payloadHash: sha256Hex('') };
  assert.throws(
    () => signer.prepare({ ...request, headers: { host: 'h', 'X-Amz-Date': '20150830T123600Z' } }),
    /takes its X-Amz-Date from each signature/,
  );
  const sign = signer.prepare({ ...request, headers: { host: 'h' } });
  assert.equal(
    sign('20150830T123600Z').canonicalRequest,
    `POST\n/\n\nhost:h\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${sha256Hex('')}`,
  );
});
