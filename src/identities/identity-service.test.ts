import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { accountRoot } from '../../test/support/callers.js';
import { provisionAccount } from '../auth/bootstrap.js';
import { QueryError, type QueryErrorCode } from '../errors/catalogue.js';
import { createSoftwareKeyStore } from '../keystores/software/software-key-store.js';
import { createMemoryPersistence } from '../persistence/memory/memory-persistence.js';
import type { Caller } from '../shared/caller.js';
import { ManualClock } from '../shared/clock.js';
import { pooledRandom } from '../shared/random.js';
import { accessKeySecretContext } from './credentials.js';
import { Identities, rolePrincipal, type UserOrRoot, userPrincipal } from './identity-service.js';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const START = Date.UTC(2026, 0, 1);

/** Two accounts, each with its root access key, as first start provisions them; `known` ARNs exist as principals. */
async function setup(known: readonly string[] = []) {
  const persistence = createMemoryPersistence();
  await persistence.migrate();
  const random = pooledRandom();
  const keyStore = createSoftwareKeyStore(randomBytes(32), random);
  const clock = new ManualClock(START);
  for (const accountId of [ACCOUNT, OTHER_ACCOUNT]) {
    const { accessKeyId } = accountRoot(accountId);
    await provisionAccount({ persistence, keyStore, now: START - 1000 }, accountId, {
      accessKeyId,
      secretAccessKey: 'root secret',
    });
  }
  const principals = new Set(known);
  const identities = new Identities({
    persistence,
    keyStore,
    random,
    clock,
    principalExists: async (arn) => principals.has(arn),
  });
  return { identities, persistence, keyStore, clock };
}

