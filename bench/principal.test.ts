import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { xmlText } from './iam-client.js';
import { asPrincipal, BENCH_USER_NAME, createBenchUser } from './principal.js';
import { SigV4Signer, sha256Hex } from './sigv4-signer.js';
import type { RunningTarget } from './targets.js';

const root = { accessKeyId: 'AKIDROOT', secretAccessKey: 'root-secret' };

interface Received {
  readonly params: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The Authorization a correct signer for `iam` gives the request received, to compare with the one sent. */
  readonly expectedAuthorization: string;
}

// A stand-in for Trent's IAM API: it records each call and answers CreateAccessKey with a key whose secret holds
// characters that XML escapes; `failing` makes it refuse an action as Trent refuses a call it does not allow.
const received: Received[] = [];
let failing: string | undefined;
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const params = new URLSearchParams(body.toString('utf8'));
    const { host = '', 'content-type': contentType = '', 'x-amz-date': date = '' } = request.headers;
    const expected = new SigV4Signer(root, 'us-east-1', 'iam').sign({
      method: 'POST',
      path: '/',
      headers: { host, 'content-type': contentType, 'x-amz-date': `${date}` },
      payloadHash: sha256Hex(body),
    });
    received.push({ params, headers: request.headers, expectedAuthorization: expected.authorization });
    const action = params.get('Action') ?? '';
    const refused = action === failing;
    const xml = refused
      ? '<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>'
      : action === 'CreateAccessKey'
        ? '<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><UserName>bench</UserName>' +
          '<AccessKeyId>AKIDUSER</AccessKeyId><SecretAccessKey>a+b/c&amp;d&lt;e</SecretAccessKey>' +
          '</AccessKey></CreateAccessKeyResult></CreateAccessKeyResponse>'
        : `<${action}Response/>`;
    response.writeHead(refused ? 403 : 200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
    response.end(xml);
  });
});
let endpoint = { host: '127.0.0.1', port: 0 };

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  failing = undefined;
});

function runningTarget(name: RunningTarget['name']): RunningTarget {
  return { name, endpoint, credentials: root, logPath: '/dev/null', stop: async () => {} };
}

test('creates the user, puts its conditional policy, and returns its new access key', async () => {
  const credentials = await createBenchUser(endpoint, root);
  assert.deepEqual(credentials, { accessKeyId: 'AKIDUSER', secretAccessKey: 'a+b/c&d<e' });
  assert.deepEqual(
    received.map(({ params }) => params.get('Action')),
    ['CreateUser', 'PutUserPolicy', 'CreateAccessKey'],
  );
  for (const { params } of received) {
    assert.equal(params.get('Version'), '2010-05-08');
    assert.equal(params.get('UserName'), BENCH_USER_NAME);
  }
  const policy = JSON.parse(received[1]?.params.get('PolicyDocument') ?? '{}');
  const [statement, ...others] = policy.Statement;
  assert.equal(others.length, 0);
  assert.equal(statement.Effect, 'Allow');
  assert.deepEqual([...statement.Action].sort(), [
    'kms:CreateKey',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
  ]);
  assert.deepEqual(statement.Condition, { StringEquals: { 'aws:PrincipalType': 'User' } });
});

test('IAM calls are forms signed for iam in us-east-1 with the root credentials', async () => {
  await createBenchUser(endpoint, root);
  for (const { headers, expectedAuthorization } of received) {
    assert.match(headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
    assert.equal(headers['x-amz-target'], undefined, 'an X-Amz-Target would make Trent read it as a KMS call');
    assert.match(headers.authorization ?? '', /Credential=AKIDROOT\/\d{8}\/us-east-1\/iam\/aws4_request, /);
    assert.equal(headers.authorization, expectedAuthorization);
  }
});

test('a refused IAM call stops the setup with the action and the answer', async () => {
  failing = 'PutUserPolicy';
  await assert.rejects(createBenchUser(endpoint, root), /PutUserPolicy answered HTTP 403: .*AccessDenied/);
  assert.equal(received.length, 2, 'no access key is created for a user without its policy');
});

test('only Trent, and only for `user`, is called as the user', async () => {
  const trent = runningTarget('trent');
  assert.equal(await asPrincipal('root', trent), trent);
  assert.equal(await asPrincipal('user', runningTarget('bare')).then((target) => target.credentials), root);
  assert.equal(received.length, 0);
  const asUser = await asPrincipal('user', trent);
  assert.deepEqual(asUser.credentials, { accessKeyId: 'AKIDUSER', secretAccessKey: 'a+b/c&d<e' });
  assert.equal(asUser.endpoint, trent.endpoint);
  assert.equal(asUser.stop, trent.stop);
});

test('xmlText reads the first element and refuses an answer without it', () => {
  assert.equal(xmlText('<A><B>x&quot;y&apos;</B><B>z</B></A>', 'B'), `x"y'`);
  assert.throws(() => xmlText('<A><BB>x</BB></A>', 'B'), /the answer has no <B>/);
});
