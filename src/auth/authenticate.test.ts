import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signedHeaders } from '../../test/support/raw-kms.js';
import { KmsError } from '../errors/catalogue.js';
import { issueSession } from '../identities/sessions.js';
import type { KeyStore } from '../keystores/port.js';
import { createSoftwareKeyStore } from '../keystores/software/software-key-store.js';
import { createMemoryPersistence } from '../persistence/memory/memory-persistence.js';
import type { RoleRecord } from '../persistence/port.js';
import { ManualClock } from '../shared/clock.js';
import { pooledRandom } from '../shared/random.js';
import { createAuthenticator } from './authenticate.js';
import type { ReceivedRequest } from './sigv4.js';

const ACCOUNT = '111122223333';
const START = Date.UTC(2026, 0, 15, 9, 30);
const ROLE: RoleRecord = {
  accountId: ACCOUNT,
  roleName: 'deployer',
  roleId: 'AROADEPLOYEREXAMPLE1',
  path: '/',
  arn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
  trustPolicy: '{}',
  description: '',
  maxSessionDuration: 3600,
  createdAt: START,
};

/** A key store that counts the secrets it opens. */
function countingKeyStore(inner: KeyStore) {
  const counted = { opened: 0 };
  const keyStore: KeyStore = {
    ...inner,
    openSecret: (context, sealed) => {
      counted.opened += 1;
      return inner.openSecret(context, sealed);
    },
  };
  return { keyStore, counted };
}

async function setup() {
  const random = pooledRandom();
  const { keyStore, counted } = countingKeyStore(createSoftwareKeyStore(randomBytes(32), random));
  const persistence = createMemoryPersistence();
  await persistence.migrate();
  await persistence.insertRole(ROLE, []);
  const clock = new ManualClock(START);
  const credentials = await issueSession(
    { keyStore, random },
    {
      accountId: ACCOUNT,
      roleArn: ROLE.arn,
      roleId: ROLE.roleId,
      roleName: ROLE.roleName,
      sessionName: 'build-1',
      expiresAt: START + 900_000,
      sessionTags: [],
    },
  );
  const authenticate = createAuthenticator({ persistence, keyStore, clock });
  /** A KMS request signed with the session's credentials (or another access key id) at the clock's time. */
  async function request(accessKeyId = credentials.accessKeyId): Promise<ReceivedRequest> {
    const body = '{"KeyId":"alias/app"}';
    const headers = await signedHeaders('http://127.0.0.1', {
      target: 'TrentService.DescribeKey',
      body,
      credentials: { ...credentials, accessKeyId },
      signingDate: new Date(clock.now()),
    });
    return { method: 'POST', rawPath: '/', rawHeaders: Object.entries(headers).flat(), body: Buffer.from(body) };
  }
  return { authenticate, request, counted, clock, persistence, credentials };
}

const refusedWith = (type: string) => (error: unknown) => error instanceof KmsError && error.type === type;

describe('role-session credentials', () => {
  it('open the token once, and still check expiry and the role on every request', async () => {
    const { authenticate, request, counted, clock, persistence } = await setup();
    const before = counted.opened;
    for (let call = 0; call < 3; call++) {
      const { caller } = await authenticate(await request(), 'kms');
      assert.equal(caller.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/build-1`);
    }
    assert.equal(counted.opened - before, 1, 'the token was opened once for three requests');

    clock.advance(900_000);
    await assert.rejects(authenticate(await request(), 'kms'), refusedWith('ExpiredTokenException'));
    clock.set(START);
    await persistence.deleteRole(ACCOUNT, ROLE.roleName);
    await assert.rejects(authenticate(await request(), 'kms'), refusedWith('UnrecognizedClientException'));
  });

  it('refuse a known token presented with another access key id', async () => {
    const { authenticate, request } = await setup();
    await authenticate(await request(), 'kms');
    await assert.rejects(
      authenticate(await request('ASIAAAAAAAAAAAAAAAAA'), 'kms'),
      refusedWith('UnrecognizedClientException'),
    );
  });
});
