import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { accountRoot } from '../../test/support/callers.js';
import { identityDirectory } from '../authz/identity.js';
import { Identities } from '../identities/identity-service.js';
import { Keys } from '../keys/key-service.js';
import type { KeyStore } from '../keystores/port.js';
import type { Persistence } from '../persistence/port.js';
import { systemClock } from '../shared/clock.js';
import { pooledRandom } from '../shared/random.js';
import { createHttpServer } from './server.js';

const caller = accountRoot('111122223333');

/** A store whose every method fails the way a broken disk would. */
const brokenPersistence = new Proxy({} as Persistence, {
  get: () => async () => {
    throw new Error('disk I/O error at /secret/path/trent.db');
  },
});

describe('http server failure handling', () => {
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
  const server = createHttpServer({
    authenticate: async () => ({ caller, region: 'us-east-1' }),
    keys: new Keys({
      persistence: brokenPersistence,
      keyUsage: { record: async () => {}, find: async () => undefined, close: async () => {} },
      keyStore: {} as KeyStore,
      clock: systemClock,
      random: pooledRandom(),
    }),
    logger,
    principals: async () => false,
    identityPolicies: identityDirectory(brokenPersistence),
    identities: new Identities({
      persistence: brokenPersistence,
      keyStore: {} as KeyStore,
      random: pooledRandom(),
      clock: systemClock,
      principalExists: async () => false,
    }),
    now: () => Date.now(),
    audit: { append: async () => {}, healthCheck: async () => {}, close: async () => {} },
    authFailures: { note: () => {} },
    mutation: (work, beforeCommit) => brokenPersistence.mutation(work, beforeCommit),
    operatorAccountId: caller.accountId,
    auditPublicKey: { fingerprint: '', pem: '' },
    createAccount: () => brokenPersistence.ping().then(() => assert.fail('the store is broken')),
    readiness: () => brokenPersistence.ping(),
    requestStarted: () => {},
  });
  let base = '';

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('turns an unexpected failure into KMSInternalException (500) naming the request id, details only in the log', async () => {
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' },
      body: JSON.stringify({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
    });
    assert.equal(response.status, 500);
    const requestId = response.headers.get('x-amzn-requestid') as string;
    const body = (await response.json()) as Record<string, string>;
    assert.deepEqual(body, {
      __type: 'KMSInternalException',
      message: `An internal error occurred. Request id: ${requestId}`,
    });
    assert.ok(logged.some((line) => line.includes('disk I/O error') && line.includes(requestId)));
  });

  it('reports not ready (503) when the store is broken', async () => {
    const response = await fetch(`${base}/readyz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'not ready' });
  });
});