async function rejectsWith(promise: Promise<unknown>, code: QueryErrorCode, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QueryError, `expected a QueryError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  });
}

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allowAll = { Effect: 'Allow', Action: 'kms:*', Resource: '*' };
/** A trust policy as AWS writes them: a principal and sts:AssumeRole, no Resource. */
const trustFor = (principal: string) =>
  policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' });
const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;

/**
 * A document of exactly `chars` characters once whitespace is left out, its Sid the filler, pretty-printed so
 * that it is much longer with whitespace counted.
 */
function sized(statement: (sid: string) => object, chars: number): string {
  const document = (sid: string) => ({ Version: '2012-10-17', Statement: [statement(sid)] });
  const filler = 'x'.repeat(chars - JSON.stringify(document('')).length);
  return JSON.stringify(document(filler), null, 10);
}
const trustOfSize = (chars: number) =>
  sized((Sid) => ({ Sid, Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'sts:AssumeRole' }), chars);
const policyOfSize = (chars: number) => sized((Sid) => ({ Sid, ...allowAll }), chars);

describe('users', () => {
  test('a new user gets an AIDA id, the default path and an ARN naming path and name', async () => {
    const { identities } = await setup();
    const user = await identities.createUser(ACCOUNT, { userName: 'alice' });
    assert.match(user.userId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(user.path, '/');
    assert.equal(user.arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.equal(user.createdAt, START);
    const nested = await identities.createUser(ACCOUNT, { userName: 'bob', path: '/team/ops/' });
    assert.equal(nested.arn, `arn:aws:iam::${ACCOUNT}:user/team/ops/bob`);
    assert.equal(identities.roleArn(ACCOUNT, '/a/', 'R'), `arn:aws:iam::${ACCOUNT}:role/a/R`);
  });

  test('names are taken whatever their case, and found whatever the case asked', async () => {
    const { identities } = await setup();
    await identities.createUser(ACCOUNT, { userName: 'Alice' });
    await rejectsWith(
      identities.createUser(ACCOUNT, { userName: 'alice' }),
      'EntityAlreadyExists',
      'User with name alice already exists.',
    );
    assert.equal((await identities.requireUser(ACCOUNT, 'ALICE')).userName, 'Alice');
  });

  test("one account never sees or touches another's users", async () => {
    const { identities } = await setup();
    await identities.createUser(ACCOUNT, { userName: 'alice' });
    await rejectsWith(
      identities.requireUser(OTHER_ACCOUNT, 'alice'),
      'NoSuchEntity',
      'The user with name alice cannot be found.',
    );
    assert.deepEqual((await identities.listUsers(OTHER_ACCOUNT, undefined, {})).items, []);
    const theirs = await identities.createUser(OTHER_ACCOUNT, { userName: 'alice' });
    assert.equal(theirs.arn, `arn:aws:iam::${OTHER_ACCOUNT}:user/alice`);
  });

  test('lists page by Marker and MaxItems, filtered by path prefix', async () => {
    const { identities } = await setup();
    for (const userName of ['carol', 'Alice', 'bob']) await identities.createUser(ACCOUNT, { userName });
    await identities.createUser(ACCOUNT, { userName: 'dave', path: '/ops/' });
    const first = await identities.listUsers(ACCOUNT, undefined, { maxItems: 2 });
    assert.deepEqual(
      first.items.map((user) => user.userName),
      ['Alice', 'bob'],
    );
    assert.equal(first.isTruncated, true);
    assert.ok(first.marker);
    const rest = await identities.listUsers(ACCOUNT, undefined, { marker: first.marker, maxItems: 2 });
    assert.deepEqual(
      rest.items.map((user) => user.userName),
      ['carol', 'dave'],
    );
    assert.equal(rest.isTruncated, false);
    assert.equal(rest.marker, undefined);
    const ops = await identities.listUsers(ACCOUNT, '/ops/', {});
    assert.deepEqual(
      ops.items.map((user) => user.userName),
      ['dave'],
    );
    await rejectsWith(
      identities.listUsers(ACCOUNT, undefined, { marker: 'made-up' }),
      'ValidationError',
      'Invalid Marker.',
    );
  });

  test('a user is deleted only once its access keys, then its policies, are gone', async () => {
    const { identities } = await setup();
    const user = await identities.createUser(ACCOUNT, { userName: 'alice', tags: [{ TagKey: 'team', TagValue: 'a' }] });
    const owner = await identities.userOrCaller(accountRoot(ACCOUNT), 'alice');
    const { accessKey } = await identities.createAccessKey(owner);
    await identities.putInlinePolicy(userPrincipal(user), 'kms', policy(allowAll));
    await rejectsWith(
      identities.deleteUser(user),
      'DeleteConflict',
      'Cannot delete entity, must delete access keys first.',
    );
    await identities.deleteAccessKey(owner, accessKey.accessKeyId);
    await rejectsWith(
      identities.deleteUser(user),
      'DeleteConflict',
      'Cannot delete entity, must delete policies first.',
    );
    await identities.deleteInlinePolicy(userPrincipal(user), 'kms');
    await identities.deleteUser(user);
    assert.equal(await identities.findUser(ACCOUNT, 'alice'), undefined);
    await rejectsWith(identities.deleteUser(user), 'NoSuchEntity', 'The user with name alice cannot be found.');
  });
});

describe('the user an operation defaults to', () => {
  test('an IAM user is itself, the root is the account root, a role session must name a user', async () => {
    const { identities } = await setup();
    const alice = await identities.createUser(ACCOUNT, { userName: 'alice' });
    const asAlice: Caller = {
      accountId: ACCOUNT,
      arn: alice.arn,
      type: 'IAMUser',
      principalId: alice.userId,
      accessKeyId: 'AKIAALICE',
      userName: 'alice',
    };
    const self = await identities.userOrCaller(asAlice, undefined);
    assert.equal(self.principalId, alice.userId);
    assert.equal(self.user?.userName, 'alice');

    const root = await identities.userOrCaller(accountRoot(ACCOUNT), undefined);
    assert.deepEqual(root, { accountId: ACCOUNT, principalId: ACCOUNT, arn: ROOT_ARN, user: undefined });

    const session: Caller = {
      accountId: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/R/s`,
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:s',
      accessKeyId: 'ASIAEXAMPLE',
    };
    await rejectsWith(
      identities.userOrCaller(session, undefined),
      'ValidationError',
      'Must specify userName when calling with non-User credentials',
    );
    assert.equal((await identities.userOrCaller(session, 'alice')).principalId, alice.userId);
    await rejectsWith(
      identities.userOrCaller(accountRoot(OTHER_ACCOUNT), 'alice'),
      'NoSuchEntity',
      'The user with name alice cannot be found.',
    );
  });
});

describe('access keys', () => {
  test('the secret is stored only sealed, and opens under its own key id only', async () => {
    const { identities, persistence, keyStore } = await setup();
    await identities.createUser(ACCOUNT, { userName: 'alice' });
    const owner = await identities.userOrCaller(accountRoot(ACCOUNT), 'alice');
    const first = await identities.createAccessKey(owner);
    const second = await identities.createAccessKey(owner);
    assert.match(first.accessKey.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(first.secretAccessKey.length, 40);
    assert.notEqual(first.secretAccessKey, second.secretAccessKey);

    const stored = await persistence.findAccessKey(first.accessKey.accessKeyId);
    assert.ok(stored);
    assert.equal(stored.principalType, 'IAMUser');
    assert.equal(stored.principalArn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.equal(stored.status, 'Active');
    assert.equal(Buffer.from(stored.sealedSecret).includes(Buffer.from(first.secretAccessKey)), false);
    const opened = await keyStore.openSecret(accessKeySecretContext(stored.accessKeyId), stored.sealedSecret);
    assert.equal(opened.toString('utf8'), first.secretAccessKey);
    await assert.rejects(
      keyStore.openSecret(accessKeySecretContext(second.accessKey.accessKeyId), stored.sealedSecret),
    );
  });

  test('two per user, the root included', async () => {
    const { identities } = await setup();
    await identities.createUser(ACCOUNT, { userName: 'alice' });
    const alice = await identities.userOrCaller(accountRoot(ACCOUNT), 'alice');
    await identities.createAccessKey(alice);
    await identities.createAccessKey(alice);
    await rejectsWith(
      identities.createAccessKey(alice),
      'LimitExceeded',
      'Cannot exceed quota for AccessKeysPerUser: 2',
    );

    // The root already has the key first start made.
    const root = await identities.userOrCaller(accountRoot(ACCOUNT), undefined);
    const rootKey = await identities.createAccessKey(root);
    assert.equal(rootKey.accessKey.principalType, 'Root');
    assert.equal(rootKey.accessKey.principalId, ACCOUNT);
    await rejectsWith(
      identities.createAccessKey(root),
      'LimitExceeded',
      'Cannot exceed quota for AccessKeysPerUser: 2',
    );
  });

  test("keys are listed, found, changed and deleted only through their owner; another's key does not exist", async () => {
    const { identities, persistence, clock } = await setup();
    await identities.createUser(ACCOUNT, { userName: 'alice' });
    await identities.createUser(ACCOUNT, { userName: 'bob' });
    const alice = await identities.userOrCaller(accountRoot(ACCOUNT), 'alice');
    const bob = await identities.userOrCaller(accountRoot(ACCOUNT), 'bob');
    const first = (await identities.createAccessKey(alice)).accessKey;
    clock.advance(1000);
    const second = (await identities.createAccessKey(alice)).accessKey;

    const page = await identities.listAccessKeys(alice, { maxItems: 1 });
    assert.deepEqual(
      page.items.map((key) => key.accessKeyId),
      [first.accessKeyId],
    );
    const next = await identities.listAccessKeys(alice, { marker: page.marker });
    assert.deepEqual(
      next.items.map((key) => key.accessKeyId),
      [second.accessKeyId],
    );
    assert.deepEqual((await identities.listAccessKeys(bob, {})).items, []);

    const missing = `The Access Key with id ${first.accessKeyId} cannot be found`;
    await rejectsWith(identities.requireAccessKey(bob, first.accessKeyId), 'NoSuchEntity', missing);
    await rejectsWith(identities.updateAccessKey(bob, first.accessKeyId, 'Inactive'), 'NoSuchEntity', missing);
    await rejectsWith(identities.deleteAccessKey(bob, first.accessKeyId), 'NoSuchEntity', missing);
    const otherRoot: UserOrRoot = await identities.userOrCaller(accountRoot(OTHER_ACCOUNT), undefined);
    await rejectsWith(identities.requireAccessKey(otherRoot, first.accessKeyId), 'NoSuchEntity', missing);

    await identities.updateAccessKey(alice, first.accessKeyId, 'Inactive');
    assert.equal((await persistence.findAccessKey(first.accessKeyId))?.status, 'Inactive');
    await identities.deleteAccessKey(alice, first.accessKeyId);
    assert.equal(await persistence.findAccessKey(first.accessKeyId), undefined);
  });
});

describe('roles and trust policies', () => {
  test('a new role gets an AROA id and IAM defaults', async () => {
    const { identities } = await setup([ROOT_ARN]);
    const role = await identities.createRole(ACCOUNT, { roleName: 'Deployer', trustPolicy: trustFor(ROOT_ARN) });
    assert.match(role.roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.arn, `arn:aws:iam::${ACCOUNT}:role/Deployer`);
    assert.equal(role.path, '/');
    assert.equal(role.maxSessionDuration, 3600);
    assert.equal(role.description, '');
    assert.deepEqual(await identities.findRole(ACCOUNT, 'deployer'), role);
    assert.equal(await identities.findRole(OTHER_ACCOUNT, 'Deployer'), undefined);
    await rejectsWith(
      identities.createRole(ACCOUNT, { roleName: 'DEPLOYER', trustPolicy: trustFor(ROOT_ARN) }),
      'EntityAlreadyExists',
      'Role with name DEPLOYER already exists.',
    );
  });

  test('a trust policy may name only principals that exist', async () => {
    const ghost = `arn:aws:iam::${ACCOUNT}:user/ghost`;
    const { identities } = await setup([ROOT_ARN]);
    await rejectsWith(
      identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: trustFor(ghost) }),
      'MalformedPolicyDocument',
      `Invalid principal in policy: "AWS":"${ghost}"`,
    );
    assert.equal(await identities.findRole(ACCOUNT, 'R'), undefined);
    const role = await identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: trustFor(ROOT_ARN) });
    await rejectsWith(
      identities.updateTrustPolicy(role, trustFor(ghost)),
      'MalformedPolicyDocument',
      `Invalid principal in policy: "AWS":"${ghost}"`,
    );
    await assert.rejects(
      identities.parseTrustPolicy('{"Statement": ['),
      (error: unknown) => error instanceof QueryError && error.code === 'MalformedPolicyDocument',
    );
  });

  test('a trust policy is at most 2048 characters, whitespace not counted', async () => {
    const { identities } = await setup([ROOT_ARN]);
    const atLimit = trustOfSize(2048);
    assert.ok(atLimit.length > 2048);
    await identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: atLimit });
    await rejectsWith(
      identities.createRole(ACCOUNT, { roleName: 'S', trustPolicy: trustOfSize(2049) }),
      'LimitExceeded',
      'Cannot exceed quota for ACLSizePerRole: 2048',
    );
  });

  test("an identity policy is refused in IAM's dialect when malformed or naming a principal", async () => {
    const { identities } = await setup();
    identities.parseIdentityPolicy(policy(allowAll));
    assert.throws(
      () => identities.parseIdentityPolicy(policy({ ...allowAll, Principal: '*' })),
      (error: unknown) => error instanceof QueryError && error.code === 'MalformedPolicyDocument',
    );
    assert.throws(
      () => identities.parseIdentityPolicy('not json'),
      (error: unknown) => error instanceof QueryError && error.code === 'MalformedPolicyDocument',
    );
  });

  test('a role is deleted only once its policies are gone', async () => {
    const { identities } = await setup([ROOT_ARN]);
    const role = await identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: trustFor(ROOT_ARN) });
    await identities.putInlinePolicy(rolePrincipal(role), 'kms', policy(allowAll));
    await rejectsWith(
      identities.deleteRole(role),
      'DeleteConflict',
      'Cannot delete entity, must delete policies first.',
    );
    await identities.deleteInlinePolicy(rolePrincipal(role), 'kms');
    await identities.deleteRole(role);
    await rejectsWith(identities.requireRole(ACCOUNT, 'R'), 'NoSuchEntity', 'The role with name R cannot be found.');
  });
});

describe('inline policies', () => {
  test('are put, found, listed in name order and deleted, each principal its own', async () => {
    const { identities } = await setup([ROOT_ARN]);
    const alice = userPrincipal(await identities.createUser(ACCOUNT, { userName: 'alice' }));
    const role = rolePrincipal(
      await identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: trustFor(ROOT_ARN) }),
    );
    await identities.putInlinePolicy(alice, 'zeta', policy(allowAll));
    await identities.putInlinePolicy(alice, 'alpha', policy(allowAll));
    const names = await identities.listInlinePolicyNames(alice, {});
    assert.deepEqual(names.items, ['alpha', 'zeta']);
    assert.equal((await identities.requireInlinePolicy(alice, 'zeta')).document, policy(allowAll));
    await rejectsWith(
      identities.requireInlinePolicy(role, 'zeta'),
      'NoSuchEntity',
      'The role policy with name zeta cannot be found.',
    );
    await identities.deleteInlinePolicy(alice, 'zeta');
    await rejectsWith(
      identities.requireInlinePolicy(alice, 'zeta'),
      'NoSuchEntity',
      'The user policy with name zeta cannot be found.',
    );
    await rejectsWith(
      identities.deleteInlinePolicy(alice, 'zeta'),
      'NoSuchEntity',
      'The user policy with name zeta cannot be found.',
    );
  });

  test('a malformed policy is not stored', async () => {
    const { identities } = await setup();
    const alice = userPrincipal(await identities.createUser(ACCOUNT, { userName: 'alice' }));
    await assert.rejects(
      identities.putInlinePolicy(alice, 'p', policy({ Effect: 'Allow', Action: 'kms:*' })),
      (error: unknown) => error instanceof QueryError && error.code === 'MalformedPolicyDocument',
    );
    assert.deepEqual((await identities.listInlinePolicyNames(alice, {})).items, []);
  });

  test("a user's policies together are at most 2048 characters, a role's 10240", async () => {
    const { identities } = await setup([ROOT_ARN]);
    const alice = userPrincipal(await identities.createUser(ACCOUNT, { userName: 'alice' }));
    const role = rolePrincipal(
      await identities.createRole(ACCOUNT, { roleName: 'R', trustPolicy: trustFor(ROOT_ARN) }),
    );
    const userLimit = 'Maximum policy size of 2048 bytes exceeded for user alice';
    await rejectsWith(identities.putInlinePolicy(alice, 'big', policyOfSize(2049)), 'LimitExceeded', userLimit);
    await identities.putInlinePolicy(alice, 'one', policyOfSize(1500));
    await rejectsWith(identities.putInlinePolicy(alice, 'two', policyOfSize(600)), 'LimitExceeded', userLimit);
    // Replacing a policy does not count it twice.
    await identities.putInlinePolicy(alice, 'one', policyOfSize(2048));

    await identities.putInlinePolicy(role, 'one', policyOfSize(10240));
    await rejectsWith(
      identities.putInlinePolicy(role, 'two', policyOfSize(100)),
      'LimitExceeded',
      'Maximum policy size of 10240 bytes exceeded for role R',
    );
  });
});

describe('tags', () => {
  test('keys are case-insensitive: a tag of the same key replaces the value, keeping the key first given', async () => {
    const { identities } = await setup();
    const alice = userPrincipal(
      await identities.createUser(ACCOUNT, {
        userName: 'alice',
        tags: [{ TagKey: 'Department', TagValue: 'finance' }],
      }),
    );
    await identities.tagPrincipal(alice, [{ TagKey: 'department', TagValue: 'hr' }]);
    assert.deepEqual(await identities.tagsOf(alice), [{ TagKey: 'Department', TagValue: 'hr' }]);
  });

  test('refuses the aws: prefix, keys repeated in any case, and more than 50 on a principal', async () => {
    const { identities } = await setup();
    await rejectsWith(
      identities.createUser(ACCOUNT, { userName: 'alice', tags: [{ TagKey: 'AWS:owner', TagValue: 'x' }] }),
      'InvalidInput',
      "Tag keys starting with 'aws:' are reserved for internal use.",
    );
    await rejectsWith(
      identities.createUser(ACCOUNT, {
        userName: 'alice',
        tags: [
          { TagKey: 'team', TagValue: 'a' },
          { TagKey: 'Team', TagValue: 'b' },
        ],
      }),
      'InvalidInput',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    assert.equal(await identities.findUser(ACCOUNT, 'alice'), undefined);

    const tagsNumbered = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ TagKey: `k${from + index}`, TagValue: 'v' }));
    const alice = userPrincipal(await identities.createUser(ACCOUNT, { userName: 'alice', tags: tagsNumbered(0, 30) }));
    await identities.tagPrincipal(alice, tagsNumbered(30, 20));
    await rejectsWith(
      identities.tagPrincipal(alice, tagsNumbered(50, 1)),
      'LimitExceeded',
      'Cannot exceed quota for TagsPerUser: 50',
    );
    assert.equal((await identities.tagsOf(alice)).length, 50);
  });
});
