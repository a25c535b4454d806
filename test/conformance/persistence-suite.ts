import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AccessKeyRecord,
  type AccountRecord,
  type AliasRecord,
  type BackingKeyRecord,
  type GrantRecord,
  type InlinePolicyRecord,
  type KeyRecord,
  MutationCommitFailed,
  type PageRequest,
  type Persistence,
  type RoleRecord,
  type Scope,
  type Tag,
  type UserRecord,
} from '../../src/persistence/port.js';

/**
 * What every persistence adapter must do, whatever it is built on. Each case gets a fresh, migrated store
 * from `make` and closes and cleans it up afterwards. Cases assert that a call rejects, never with which
 * error class (MutationCommitFailed, the port's own, excepted): an adapter may refuse through a precondition
 * or through its database's constraint.
 */
export interface PersistenceUnderTest {
  readonly persistence: Persistence;
  /** Makes the commit of the next mutation fail, as the adapter's database would (disk full, I/O error …). */
  failNextCommit(): void;
  cleanup(): Promise<void>;
}

const home: Scope = { accountId: '111122223333', region: 'us-east-1' };
const otherAccount: Scope = { accountId: '444455556666', region: 'us-east-1' };
const otherRegion: Scope = { accountId: '111122223333', region: 'eu-west-1' };

/** Deterministic UUID-shaped key ids whose string order is their number order. */
const keyIdOf = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** A key record of the scope, as a test would store it; `changes` override any field. */
export const keyRecord = (scope: Scope, keyId: string, changes: Partial<KeyRecord> = {}): KeyRecord => ({
  accountId: scope.accountId,
  region: scope.region,
  keyId,
  createdAt: 1_700_000_000_000,
  description: 'a test key',
  keyUsage: 'ENCRYPT_DECRYPT',
  keySpec: 'SYMMETRIC_DEFAULT',
  origin: 'AWS_KMS',
  multiRegion: false,
  policy: '{"Version":"2012-10-17","Statement":[]}',
  state: 'Enabled',
  deletionDate: null,
  pendingWindowInDays: null,
  keyStore: 'software',
  currentBackingVersion: 1,
  ...changes,
});

const backingKeyRecord = (keyId: string, version = 1): BackingKeyRecord => ({
  keyId,
  version,
  createdAt: 1_700_000_000_000,
  keyStore: 'software',
  handle: Buffer.from(`handle of ${keyId} v${version}`),
});

const accountRecord = (accountId: string): AccountRecord => ({ accountId, createdAt: 1_700_000_000_000 });

const rootAccessKey = (accountId: string, accessKeyId: string): AccessKeyRecord => ({
  accessKeyId,
  accountId,
  principalArn: `arn:aws:iam::${accountId}:root`,
  principalType: 'Root',
  principalId: accountId,
  sealedSecret: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
  status: 'Active',
  createdAt: 1_700_000_000_000,
});

const aliasRecord = (scope: Scope, aliasName: string, targetKeyId: string): AliasRecord => ({
  accountId: scope.accountId,
  region: scope.region,
  aliasName,
  targetKeyId,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
});

const tag = (TagKey: string, TagValue: string): Tag => ({ TagKey, TagValue });

/** Grant ids whose string order is their number order; each grant gets a token hash of its own. */
const grantIdOf = (n: number) => `grant-${n.toString().padStart(4, '0')}`;

const grantRecord = (scope: Scope, keyId: string, n: number, changes: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: grantIdOf(n),
  accountId: scope.accountId,
  region: scope.region,
  keyId,
  name: null,
  granteePrincipal: `arn:aws:iam::${scope.accountId}:role/grantee`,
  retiringPrincipal: null,
  issuingAccount: `arn:aws:iam::${scope.accountId}:root`,
  operations: ['Encrypt', 'Decrypt'],
  constraints: null,
  tokenHash: n.toString(16).padStart(64, '0'),
  createdAt: 1_700_000_000_000 + n,
  ...changes,
});

const grantIds = (grants: readonly GrantRecord[]) => grants.map((grant) => grant.grantId);

/** Principal ids shaped like IAM's (prefix and 17 characters) whose string order is their number order. */
const userIdOf = (n: number) => `AIDA${n.toString().padStart(17, '0')}`;
const roleIdOf = (n: number) => `AROA${n.toString().padStart(17, '0')}`;
const accessKeyIdOf = (n: number) => `AKIA${n.toString().padStart(16, '0')}`;

const userRecord = (accountId: string, userName: string, n: number, changes: Partial<UserRecord> = {}): UserRecord => ({
  accountId,
  userName,
  userId: userIdOf(n),
  path: '/',
  arn: `arn:aws:iam::${accountId}:user/${userName}`,
  createdAt: 1_700_000_000_000,
  ...changes,
});

const roleRecord = (accountId: string, roleName: string, n: number, changes: Partial<RoleRecord> = {}): RoleRecord => ({
  accountId,
  roleName,
  roleId: roleIdOf(n),
  path: '/',
  arn: `arn:aws:iam::${accountId}:role/${roleName}`,
  trustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"${accountId}"},"Action":"sts:AssumeRole"}]}`,
  description: 'a test role',
  maxSessionDuration: 3600,
  createdAt: 1_700_000_000_000,
  ...changes,
});

/** An access key of a user, or of an account's root when `principalId` is the account id. */
const principalAccessKey = (
  accountId: string,
  principalId: string,
  n: number,
  changes: Partial<AccessKeyRecord> = {},
): AccessKeyRecord => ({
  ...rootAccessKey(accountId, accessKeyIdOf(n)),
  principalType: principalId === accountId ? 'Root' : 'IAMUser',
  principalId,
  createdAt: 1_700_000_000_000 + n,
  ...changes,
});

const policy = (policyName: string, document: string): InlinePolicyRecord => ({ policyName, document });

const names = (identities: readonly (UserRecord | RoleRecord)[]) =>
  identities.map((identity) => ('userName' in identity ? identity.userName : identity.roleName));
const accessKeyIds = (keys: readonly AccessKeyRecord[]) => keys.map((key) => key.accessKeyId);

/** Every page of a listing by user or role name, following the lowercase-name cursor to the end. */
async function pagesOf(
  list: (page: PageRequest) => Promise<readonly (UserRecord | RoleRecord)[]>,
  limit: number,
): Promise<string[][]> {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = names(await list({ limit, after }));
    if (page.length === 0) return pages;
    pages.push(page);
    after = page.at(-1)?.toLowerCase();
  }
}

/** Byte fields may come back as Buffer or Uint8Array; compare their bytes. */
const bytes = (data: Uint8Array | undefined) => (data === undefined ? undefined : Buffer.from(data));

/** Tries to change a returned record; whether the attempt throws (frozen) or not, the store must not change. */
function tamperWith(record: object, property: string, value: unknown): void {
  try {
    Reflect.set(record, property, value);
  } catch {
    // A frozen record refuses in strict mode, which is one of the two acceptable answers.
  }
}

/**
 * A point where a mutation waits, so that the test can look at the store while the mutation is open. The
 * mutation goes on once the look is over, whether or not it passed: a failed assertion then fails its case
 * instead of leaving the mutation, and the store's close behind it, waiting for ever.
 */
export function holdPoint() {
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    /** Called inside the mutation: tells the test it got here, then waits for the look to end. */
    wait: () => {
      reach();
      return released;
    },
    async whileHeld(mutation: Promise<unknown>, look: () => Promise<void>): Promise<void> {
      // A mutation that fails before it gets here ends the wait rather than hang it.
      await Promise.race([reached, mutation]);
      try {
        await look();
      } finally {
        release();
      }
    },
  };
}

/** Several turns of the event loop: time enough for a write that nothing holds back to finish. */
async function eventLoopTurns(count = 5): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

export function persistenceConformance(name: string, make: () => Promise<PersistenceUnderTest>): void {
  /** A fresh migrated store for one case, closed and cleaned up whatever the case does. */
  async function withStore(
    body: (persistence: Persistence, underTest: PersistenceUnderTest) => Promise<void>,
  ): Promise<void> {
    const underTest = await make();
    const { persistence, cleanup } = underTest;
    try {
      await persistence.migrate();
      await body(persistence, underTest);
    } finally {
      await persistence.close();
      await cleanup();
    }
  }

  const insertPlainKey = (persistence: Persistence, scope: Scope, keyId: string, changes: Partial<KeyRecord> = {}) =>
    persistence.insertKey(keyRecord(scope, keyId, changes), backingKeyRecord(keyId), []);

  /** The home account, with its root access key (accessKeyIdOf(0)), for cases that store access keys. */
  const insertHomeAccount = (persistence: Persistence) =>
    persistence.insertAccount(accountRecord(home.accountId), principalAccessKey(home.accountId, home.accountId, 0));

  describe(`persistence conformance: ${name}`, () => {
    test('migrate runs again without error and ping then succeeds', () =>
      withStore(async (persistence) => {
        await persistence.migrate();
        await persistence.ping();
      }));

    test('a closed store fails ping and close stays callable', async () => {
      const { persistence, cleanup } = await make();
      try {
        await persistence.migrate();
        await persistence.close();
        await assert.rejects(persistence.ping());
        await persistence.close();
      } finally {
        await cleanup();
      }
    });

    test('putSettingIfAbsent stores once and never overwrites', () =>
      withStore(async (persistence) => {
        assert.equal(await persistence.getSetting('root-key-check'), undefined);
        assert.equal(await persistence.putSettingIfAbsent('root-key-check', 'first'), true);
        assert.equal(await persistence.putSettingIfAbsent('root-key-check', 'second'), false);
        assert.equal(await persistence.getSetting('root-key-check'), 'first');
      }));

    test('insertAccount stores the account and its root access key', () =>
      withStore(async (persistence) => {
        const accessKey = rootAccessKey(home.accountId, 'AKIAEXAMPLE000000001');
        await persistence.insertAccount(accountRecord(home.accountId), accessKey);
        assert.deepEqual(await persistence.getAccount(home.accountId), accountRecord(home.accountId));
        const found = await persistence.findAccessKey(accessKey.accessKeyId);
        assert.ok(found);
        assert.deepEqual({ ...found, sealedSecret: bytes(found.sealedSecret) }, accessKey);
        assert.equal(await persistence.getAccount(otherAccount.accountId), undefined);
        assert.equal(await persistence.findAccessKey('AKIAUNKNOWN000000000'), undefined);
      }));

    test('insertAccount is all or nothing: a taken access key id leaves no account behind', () =>
      withStore(async (persistence) => {
        await persistence.insertAccount(
          accountRecord(home.accountId),
          rootAccessKey(home.accountId, 'AKIAEXAMPLE000000001'),
        );
        await assert.rejects(
          persistence.insertAccount(
            accountRecord(otherAccount.accountId),
            rootAccessKey(otherAccount.accountId, 'AKIAEXAMPLE000000001'),
          ),
        );
        assert.equal(await persistence.getAccount(otherAccount.accountId), undefined);
        assert.equal((await persistence.findAccessKey('AKIAEXAMPLE000000001'))?.accountId, home.accountId);
      }));

    test('insertAccount refuses a root access key of another account', () =>
      withStore(async (persistence) => {
        await assert.rejects(
          persistence.insertAccount(
            accountRecord(home.accountId),
            rootAccessKey(otherAccount.accountId, 'AKIAEXAMPLE000000001'),
          ),
        );
        assert.equal(await persistence.getAccount(home.accountId), undefined);
        assert.equal(await persistence.findAccessKey('AKIAEXAMPLE000000001'), undefined);
      }));

    test('a returned access key cannot be used to change the stored secret', () =>
      withStore(async (persistence) => {
        const accessKey = rootAccessKey(home.accountId, 'AKIAEXAMPLE000000001');
        await persistence.insertAccount(accountRecord(home.accountId), accessKey);
        const found = await persistence.findAccessKey(accessKey.accessKeyId);
        assert.ok(found);
        found.sealedSecret.fill(0);
        tamperWith(found, 'status', 'Inactive');
        const again = await persistence.findAccessKey(accessKey.accessKeyId);
        assert.deepEqual(bytes(again?.sealedSecret), accessKey.sealedSecret);
        assert.equal(again?.status, 'Active');
      }));

    test('insertKey stores the key, its backing key and its tags, found only in its own scope', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const key = keyRecord(home, keyId, { multiRegion: true, description: 'ünïcödé 🔑' });
        await persistence.insertKey(key, backingKeyRecord(keyId), [tag('team', 'blue'), tag('env', 'prod')]);

        assert.deepEqual(await persistence.findKey(home, keyId), key);
        assert.equal(await persistence.findKey(otherAccount, keyId), undefined);
        assert.equal(await persistence.findKey(otherRegion, keyId), undefined);
        assert.equal(await persistence.findKey(home, keyIdOf(2)), undefined);
        const backing = await persistence.findBackingKey(keyId, 1);
        assert.deepEqual(bytes(backing?.handle), backingKeyRecord(keyId).handle);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [
          tag('env', 'prod'),
          tag('team', 'blue'),
        ]);
      }));

    test('insertKey keeps null and set optional fields as given', () =>
      withStore(async (persistence) => {
        const pending = keyRecord(home, keyIdOf(1), {
          state: 'PendingDeletion',
          deletionDate: 1_700_604_800_000,
          pendingWindowInDays: 7,
          currentBackingVersion: 3,
        });
        await persistence.insertKey(pending, backingKeyRecord(pending.keyId, 3), []);
        assert.deepEqual(await persistence.findKey(home, pending.keyId), pending);
      }));

    test('insertKey is all or nothing: a taken key id changes neither the key nor its tags', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const original = keyRecord(home, keyId);
        await persistence.insertKey(original, backingKeyRecord(keyId), [tag('team', 'blue')]);
        await assert.rejects(
          persistence.insertKey(keyRecord(home, keyId, { description: 'impostor' }), backingKeyRecord(keyId, 2), [
            tag('team', 'red'),
            tag('extra', 'x'),
          ]),
        );
        assert.deepEqual(await persistence.findKey(home, keyId), original);
        assert.equal(await persistence.findBackingKey(keyId, 2), undefined);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [tag('team', 'blue')]);
      }));

    test('insertKey refuses a backing key of another key and stores nothing', () =>
      withStore(async (persistence) => {
        await assert.rejects(persistence.insertKey(keyRecord(home, keyIdOf(1)), backingKeyRecord(keyIdOf(2)), []));
        assert.equal(await persistence.findKey(home, keyIdOf(1)), undefined);
        assert.equal(await persistence.findBackingKey(keyIdOf(2), 1), undefined);
      }));

    test('a returned key cannot be used to change the stored key', () =>
      withStore(async (persistence) => {
        const key = keyRecord(home, keyIdOf(1));
        await insertPlainKey(persistence, home, key.keyId);
        const found = await persistence.findKey(home, key.keyId);
        assert.ok(found);
        tamperWith(found, 'state', 'Disabled');
        const updated = await persistence.updateKey(home, key.keyId, (current) => ({ ...current }));
        assert.ok(updated);
        tamperWith(updated, 'state', 'PendingDeletion');
        assert.deepEqual(await persistence.findKey(home, key.keyId), key);
      }));

    test('records handed to the store are kept as they were at the call, whatever the caller does next', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const key = { ...keyRecord(home, keyId) };
        const backingKey = { ...backingKeyRecord(keyId), handle: Buffer.from(backingKeyRecord(keyId).handle) };
        const alias = { ...aliasRecord(home, 'alias/app', keyId) };
        const accessKey = {
          ...rootAccessKey(home.accountId, 'AKIAEXAMPLE000000001'),
          sealedSecret: Buffer.alloc(8, 7),
        };
        await persistence.insertKey(key, backingKey, []);
        await persistence.insertAlias(alias);
        await persistence.insertAccount(accountRecord(home.accountId), accessKey);

        key.description = 'changed afterwards';
        backingKey.handle.fill(0);
        alias.targetKeyId = keyIdOf(2);
        accessKey.sealedSecret.fill(0);

        assert.deepEqual(await persistence.findKey(home, keyId), keyRecord(home, keyId));
        assert.deepEqual(bytes((await persistence.findBackingKey(keyId, 1))?.handle), backingKeyRecord(keyId).handle);
        assert.deepEqual(await persistence.findAlias(home, 'alias/app'), aliasRecord(home, 'alias/app', keyId));
        assert.deepEqual(
          bytes((await persistence.findAccessKey('AKIAEXAMPLE000000001'))?.sealedSecret),
          Buffer.alloc(8, 7),
        );
      }));

    test('listKeys pages by key id within the scope', () =>
      withStore(async (persistence) => {
        const ids = [5, 2, 7, 1, 4, 6, 3].map(keyIdOf);
        for (const keyId of ids) await insertPlainKey(persistence, home, keyId);
        await insertPlainKey(persistence, otherAccount, keyIdOf(10));
        await insertPlainKey(persistence, otherRegion, keyIdOf(0));

        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await persistence.listKeys(home, { limit: 3, after });
          if (page.length === 0) break;
          pages.push(page.map((key) => key.keyId));
          after = page.at(-1)?.keyId;
        }
        assert.deepEqual(pages, [
          [keyIdOf(1), keyIdOf(2), keyIdOf(3)],
          [keyIdOf(4), keyIdOf(5), keyIdOf(6)],
          [keyIdOf(7)],
        ]);
        assert.deepEqual(
          (await persistence.listKeys(home, { limit: 2, after: keyIdOf(3) })).map((key) => key.keyId),
          [keyIdOf(4), keyIdOf(5)],
        );
        assert.deepEqual(await persistence.listKeys(home, { limit: 0 }), []);
        assert.deepEqual(
          (await persistence.listKeys(otherRegion, { limit: 10 })).map((key) => key.keyId),
          [keyIdOf(0)],
        );
      }));

    test('a negative page limit is refused rather than read as "no limit"', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await assert.rejects(persistence.listKeys(home, { limit: -1 }));
      }));

    test('updateKey replaces the row with what change returns', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const updated = await persistence.updateKey(home, keyId, (current) => ({
          ...current,
          state: 'PendingDeletion',
          deletionDate: 1_700_604_800_000,
          pendingWindowInDays: 7,
          description: 'going away',
        }));
        const expected = keyRecord(home, keyId, {
          state: 'PendingDeletion',
          deletionDate: 1_700_604_800_000,
          pendingWindowInDays: 7,
          description: 'going away',
        });
        assert.deepEqual(updated, expected);
        assert.deepEqual(await persistence.findKey(home, keyId), expected);
      }));

    test('updateKey returns undefined without calling change for a key missing from the scope', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        let calls = 0;
        const change = (current: KeyRecord): KeyRecord => {
          calls += 1;
          return { ...current, description: 'changed' };
        };
        assert.equal(await persistence.updateKey(home, keyIdOf(2), change), undefined);
        assert.equal(await persistence.updateKey(otherAccount, keyIdOf(1), change), undefined);
        assert.equal(await persistence.updateKey(otherRegion, keyIdOf(1), change), undefined);
        assert.equal(calls, 0);
        assert.equal((await persistence.findKey(home, keyIdOf(1)))?.description, 'a test key');
      }));

    test('updateKey propagates what change throws and leaves the row unchanged', () =>
      withStore(async (persistence) => {
        const key = keyRecord(home, keyIdOf(1));
        await insertPlainKey(persistence, home, key.keyId);
        const refusal = new Error('the key is not in a state that allows this');
        await assert.rejects(
          persistence.updateKey(home, key.keyId, () => {
            throw refusal;
          }),
          (error) => error === refusal,
        );
        assert.deepEqual(await persistence.findKey(home, key.keyId), key);
      }));

    test('updateKey refuses a change that moves the key to another id, account or Region', () =>
      withStore(async (persistence) => {
        const key = keyRecord(home, keyIdOf(1));
        await insertPlainKey(persistence, home, key.keyId);
        for (const moved of [
          { keyId: keyIdOf(2) },
          { accountId: otherAccount.accountId },
          { region: otherRegion.region },
        ]) {
          await assert.rejects(persistence.updateKey(home, key.keyId, (current) => ({ ...current, ...moved })));
        }
        assert.deepEqual(await persistence.findKey(home, key.keyId), key);
        assert.equal(await persistence.findKey(home, keyIdOf(2)), undefined);
      }));

    test('50 concurrent updateKey calls each apply exactly once', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId, { description: '0' });
        const increment = (current: KeyRecord): KeyRecord => ({
          ...current,
          description: String(Number(current.description) + 1),
        });
        const results = await Promise.all(
          Array.from({ length: 50 }, () => persistence.updateKey(home, keyId, increment)),
        );
        assert.deepEqual(
          results.map((result) => Number(result?.description)).sort((a, b) => a - b),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.equal((await persistence.findKey(home, keyId))?.description, '50');
      }));

    test('findBackingKey finds a version of a key and nothing else', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const found = await persistence.findBackingKey(keyId, 1);
        assert.ok(found);
        assert.deepEqual({ ...found, handle: bytes(found.handle) }, backingKeyRecord(keyId));
        assert.equal(await persistence.findBackingKey(keyId, 2), undefined);
        assert.equal(await persistence.findBackingKey(keyIdOf(2), 1), undefined);
      }));

    test('insertAlias stores an alias once per scope and returns false when the name is taken', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, home, keyIdOf(2));
        await insertPlainKey(persistence, otherRegion, keyIdOf(3));
        const alias = aliasRecord(home, 'alias/app', keyIdOf(1));

        assert.equal(await persistence.insertAlias(alias), true);
        assert.equal(await persistence.insertAlias(aliasRecord(home, 'alias/app', keyIdOf(2))), false);
        assert.deepEqual(await persistence.findAlias(home, 'alias/app'), alias);
        assert.equal(await persistence.insertAlias(aliasRecord(otherRegion, 'alias/app', keyIdOf(3))), true);
        assert.equal((await persistence.findAlias(otherRegion, 'alias/app'))?.targetKeyId, keyIdOf(3));
        assert.equal(await persistence.findAlias(otherAccount, 'alias/app'), undefined);
        assert.equal(await persistence.findAlias(home, 'alias/other'), undefined);
      }));

    test('an alias can only point to a key of its own scope', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, otherAccount, keyIdOf(2));
        await assert.rejects(persistence.insertAlias(aliasRecord(home, 'alias/foreign', keyIdOf(2))));
        await assert.rejects(persistence.insertAlias(aliasRecord(home, 'alias/missing', keyIdOf(9))));
        assert.equal(await persistence.findAlias(home, 'alias/foreign'), undefined);

        await persistence.insertAlias(aliasRecord(home, 'alias/app', keyIdOf(1)));
        await assert.rejects(persistence.updateAlias(home, 'alias/app', keyIdOf(2), 1_700_000_001_000));
        assert.equal((await persistence.findAlias(home, 'alias/app'))?.targetKeyId, keyIdOf(1));
      }));

    test('updateAlias retargets an existing alias and returns false for a missing one', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, home, keyIdOf(2));
        await persistence.insertAlias(aliasRecord(home, 'alias/app', keyIdOf(1)));

        assert.equal(await persistence.updateAlias(home, 'alias/app', keyIdOf(2), 1_700_000_009_000), true);
        assert.deepEqual(await persistence.findAlias(home, 'alias/app'), {
          ...aliasRecord(home, 'alias/app', keyIdOf(2)),
          updatedAt: 1_700_000_009_000,
        });
        assert.equal(await persistence.updateAlias(home, 'alias/none', keyIdOf(2), 1_700_000_009_000), false);
        assert.equal(await persistence.findAlias(home, 'alias/none'), undefined);
      }));

    test('deleteAlias removes the alias of its scope only', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await persistence.insertAlias(aliasRecord(home, 'alias/app', keyIdOf(1)));

        assert.equal(await persistence.deleteAlias(otherRegion, 'alias/app'), false);
        assert.equal(await persistence.deleteAlias(home, 'alias/app'), true);
        assert.equal(await persistence.findAlias(home, 'alias/app'), undefined);
        assert.equal(await persistence.deleteAlias(home, 'alias/app'), false);
        assert.deepEqual(await persistence.findKey(home, keyIdOf(1)), keyRecord(home, keyIdOf(1)));
      }));

    test('listAliases pages by alias name, in the scope and optionally for one key', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, home, keyIdOf(2));
        await insertPlainKey(persistence, otherAccount, keyIdOf(3));
        for (const [name, target] of [
          ['alias/e', 1],
          ['alias/b', 2],
          ['alias/d', 1],
          ['alias/a', 1],
          ['alias/c', 2],
        ] as const) {
          await persistence.insertAlias(aliasRecord(home, name, keyIdOf(target)));
        }
        await persistence.insertAlias(aliasRecord(otherAccount, 'alias/a0', keyIdOf(3)));

        const names = async (page: { limit: number; after?: string }, keyId?: string) =>
          (await persistence.listAliases(home, page, keyId)).map((alias) => alias.aliasName);
        assert.deepEqual(await names({ limit: 2 }), ['alias/a', 'alias/b']);
        assert.deepEqual(await names({ limit: 2, after: 'alias/b' }), ['alias/c', 'alias/d']);
        assert.deepEqual(await names({ limit: 2, after: 'alias/d' }), ['alias/e']);
        assert.deepEqual(await names({ limit: 2, after: 'alias/e' }), []);
        assert.deepEqual(await names({ limit: 10 }, keyIdOf(1)), ['alias/a', 'alias/d', 'alias/e']);
        assert.deepEqual(await names({ limit: 1, after: 'alias/a' }, keyIdOf(1)), ['alias/d']);
        assert.deepEqual(await names({ limit: 10 }, keyIdOf(3)), []);
        assert.deepEqual(
          (await persistence.listAliases(home, { limit: 1 }))[0],
          aliasRecord(home, 'alias/a', keyIdOf(1)),
        );
      }));

    test('putTags adds and overwrites, removeTags removes and ignores absent tag keys', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await persistence.insertKey(keyRecord(home, keyId), backingKeyRecord(keyId), [tag('team', 'blue')]);
        assert.equal(
          await persistence.putTags(home, keyId, [tag('team', 'red'), tag('env', 'prod'), tag('cost', '42')], 50),
          true,
        );
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [
          tag('cost', '42'),
          tag('env', 'prod'),
          tag('team', 'red'),
        ]);
        await persistence.removeTags(home, keyId, ['env', 'never-set']);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [
          tag('cost', '42'),
          tag('team', 'red'),
        ]);
      }));

    test('putTags refuses, changing nothing, when the key would pass the tag limit; overwrites do not count', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await persistence.insertKey(keyRecord(home, keyId), backingKeyRecord(keyId), [tag('a', '1'), tag('b', '1')]);
        assert.equal(await persistence.putTags(home, keyId, [tag('a', '2'), tag('c', '1')], 3), true);
        assert.equal(await persistence.putTags(home, keyId, [tag('b', '2'), tag('d', '1')], 3), false);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [
          tag('a', '2'),
          tag('b', '1'),
          tag('c', '1'),
        ]);
      }));

    test('concurrent putTags never pass the tag limit together', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await persistence.insertKey(keyRecord(home, keyId), backingKeyRecord(keyId), []);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, index) => persistence.putTags(home, keyId, [tag(`t${index}`, 'v')], 5)),
        );
        assert.equal(results.filter(Boolean).length, 5);
        assert.equal((await persistence.listTags(home, keyId, { limit: 20 })).length, 5);
      }));

    test('tags belong to a key of the scope: elsewhere they are neither listed nor changed', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await persistence.insertKey(keyRecord(home, keyId), backingKeyRecord(keyId), [tag('team', 'blue')]);
        assert.deepEqual(await persistence.listTags(otherAccount, keyId, { limit: 10 }), []);
        assert.deepEqual(await persistence.listTags(otherRegion, keyId, { limit: 10 }), []);
        await assert.rejects(persistence.putTags(otherAccount, keyId, [tag('team', 'red')], 50));
        await assert.rejects(persistence.removeTags(otherRegion, keyId, ['team']));
        await assert.rejects(persistence.putTags(home, keyIdOf(2), [tag('team', 'red')], 50));
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [tag('team', 'blue')]);
      }));

    test('listTags pages by tag key in code-point order', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        // U+1F511 sorts before U+FF21 in UTF-16 code units but after it in code points (and UTF-8 bytes).
        const tagKeys = ['k3', 'k1', '\u{1F511}', 'K', 'k2', '\uFF21', 'k0'];
        await persistence.insertKey(
          keyRecord(home, keyId),
          backingKeyRecord(keyId),
          tagKeys.map((key) => tag(key, `value of ${key}`)),
        );
        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await persistence.listTags(home, keyId, { limit: 3, after });
          if (page.length === 0) break;
          pages.push(page.map((t) => t.TagKey));
          after = page.at(-1)?.TagKey;
        }
        assert.deepEqual(pages, [['K', 'k0', 'k1'], ['k2', 'k3', '\uFF21'], ['\u{1F511}']]);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 1, after: 'k2' }), [
          tag('k3', 'value of k3'),
        ]);
      }));

    test('keysDueForDeletion lists pending keys due at or before now, across scopes, earliest first', () =>
      withStore(async (persistence) => {
        const pending = (deletionDate: number) => ({
          state: 'PendingDeletion' as const,
          deletionDate,
          pendingWindowInDays: 7,
        });
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, home, keyIdOf(2), pending(2_000));
        await insertPlainKey(persistence, home, keyIdOf(3), pending(5_000));
        await insertPlainKey(persistence, otherAccount, keyIdOf(4), pending(1_000));
        await insertPlainKey(persistence, otherRegion, keyIdOf(5), pending(2_000));
        await insertPlainKey(persistence, home, keyIdOf(6), { state: 'Disabled' });
        // A deletion date without PendingDeletion (a cancelled deletion that kept its date) is never due.
        await insertPlainKey(persistence, home, keyIdOf(7), { state: 'Disabled', deletionDate: 1_000 });

        const due = async (now: number, limit: number) =>
          (await persistence.keysDueForDeletion(now, limit)).map((key) => key.keyId);
        assert.deepEqual(await due(2_000, 10), [keyIdOf(4), keyIdOf(2), keyIdOf(5)]);
        assert.deepEqual(await due(2_000, 2), [keyIdOf(4), keyIdOf(2)]);
        assert.deepEqual(await due(1_999, 10), [keyIdOf(4)]);
        assert.deepEqual(await due(999, 10), []);
        assert.deepEqual(await persistence.keysDueForDeletion(1_000, 1), [
          keyRecord(otherAccount, keyIdOf(4), pending(1_000)),
        ]);
      }));

    test('deleteKeyIfDue deletes only a due pending key of the scope, with its aliases, tags and backing keys', () =>
      withStore(async (persistence) => {
        const due = { state: 'PendingDeletion' as const, deletionDate: 2_000, pendingWindowInDays: 7 };
        const doomed = keyIdOf(1);
        const survivor = keyIdOf(2);
        await persistence.insertKey(keyRecord(home, doomed, due), backingKeyRecord(doomed), [tag('team', 'blue')]);
        await persistence.insertKey(keyRecord(home, survivor), backingKeyRecord(survivor), [tag('team', 'red')]);
        await persistence.insertAlias(aliasRecord(home, 'alias/doomed-1', doomed));
        await persistence.insertAlias(aliasRecord(home, 'alias/doomed-2', doomed));
        await persistence.insertAlias(aliasRecord(home, 'alias/survivor', survivor));

        assert.equal(await persistence.deleteKeyIfDue(home, doomed, 1_999), false);
        assert.equal(await persistence.deleteKeyIfDue(otherAccount, doomed, 2_000), false);
        assert.equal(await persistence.deleteKeyIfDue(otherRegion, doomed, 2_000), false);
        assert.equal(await persistence.deleteKeyIfDue(home, survivor, 9_999), false);
        const cancelled = keyIdOf(3);
        await insertPlainKey(persistence, home, cancelled, { state: 'Enabled', deletionDate: 1_000 });
        assert.equal(await persistence.deleteKeyIfDue(home, cancelled, 9_999), false);
        assert.ok(await persistence.findKey(home, cancelled));
        assert.ok(await persistence.findKey(home, doomed));

        assert.equal(await persistence.deleteKeyIfDue(home, doomed, 2_000), true);
        assert.equal(await persistence.findKey(home, doomed), undefined);
        assert.equal(await persistence.findBackingKey(doomed, 1), undefined);
        assert.equal(await persistence.findAlias(home, 'alias/doomed-1'), undefined);
        assert.equal(await persistence.findAlias(home, 'alias/doomed-2'), undefined);
        assert.deepEqual(await persistence.listTags(home, doomed, { limit: 10 }), []);
        assert.equal(await persistence.deleteKeyIfDue(home, doomed, 2_000), false);

        assert.deepEqual(await persistence.findKey(home, survivor), keyRecord(home, survivor));
        assert.equal((await persistence.findAlias(home, 'alias/survivor'))?.targetKeyId, survivor);
        assert.deepEqual(await persistence.listTags(home, survivor, { limit: 10 }), [tag('team', 'red')]);
        assert.ok(await persistence.findBackingKey(survivor, 1));
      }));

    test('deleteKeyIfDue leaves nothing behind that a new key with the same id would inherit', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const due = { state: 'PendingDeletion' as const, deletionDate: 2_000, pendingWindowInDays: 7 };
        await persistence.insertKey(keyRecord(home, keyId, due), backingKeyRecord(keyId), [tag('team', 'blue')]);
        assert.equal(await persistence.deleteKeyIfDue(home, keyId, 2_000), true);

        await insertPlainKey(persistence, home, keyId);
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), []);
        assert.deepEqual(await persistence.listAliases(home, { limit: 10 }, keyId), []);
      }));

    test('insertGrant stores grants that listGrants pages by grant id, with their fields as given', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const full = grantRecord(home, keyId, 3, {
          name: 'ünïcödé grant',
          retiringPrincipal: `arn:aws:iam::${home.accountId}:role/retirer`,
          operations: ['GenerateDataKey', 'RetireGrant'],
          constraints: { encryptionContextSubset: { app: 'billing', ü: '🔑' } },
        });
        for (const n of [5, 2, 4, 1])
          assert.equal(await persistence.insertGrant(grantRecord(home, keyId, n), 10), true);
        assert.equal(await persistence.insertGrant(full, 10), true);

        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await persistence.listGrants(home, keyId, { limit: 2, after });
          if (page.length === 0) break;
          pages.push(grantIds(page));
          after = page.at(-1)?.grantId;
        }
        assert.deepEqual(pages, [[grantIdOf(1), grantIdOf(2)], [grantIdOf(3), grantIdOf(4)], [grantIdOf(5)]]);
        assert.deepEqual(await persistence.listGrants(home, keyId, { limit: 1, after: grantIdOf(2) }), [full]);
        assert.deepEqual(await persistence.listGrants(home, keyId, { limit: 1 }), [grantRecord(home, keyId, 1)]);
        assert.deepEqual(await persistence.listGrants(home, keyId, { limit: 0 }), []);
        await assert.rejects(persistence.listGrants(home, keyId, { limit: -1 }));
      }));

    test('listGrants filters by grant id and grantee principal, and lists nothing of a key elsewhere', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const other = keyIdOf(2);
        const alice = `arn:aws:iam::${home.accountId}:user/alice`;
        const bob = `arn:aws:iam::${home.accountId}:user/bob`;
        await insertPlainKey(persistence, home, keyId);
        await insertPlainKey(persistence, home, other);
        await persistence.insertGrant(grantRecord(home, keyId, 1, { granteePrincipal: alice }), 10);
        await persistence.insertGrant(grantRecord(home, keyId, 2, { granteePrincipal: bob }), 10);
        await persistence.insertGrant(grantRecord(home, keyId, 3, { granteePrincipal: alice }), 10);
        await persistence.insertGrant(grantRecord(home, other, 4, { granteePrincipal: alice }), 10);

        const listed = async (filter: { grantId?: string; granteePrincipal?: string }, after?: string) =>
          grantIds(await persistence.listGrants(home, keyId, { limit: 10, after }, filter));
        assert.deepEqual(await listed({ granteePrincipal: alice }), [grantIdOf(1), grantIdOf(3)]);
        assert.deepEqual(await listed({ granteePrincipal: alice }, grantIdOf(1)), [grantIdOf(3)]);
        assert.deepEqual(await listed({ grantId: grantIdOf(2) }), [grantIdOf(2)]);
        assert.deepEqual(await listed({ grantId: grantIdOf(2), granteePrincipal: alice }), []);
        assert.deepEqual(await listed({ grantId: grantIdOf(4) }), [], 'a grant of another key');
        assert.deepEqual(await listed({}), [grantIdOf(1), grantIdOf(2), grantIdOf(3)]);
        assert.deepEqual(await persistence.listGrants(otherAccount, keyId, { limit: 10 }), []);
        assert.deepEqual(await persistence.listGrants(otherRegion, keyId, { limit: 10 }), []);
      }));

    test('insertGrant returns false, storing nothing, once the key has maxGrantsPerKey grants', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const other = keyIdOf(2);
        await insertPlainKey(persistence, home, keyId);
        await insertPlainKey(persistence, home, other);
        assert.equal(await persistence.insertGrant(grantRecord(home, keyId, 1), 2), true);
        assert.equal(await persistence.insertGrant(grantRecord(home, keyId, 2), 2), true);
        assert.equal(await persistence.insertGrant(grantRecord(home, keyId, 3), 2), false);
        assert.equal(await persistence.findGrantByTokenHash(grantRecord(home, keyId, 3).tokenHash), undefined);
        assert.deepEqual(grantIds(await persistence.listGrants(home, keyId, { limit: 10 })), [
          grantIdOf(1),
          grantIdOf(2),
        ]);
        assert.equal(await persistence.insertGrant(grantRecord(home, other, 3), 2), true, 'the limit is per key');
      }));

    test('concurrent insertGrant calls never pass the grant limit together', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, n) => persistence.insertGrant(grantRecord(home, keyId, n), 5)),
        );
        assert.equal(results.filter(Boolean).length, 5);
        assert.equal((await persistence.listGrants(home, keyId, { limit: 20 })).length, 5);
      }));

    test('insertGrant refuses a grant of a key missing from its scope, and a taken grant id or token', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        await assert.rejects(persistence.insertGrant(grantRecord(otherAccount, keyId, 1), 10));
        await assert.rejects(persistence.insertGrant(grantRecord(otherRegion, keyId, 2), 10));
        await assert.rejects(persistence.insertGrant(grantRecord(home, keyIdOf(9), 3), 10));
        for (const n of [1, 2, 3]) {
          assert.equal(await persistence.findGrantByTokenHash(grantRecord(home, keyId, n).tokenHash), undefined);
        }

        await persistence.insertGrant(grantRecord(home, keyId, 4), 10);
        await assert.rejects(persistence.insertGrant(grantRecord(home, keyId, 4, { tokenHash: 'f'.repeat(64) }), 10));
        await assert.rejects(
          persistence.insertGrant(
            grantRecord(home, keyId, 5, { tokenHash: grantRecord(home, keyId, 4).tokenHash }),
            10,
          ),
        );
        assert.deepEqual(await persistence.listGrants(home, keyId, { limit: 10 }), [grantRecord(home, keyId, 4)]);
      }));

    test('listRetirableGrants lists the grants of a retiring principal across keys and scopes', () =>
      withStore(async (persistence) => {
        const retirer = 'arn:aws:iam::777788889999:role/retirer';
        await insertPlainKey(persistence, home, keyIdOf(1));
        await insertPlainKey(persistence, otherRegion, keyIdOf(2));
        await persistence.insertGrant(grantRecord(home, keyIdOf(1), 4, { retiringPrincipal: retirer }), 10);
        await persistence.insertGrant(grantRecord(otherRegion, keyIdOf(2), 1, { retiringPrincipal: retirer }), 10);
        await persistence.insertGrant(grantRecord(home, keyIdOf(1), 3, { retiringPrincipal: retirer }), 10);
        await persistence.insertGrant(grantRecord(home, keyIdOf(1), 2), 10);
        await persistence.insertGrant(
          grantRecord(otherRegion, keyIdOf(2), 5, { retiringPrincipal: 'someone else' }),
          10,
        );

        const retirable = async (page: { limit: number; after?: string }) =>
          grantIds(await persistence.listRetirableGrants(retirer, page));
        assert.deepEqual(await retirable({ limit: 10 }), [grantIdOf(1), grantIdOf(3), grantIdOf(4)]);
        assert.deepEqual(await retirable({ limit: 2 }), [grantIdOf(1), grantIdOf(3)]);
        assert.deepEqual(await retirable({ limit: 2, after: grantIdOf(3) }), [grantIdOf(4)]);
        assert.deepEqual(await persistence.listRetirableGrants(retirer, { limit: 1 }), [
          grantRecord(otherRegion, keyIdOf(2), 1, { retiringPrincipal: retirer }),
        ]);
        assert.deepEqual(await persistence.listRetirableGrants('nobody', { limit: 10 }), []);
      }));

    test('findGrantByTokenHash finds the grant of a token and nothing else', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const grant = grantRecord(home, keyId, 1, { constraints: { encryptionContextEquals: { purpose: 'test' } } });
        await persistence.insertGrant(grant, 10);
        await persistence.insertGrant(grantRecord(home, keyId, 2), 10);
        assert.deepEqual(await persistence.findGrantByTokenHash(grant.tokenHash), grant);
        assert.equal(await persistence.findGrantByTokenHash('0'.repeat(64)), undefined);
      }));

    test('grant records, given or returned, cannot be used to change the stored grant', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        const original = grantRecord(home, keyId, 1, { constraints: { encryptionContextSubset: { app: 'a' } } });
        const given = {
          ...original,
          operations: [...original.operations],
          constraints: { encryptionContextSubset: { app: 'a' } },
        };
        await persistence.insertGrant(given, 10);
        given.operations.push('ReEncryptFrom');
        given.constraints.encryptionContextSubset.app = 'changed';

        const found = await persistence.findGrantByTokenHash(original.tokenHash);
        assert.ok(found);
        tamperWith(found, 'granteePrincipal', 'arn:aws:iam::999999999999:root');
        tamperWith(found.operations, '0', 'Sign');
        if (found.constraints?.encryptionContextSubset)
          tamperWith(found.constraints.encryptionContextSubset, 'app', 'x');
        assert.deepEqual(await persistence.findGrantByTokenHash(original.tokenHash), original);
        assert.deepEqual(await persistence.listGrants(home, keyId, { limit: 10 }), [original]);
      }));

    test('deleteGrant deletes a grant of a key of the scope only', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const other = keyIdOf(2);
        await insertPlainKey(persistence, home, keyId);
        await insertPlainKey(persistence, home, other);
        await persistence.insertGrant(grantRecord(home, keyId, 1), 10);
        await persistence.insertGrant(grantRecord(home, keyId, 2), 10);

        assert.equal(await persistence.deleteGrant(otherAccount, keyId, grantIdOf(1)), false);
        assert.equal(await persistence.deleteGrant(otherRegion, keyId, grantIdOf(1)), false);
        assert.equal(await persistence.deleteGrant(home, other, grantIdOf(1)), false);
        assert.equal(await persistence.deleteGrant(home, keyId, grantIdOf(9)), false);
        assert.deepEqual(grantIds(await persistence.listGrants(home, keyId, { limit: 10 })), [
          grantIdOf(1),
          grantIdOf(2),
        ]);

        assert.equal(await persistence.deleteGrant(home, keyId, grantIdOf(1)), true);
        assert.equal(await persistence.deleteGrant(home, keyId, grantIdOf(1)), false);
        assert.equal(await persistence.findGrantByTokenHash(grantRecord(home, keyId, 1).tokenHash), undefined);
        assert.deepEqual(grantIds(await persistence.listGrants(home, keyId, { limit: 10 })), [grantIdOf(2)]);
        assert.equal(
          await persistence.insertGrant(grantRecord(home, keyId, 3), 2),
          true,
          'a deleted grant no longer counts',
        );
      }));

    test('deleteKeyIfDue deletes the grants of the key and only those', () =>
      withStore(async (persistence) => {
        const due = { state: 'PendingDeletion' as const, deletionDate: 2_000, pendingWindowInDays: 7 };
        const doomed = keyIdOf(1);
        const survivor = keyIdOf(2);
        const retirer = 'arn:aws:iam::777788889999:role/retirer';
        await insertPlainKey(persistence, home, doomed, due);
        await insertPlainKey(persistence, home, survivor);
        await persistence.insertGrant(grantRecord(home, doomed, 1, { retiringPrincipal: retirer }), 10);
        await persistence.insertGrant(grantRecord(home, doomed, 2), 10);
        await persistence.insertGrant(grantRecord(home, survivor, 3, { retiringPrincipal: retirer }), 10);

        assert.equal(await persistence.deleteKeyIfDue(home, doomed, 2_000), true);
        assert.equal(await persistence.findGrantByTokenHash(grantRecord(home, doomed, 1).tokenHash), undefined);
        assert.equal(await persistence.findGrantByTokenHash(grantRecord(home, doomed, 2).tokenHash), undefined);
        assert.deepEqual(grantIds(await persistence.listRetirableGrants(retirer, { limit: 10 })), [grantIdOf(3)]);
        assert.deepEqual(grantIds(await persistence.listGrants(home, survivor, { limit: 10 })), [grantIdOf(3)]);

        // A new key with the same id inherits none of them.
        await insertPlainKey(persistence, home, doomed);
        assert.deepEqual(await persistence.listGrants(home, doomed, { limit: 10 }), []);
      }));

    test('insertUser stores the user and its tags; a name is taken in its account whatever its case, which is kept', () =>
      withStore(async (persistence) => {
        const alice = userRecord(home.accountId, 'Alice', 1);
        assert.equal(await persistence.insertUser(alice, [tag('team', 'blue'), tag('env', 'prod')]), true);
        assert.deepEqual(await persistence.findUser(home.accountId, 'Alice'), alice);
        assert.deepEqual(await persistence.findUser(home.accountId, 'aLICE'), alice);
        assert.equal(await persistence.findUser(otherAccount.accountId, 'Alice'), undefined);
        assert.equal(await persistence.findUser(home.accountId, 'Bob'), undefined);
        assert.deepEqual(await persistence.listPrincipalTags(alice.userId), [tag('env', 'prod'), tag('team', 'blue')]);

        assert.equal(await persistence.insertUser(userRecord(home.accountId, 'ALICE', 2), [tag('x', 'y')]), false);
        assert.equal((await persistence.findUser(home.accountId, 'alice'))?.userName, 'Alice');
        assert.deepEqual(await persistence.listPrincipalTags(userIdOf(2)), [], 'a refused user stores no tags');

        const otherAlice = userRecord(otherAccount.accountId, 'alice', 3);
        assert.equal(await persistence.insertUser(otherAlice, []), true, 'names are unique per account');
        assert.deepEqual(await persistence.findUser(otherAccount.accountId, 'ALICE'), otherAlice);
      }));

    test('insertRole stores the role and its tags; a name is taken in its account whatever its case', () =>
      withStore(async (persistence) => {
        const deployer = roleRecord(home.accountId, 'Deployer', 1, {
          path: '/ci/',
          description: 'ünïcödé 🔑',
          maxSessionDuration: 43_200,
        });
        assert.equal(await persistence.insertRole(deployer, [tag('team', 'blue')]), true);
        assert.deepEqual(await persistence.findRole(home.accountId, 'Deployer'), deployer);
        assert.deepEqual(await persistence.findRole(home.accountId, 'deployer'), deployer);
        assert.equal(await persistence.findRole(otherAccount.accountId, 'Deployer'), undefined);
        assert.deepEqual(await persistence.listPrincipalTags(deployer.roleId), [tag('team', 'blue')]);

        assert.equal(await persistence.insertRole(roleRecord(home.accountId, 'DEPLOYER', 2), [tag('x', 'y')]), false);
        assert.deepEqual(await persistence.findRole(home.accountId, 'DEPLOYER'), deployer);
        assert.deepEqual(await persistence.listPrincipalTags(roleIdOf(2)), []);
        assert.equal(await persistence.insertRole(roleRecord(otherAccount.accountId, 'deployer', 3), []), true);
        assert.equal(
          await persistence.insertUser(userRecord(home.accountId, 'Deployer', 4), []),
          true,
          'users and roles have names of their own',
        );
      }));

    test('principal ids are unique across accounts, users and roles', () =>
      withStore(async (persistence) => {
        await persistence.insertUser(userRecord(home.accountId, 'alice', 1), []);
        await persistence.insertRole(roleRecord(home.accountId, 'deployer', 1), []);
        await assert.rejects(persistence.insertUser(userRecord(otherAccount.accountId, 'bob', 1), []));
        await assert.rejects(persistence.insertRole(roleRecord(otherAccount.accountId, 'builder', 1), []));
        await assert.rejects(
          persistence.insertRole(roleRecord(home.accountId, 'thief', 2, { roleId: userIdOf(1) }), []),
        );
        await assert.rejects(
          persistence.insertUser(userRecord(home.accountId, 'thief', 2, { userId: roleIdOf(1) }), []),
        );
        assert.equal(await persistence.findUser(otherAccount.accountId, 'bob'), undefined);
        assert.equal(await persistence.findRole(otherAccount.accountId, 'builder'), undefined);
        assert.equal(await persistence.findUser(home.accountId, 'thief'), undefined);
        assert.equal(await persistence.findRole(home.accountId, 'thief'), undefined);
      }));

    test('listUsers pages by lowercase name, in the account, under the path prefix taken literally', () =>
      withStore(async (persistence) => {
        for (const [n, userName, path] of [
          [1, 'bob', '/'],
          [2, 'Carol', '/eng/'],
          [3, 'alice', '/eng/'],
          [4, 'Dave', '/eng/ops/'],
          [5, 'erin', '/engine/'],
          [6, 'frank', '/e_g/'],
        ] as const) {
          await persistence.insertUser(userRecord(home.accountId, userName, n, { path }), []);
        }
        await persistence.insertUser(userRecord(otherAccount.accountId, 'aaron', 7, { path: '/eng/' }), []);

        const listed = async (pathPrefix: string, page: PageRequest) =>
          names(await persistence.listUsers(home.accountId, pathPrefix, page));
        assert.deepEqual(await pagesOf((page) => persistence.listUsers(home.accountId, '/', page), 2), [
          ['alice', 'bob'],
          ['Carol', 'Dave'],
          ['erin', 'frank'],
        ]);
        assert.deepEqual(await listed('/eng/', { limit: 10 }), ['alice', 'Carol', 'Dave']);
        assert.deepEqual(await listed('/eng/', { limit: 1, after: 'alice' }), ['Carol']);
        assert.deepEqual(await listed('/', { limit: 2, after: 'BOB' }), ['Carol', 'Dave'], 'a cursor in another case');
        assert.deepEqual(await listed('/e_g/', { limit: 10 }), ['frank'], "'_' is no wildcard");
        assert.deepEqual(await listed('/eng', { limit: 10 }), ['alice', 'Carol', 'Dave', 'erin']);
        assert.deepEqual(await listed('/nobody/', { limit: 10 }), []);
        assert.deepEqual(await listed('/', { limit: 0 }), []);
        assert.deepEqual(await persistence.listUsers(home.accountId, '/eng/ops/', { limit: 10 }), [
          userRecord(home.accountId, 'Dave', 4, { path: '/eng/ops/' }),
        ]);
        await assert.rejects(persistence.listUsers(home.accountId, '/', { limit: -1 }));
      }));

    test('listRoles pages by lowercase name, in the account, under the path prefix', () =>
      withStore(async (persistence) => {
        for (const [n, roleName, path] of [
          [1, 'Zeta', '/'],
          [2, 'beta', '/svc/'],
          [3, 'Alpha', '/svc/'],
          [4, 'gamma', '/'],
        ] as const) {
          await persistence.insertRole(roleRecord(home.accountId, roleName, n, { path }), []);
        }
        await persistence.insertRole(roleRecord(otherAccount.accountId, 'aardvark', 5), []);

        assert.deepEqual(await pagesOf((page) => persistence.listRoles(home.accountId, '/', page), 3), [
          ['Alpha', 'beta', 'gamma'],
          ['Zeta'],
        ]);
        assert.deepEqual(names(await persistence.listRoles(home.accountId, '/svc/', { limit: 10, after: 'ALPHA' })), [
          'beta',
        ]);
        assert.deepEqual(await persistence.listRoles(home.accountId, '/', { limit: 1 }), [
          roleRecord(home.accountId, 'Alpha', 3, { path: '/svc/' }),
        ]);
        await assert.rejects(persistence.listRoles(home.accountId, '/', { limit: -1 }));
      }));

    test('deleteUser refuses while access keys or inline policies remain, then deletes the user with its tags', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = userRecord(home.accountId, 'Alice', 1);
        await persistence.insertUser(alice, [tag('team', 'blue')]);
        const accessKey = principalAccessKey(home.accountId, alice.userId, 1);
        assert.equal(await persistence.insertAccessKey(accessKey, 2), 'stored');
        assert.equal(await persistence.putInlinePolicy(alice.userId, policy('p', '{}'), 2048), 'stored');

        assert.equal(await persistence.deleteUser(home.accountId, 'Alice'), 'conflict');
        assert.equal(await persistence.deleteAccessKey(alice.userId, accessKey.accessKeyId), true);
        assert.equal(await persistence.deleteUser(home.accountId, 'Alice'), 'conflict', 'the inline policy remains');
        assert.deepEqual(await persistence.findUser(home.accountId, 'Alice'), alice);
        assert.deepEqual(await persistence.listPrincipalTags(alice.userId), [tag('team', 'blue')]);
        assert.deepEqual(await persistence.listInlinePolicies(alice.userId), [policy('p', '{}')]);

        assert.equal(await persistence.deleteInlinePolicy(alice.userId, 'p'), true);
        assert.equal(await persistence.deleteUser(otherAccount.accountId, 'Alice'), 'no-such-principal');
        assert.equal(await persistence.deleteUser(home.accountId, 'ALICE'), 'deleted');
        assert.equal(await persistence.findUser(home.accountId, 'Alice'), undefined);
        assert.deepEqual(await persistence.listPrincipalTags(alice.userId), []);
        assert.equal(await persistence.deleteUser(home.accountId, 'Alice'), 'no-such-principal');
        assert.equal(await persistence.putPrincipalTags(alice.userId, [tag('a', 'b')], 50), 'no-such-principal');

        // The name is free again, and the new user inherits nothing of the old one.
        assert.equal(await persistence.insertUser(userRecord(home.accountId, 'alice', 2), []), true);
        assert.deepEqual(await persistence.listPrincipalTags(userIdOf(2)), []);
        assert.deepEqual(await persistence.listAccessKeys(userIdOf(2)), []);
      }));

    test('deleteRole refuses while inline policies remain, then deletes the role with its tags', () =>
      withStore(async (persistence) => {
        const deployer = roleRecord(home.accountId, 'Deployer', 1);
        const survivor = roleRecord(home.accountId, 'Survivor', 2);
        await persistence.insertRole(deployer, [tag('team', 'blue')]);
        await persistence.insertRole(survivor, [tag('team', 'red')]);
        await persistence.putInlinePolicy(deployer.roleId, policy('p', '{}'), 10_240);

        assert.equal(await persistence.deleteRole(home.accountId, 'Deployer'), 'conflict');
        assert.deepEqual(await persistence.findRole(home.accountId, 'Deployer'), deployer);
        assert.equal(await persistence.deleteInlinePolicy(deployer.roleId, 'p'), true);
        assert.equal(await persistence.deleteRole(home.accountId, 'deployer'), 'deleted');
        assert.equal(await persistence.findRole(home.accountId, 'Deployer'), undefined);
        assert.deepEqual(await persistence.listPrincipalTags(deployer.roleId), []);
        assert.equal(await persistence.deleteRole(home.accountId, 'Deployer'), 'no-such-principal');
        assert.deepEqual(await persistence.findRole(home.accountId, 'Survivor'), survivor);
        assert.deepEqual(await persistence.listPrincipalTags(survivor.roleId), [tag('team', 'red')]);
      }));

    test('updateTrustPolicy replaces the trust policy of an existing role only', () =>
      withStore(async (persistence) => {
        const deployer = roleRecord(home.accountId, 'Deployer', 1);
        await persistence.insertRole(deployer, []);
        assert.equal(await persistence.updateTrustPolicy(home.accountId, 'DEPLOYER', '{"new":true}'), true);
        assert.deepEqual(await persistence.findRole(home.accountId, 'Deployer'), {
          ...deployer,
          trustPolicy: '{"new":true}',
        });
        assert.equal(await persistence.updateTrustPolicy(home.accountId, 'Nobody', '{}'), false);
        assert.equal(await persistence.updateTrustPolicy(otherAccount.accountId, 'Deployer', '{}'), false);
        assert.equal(await persistence.findRole(home.accountId, 'Nobody'), undefined);
        assert.equal((await persistence.findRole(home.accountId, 'Deployer'))?.trustPolicy, '{"new":true}');
      }));

    test('insertAccessKey stores keys of a user, a role or an account root up to maxPerPrincipal', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = userRecord(home.accountId, 'alice', 1);
        const deployer = roleRecord(home.accountId, 'deployer', 1);
        await persistence.insertUser(alice, []);
        await persistence.insertRole(deployer, []);

        assert.equal(
          await persistence.insertAccessKey(principalAccessKey(home.accountId, home.accountId, 1), 2),
          'stored',
        );
        const third = principalAccessKey(home.accountId, home.accountId, 2);
        assert.equal(
          await persistence.insertAccessKey(third, 2),
          'over-limit',
          'the root key from insertAccount counts',
        );
        assert.equal(await persistence.findAccessKey(third.accessKeyId), undefined);

        // Listed by creation time, then by id.
        const userKeys = [
          principalAccessKey(home.accountId, alice.userId, 5, { createdAt: 2_000 }),
          principalAccessKey(home.accountId, alice.userId, 4, { createdAt: 3_000 }),
          principalAccessKey(home.accountId, alice.userId, 3, { createdAt: 2_000 }),
        ];
        for (const key of userKeys) assert.equal(await persistence.insertAccessKey(key, 3), 'stored');
        assert.equal(
          await persistence.insertAccessKey(principalAccessKey(home.accountId, alice.userId, 6), 3),
          'over-limit',
        );
        assert.deepEqual(accessKeyIds(await persistence.listAccessKeys(alice.userId)), [
          accessKeyIdOf(3),
          accessKeyIdOf(5),
          accessKeyIdOf(4),
        ]);
        const listed = (await persistence.listAccessKeys(alice.userId))[0];
        assert.ok(listed);
        assert.deepEqual({ ...listed, sealedSecret: bytes(listed.sealedSecret) }, userKeys[2]);
        assert.deepEqual(accessKeyIds(await persistence.listAccessKeys(home.accountId)), [
          accessKeyIdOf(0),
          accessKeyIdOf(1),
        ]);

        const sessionKey = principalAccessKey(home.accountId, deployer.roleId, 7, { principalType: 'AssumedRole' });
        assert.equal(await persistence.insertAccessKey(sessionKey, 1), 'stored');
        assert.equal((await persistence.findAccessKey(sessionKey.accessKeyId))?.principalId, deployer.roleId);
        assert.deepEqual(await persistence.listAccessKeys(userIdOf(9)), []);
      }));

    test('insertAccessKey answers no-such-principal for an unknown principal or one of another account', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        await persistence.insertAccount(
          accountRecord(otherAccount.accountId),
          principalAccessKey(otherAccount.accountId, otherAccount.accountId, 10),
        );
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);

        const refused = [
          principalAccessKey(home.accountId, userIdOf(2), 1),
          principalAccessKey(home.accountId, roleIdOf(2), 2),
          principalAccessKey('777788889999', '777788889999', 3),
          principalAccessKey(otherAccount.accountId, alice.userId, 4),
          principalAccessKey(home.accountId, otherAccount.accountId, 5),
        ];
        for (const key of refused) {
          assert.equal(await persistence.insertAccessKey(key, 5), 'no-such-principal', key.principalId);
          assert.equal(await persistence.findAccessKey(key.accessKeyId), undefined);
        }
        assert.deepEqual(await persistence.listAccessKeys(alice.userId), []);

        await assert.rejects(
          persistence.insertAccessKey(principalAccessKey(home.accountId, alice.userId, 0), 5),
          'a taken access key id',
        );
        assert.equal((await persistence.findAccessKey(accessKeyIdOf(0)))?.principalId, home.accountId);
      }));

    test('concurrent insertAccessKey calls never pass the per-principal limit together', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            persistence.insertAccessKey(principalAccessKey(home.accountId, alice.userId, n + 1), 2),
          ),
        );
        assert.equal(results.filter((result) => result === 'stored').length, 2);
        assert.equal(results.filter((result) => result === 'over-limit').length, 8);
        assert.equal((await persistence.listAccessKeys(alice.userId)).length, 2);
      }));

    test('updateAccessKeyStatus and deleteAccessKey change a key of the given principal only', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);
        const aliceKey = principalAccessKey(home.accountId, alice.userId, 1);
        await persistence.insertAccessKey(aliceKey, 2);
        const rootKeyId = accessKeyIdOf(0);

        assert.equal(await persistence.updateAccessKeyStatus(alice.userId, rootKeyId, 'Inactive'), false);
        assert.equal(await persistence.updateAccessKeyStatus(home.accountId, aliceKey.accessKeyId, 'Inactive'), false);
        assert.equal(await persistence.updateAccessKeyStatus(alice.userId, accessKeyIdOf(9), 'Inactive'), false);
        assert.equal(await persistence.deleteAccessKey(alice.userId, rootKeyId), false);
        assert.equal(await persistence.deleteAccessKey(home.accountId, aliceKey.accessKeyId), false);
        assert.equal((await persistence.findAccessKey(rootKeyId))?.status, 'Active');
        assert.equal((await persistence.findAccessKey(aliceKey.accessKeyId))?.status, 'Active');

        assert.equal(await persistence.updateAccessKeyStatus(alice.userId, aliceKey.accessKeyId, 'Inactive'), true);
        assert.equal((await persistence.listAccessKeys(alice.userId))[0]?.status, 'Inactive');
        assert.equal(await persistence.updateAccessKeyStatus(alice.userId, aliceKey.accessKeyId, 'Active'), true);
        assert.equal((await persistence.findAccessKey(aliceKey.accessKeyId))?.status, 'Active');

        assert.equal(await persistence.deleteAccessKey(alice.userId, aliceKey.accessKeyId), true);
        assert.equal(await persistence.deleteAccessKey(alice.userId, aliceKey.accessKeyId), false);
        assert.deepEqual(await persistence.listAccessKeys(alice.userId), []);
        assert.equal(
          await persistence.insertAccessKey(principalAccessKey(home.accountId, alice.userId, 2), 1),
          'stored',
          'a deleted key no longer counts',
        );
      }));

    test('a deactivated or deleted access key is seen by the very next lookup', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);
        const aliceKey = principalAccessKey(home.accountId, alice.userId, 1);
        await persistence.insertAccessKey(aliceKey, 2);

        // Looked up twice first, so that a cache in front of the store holds it.
        assert.equal((await persistence.findAccessKey(aliceKey.accessKeyId))?.status, 'Active');
        assert.equal((await persistence.findAccessKey(aliceKey.accessKeyId))?.status, 'Active');
        await persistence.updateAccessKeyStatus(alice.userId, aliceKey.accessKeyId, 'Inactive');
        assert.equal((await persistence.findAccessKey(aliceKey.accessKeyId))?.status, 'Inactive');
        await persistence.deleteAccessKey(alice.userId, aliceKey.accessKeyId);
        assert.equal(await persistence.findAccessKey(aliceKey.accessKeyId), undefined);
      }));

    test('putInlinePolicy adds or replaces, refusing past maxPolicyChars counted without whitespace', () =>
      withStore(async (persistence) => {
        const alice = userRecord(home.accountId, 'alice', 1);
        const bob = userRecord(home.accountId, 'bob', 2);
        await persistence.insertUser(alice, []);
        await persistence.insertUser(bob, []);
        // 7 and 9 characters once whitespace is left out.
        const first = policy('first', '{\n  "a" :\t1\n}');
        const second = policy('second', '{ "bb": 22 }');
        assert.equal(await persistence.putInlinePolicy(alice.userId, first, 20), 'stored');
        assert.equal(await persistence.putInlinePolicy(alice.userId, second, 20), 'stored');
        assert.equal(await persistence.putInlinePolicy(alice.userId, policy('third', '{"c":1}'), 20), 'over-limit');
        assert.deepEqual(await persistence.listInlinePolicies(alice.userId), [first, second]);

        // Replacing the 9-character policy with 13 characters ends at exactly 20: the old one no longer counts.
        const replaced = policy('second', '{"bbbbbbb":2}');
        assert.equal(await persistence.putInlinePolicy(alice.userId, replaced, 20), 'stored');
        assert.deepEqual(await persistence.listInlinePolicies(alice.userId), [first, replaced]);
        assert.equal(
          await persistence.putInlinePolicy(alice.userId, policy('second', '{"bbbbbbbb":2}'), 20),
          'over-limit',
        );
        assert.deepEqual(await persistence.listInlinePolicies(alice.userId), [first, replaced]);
        assert.equal(await persistence.putInlinePolicy(bob.userId, policy('third', '{"c":1}'), 20), 'stored');

        assert.equal(await persistence.deleteInlinePolicy(alice.userId, 'first'), true);
        assert.equal(await persistence.deleteInlinePolicy(alice.userId, 'first'), false);
        assert.equal(await persistence.deleteInlinePolicy(bob.userId, 'second'), false);
        assert.equal(await persistence.putInlinePolicy(alice.userId, policy('third', '{"c":1}'), 20), 'stored');
      }));

    test('listInlinePolicies orders by policy name in code-point order, for users and roles alike', () =>
      withStore(async (persistence) => {
        const deployer = roleRecord(home.accountId, 'deployer', 1);
        await persistence.insertRole(deployer, []);
        for (const policyName of ['b', '\u{1F511}', 'A', '\uFF21', 'a']) {
          assert.equal(await persistence.putInlinePolicy(deployer.roleId, policy(policyName, '{}'), 10_240), 'stored');
        }
        assert.deepEqual(
          (await persistence.listInlinePolicies(deployer.roleId)).map((listed) => listed.policyName),
          ['A', 'a', 'b', '\uFF21', '\u{1F511}'],
        );
      }));

    test('concurrent putInlinePolicy calls never pass the character limit together', () =>
      withStore(async (persistence) => {
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, n) => persistence.putInlinePolicy(alice.userId, policy(`p${n}`, '{}'), 6)),
        );
        assert.equal(results.filter((result) => result === 'stored').length, 3);
        assert.equal((await persistence.listInlinePolicies(alice.userId)).length, 3);
      }));

    test('inline policies and tags belong only to an existing user or role', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        for (const principalId of [userIdOf(1), roleIdOf(1), home.accountId]) {
          assert.equal(await persistence.putInlinePolicy(principalId, policy('p', '{}'), 2048), 'no-such-principal');
          assert.equal(await persistence.putPrincipalTags(principalId, [tag('a', 'b')], 50), 'no-such-principal');
          assert.deepEqual(await persistence.listInlinePolicies(principalId), []);
          assert.deepEqual(await persistence.listPrincipalTags(principalId), []);
          assert.equal(await persistence.deleteInlinePolicy(principalId, 'p'), false);
        }
      }));

    test('putPrincipalTags adds and overwrites, refusing past maxTags; overwrites do not count twice', () =>
      withStore(async (persistence) => {
        const alice = userRecord(home.accountId, 'alice', 1);
        const deployer = roleRecord(home.accountId, 'deployer', 1);
        await persistence.insertUser(alice, [tag('a', '1'), tag('b', '1')]);
        await persistence.insertRole(deployer, []);

        assert.equal(await persistence.putPrincipalTags(alice.userId, [tag('a', '2'), tag('c', '1')], 3), 'stored');
        assert.equal(await persistence.putPrincipalTags(alice.userId, [tag('b', '2'), tag('d', '1')], 3), 'over-limit');
        assert.deepEqual(await persistence.listPrincipalTags(alice.userId), [
          tag('a', '2'),
          tag('b', '1'),
          tag('c', '1'),
        ]);

        assert.equal(await persistence.putPrincipalTags(deployer.roleId, [tag('z', '1'), tag('y', '1')], 2), 'stored');
        assert.equal(await persistence.putPrincipalTags(deployer.roleId, [tag('y', '2')], 2), 'stored');
        assert.deepEqual(await persistence.listPrincipalTags(deployer.roleId), [tag('y', '2'), tag('z', '1')]);
      }));

    test('concurrent putPrincipalTags calls never pass the tag limit together', () =>
      withStore(async (persistence) => {
        const alice = userRecord(home.accountId, 'alice', 1);
        await persistence.insertUser(alice, []);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, n) => persistence.putPrincipalTags(alice.userId, [tag(`t${n}`, 'v')], 5)),
        );
        assert.equal(results.filter((result) => result === 'stored').length, 5);
        assert.equal((await persistence.listPrincipalTags(alice.userId)).length, 5);
      }));

    test('identity records, given or returned, cannot be used to change what is stored', () =>
      withStore(async (persistence) => {
        await insertHomeAccount(persistence);
        const alice = { ...userRecord(home.accountId, 'alice', 1) };
        const deployer = { ...roleRecord(home.accountId, 'deployer', 1) };
        const tags = [{ ...tag('team', 'blue') }];
        const given = { ...policy('p', '{}') };
        const accessKey = { ...principalAccessKey(home.accountId, alice.userId, 1), sealedSecret: Buffer.alloc(8, 7) };
        await persistence.insertUser(alice, tags);
        await persistence.insertRole(deployer, tags);
        await persistence.putInlinePolicy(deployer.roleId, given, 10_240);
        await persistence.insertAccessKey(accessKey, 2);
        alice.path = '/changed/';
        deployer.trustPolicy = 'changed';
        tags[0] = tag('team', 'red');
        given.document = 'changed';
        accessKey.sealedSecret.fill(0);

        for (const read of [1, 2]) {
          const user = await persistence.findUser(home.accountId, 'alice');
          const role = await persistence.findRole(home.accountId, 'deployer');
          const policies = await persistence.listInlinePolicies(deployer.roleId);
          const roleTags = await persistence.listPrincipalTags(deployer.roleId);
          const keys = await persistence.listAccessKeys(alice.userId);
          assert.deepEqual(user, userRecord(home.accountId, 'alice', 1), `read ${read}`);
          assert.deepEqual(role, roleRecord(home.accountId, 'deployer', 1), `read ${read}`);
          assert.deepEqual(policies, [policy('p', '{}')], `read ${read}`);
          assert.deepEqual(roleTags, [tag('team', 'blue')], `read ${read}`);
          assert.deepEqual(bytes(keys[0]?.sealedSecret), Buffer.alloc(8, 7), `read ${read}`);
          assert.ok(user && role && policies[0] && roleTags[0] && keys[0]);
          tamperWith(user, 'path', '/tampered/');
          tamperWith(role, 'trustPolicy', 'tampered');
          tamperWith(policies[0], 'document', 'tampered');
          tamperWith(roleTags[0], 'TagValue', 'tampered');
          tamperWith(keys[0], 'status', 'Inactive');
          keys[0].sealedSecret.fill(0);
          policies.push(policy('extra', '{}'));
          roleTags.push(tag('extra', 'x'));
        }
        assert.equal((await persistence.findAccessKey(accessKey.accessKeyId))?.status, 'Active');
      }));

    test('findRole, listInlinePolicies and listPrincipalTags see every change to identities at once', () =>
      withStore(async (persistence) => {
        const deployer = roleRecord(home.accountId, 'deployer', 1);
        const alice = userRecord(home.accountId, 'alice', 1);
        // Read before they exist, and read twice after each change, so that a cache holds whatever it keeps.
        const readAll = async () => {
          const snapshot = async () => ({
            role: await persistence.findRole(home.accountId, 'deployer'),
            rolePolicies: await persistence.listInlinePolicies(deployer.roleId),
            roleTags: await persistence.listPrincipalTags(deployer.roleId),
            userPolicies: await persistence.listInlinePolicies(alice.userId),
            userTags: await persistence.listPrincipalTags(alice.userId),
          });
          const first = await snapshot();
          assert.deepEqual(await snapshot(), first);
          return first;
        };
        assert.deepEqual(await readAll(), {
          role: undefined,
          rolePolicies: [],
          roleTags: [],
          userPolicies: [],
          userTags: [],
        });

        await persistence.insertRole(deployer, [tag('team', 'blue')]);
        await persistence.insertUser(alice, [tag('team', 'red')]);
        assert.deepEqual(await readAll(), {
          role: deployer,
          rolePolicies: [],
          roleTags: [tag('team', 'blue')],
          userPolicies: [],
          userTags: [tag('team', 'red')],
        });

        await persistence.updateTrustPolicy(home.accountId, 'deployer', '{"new":true}');
        await persistence.putInlinePolicy(deployer.roleId, policy('p', '{}'), 10_240);
        await persistence.putInlinePolicy(alice.userId, policy('q', '{}'), 2048);
        await persistence.putPrincipalTags(deployer.roleId, [tag('team', 'green')], 50);
        assert.deepEqual(await readAll(), {
          role: { ...deployer, trustPolicy: '{"new":true}' },
          rolePolicies: [policy('p', '{}')],
          roleTags: [tag('team', 'green')],
          userPolicies: [policy('q', '{}')],
          userTags: [tag('team', 'red')],
        });

        await persistence.deleteInlinePolicy(deployer.roleId, 'p');
        await persistence.deleteInlinePolicy(alice.userId, 'q');
        await persistence.deleteRole(home.accountId, 'deployer');
        await persistence.deleteUser(home.accountId, 'alice');
        assert.deepEqual(await readAll(), {
          role: undefined,
          rolePolicies: [],
          roleTags: [],
          userPolicies: [],
          userTags: [],
        });
      }));

    test('a mutation commits its writes together, only once beforeCommit has resolved', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        const recording = holdPoint();
        let recorded: string | undefined;
        const committed = persistence.mutation(
          async () => {
            await insertPlainKey(persistence, home, keyId);
            await persistence.putTags(home, keyId, [tag('team', 'blue')], 50);
            return 'created';
          },
          async (result) => {
            recorded = result;
            await recording.wait();
          },
        );
        await recording.whileHeld(committed, async () => {
          assert.equal(recorded, 'created', "beforeCommit is given work's result");
          assert.equal(await persistence.findKey(home, keyId), undefined);
          assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), []);
        });
        assert.equal(await committed, 'created');
        assert.deepEqual(await persistence.findKey(home, keyId), keyRecord(home, keyId));
        assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [tag('team', 'blue')]);
      }));

    /** Work touching every kind of cached row, reading each back inside the mutation, where it must see it. */
    const writeAndReadBack = async (persistence: Persistence) => {
      const existing = keyIdOf(1);
      const created = keyIdOf(2);
      await insertPlainKey(persistence, home, created);
      await persistence.putTags(home, created, [tag('team', 'blue')], 50);
      await persistence.updateKey(home, existing, (key) => ({ ...key, description: 'changed' }));
      await persistence.insertAlias(aliasRecord(home, 'alias/new', created));
      await insertHomeAccount(persistence);
      await persistence.insertRole(roleRecord(home.accountId, 'deployer', 1), [tag('team', 'red')]);
      assert.equal((await persistence.findKey(home, existing))?.description, 'changed');
      assert.equal((await persistence.findKey(home, created))?.keyId, created);
      assert.equal((await persistence.findAlias(home, 'alias/new'))?.targetKeyId, created);
      assert.equal((await persistence.findAccessKey(accessKeyIdOf(0)))?.accountId, home.accountId);
      assert.equal((await persistence.findRole(home.accountId, 'deployer'))?.roleId, roleIdOf(1));
      assert.deepEqual(await persistence.listPrincipalTags(roleIdOf(1)), [tag('team', 'red')]);
    };

    const assertNothingOfWriteAndReadBack = async (persistence: Persistence) => {
      assert.deepEqual(await persistence.findKey(home, keyIdOf(1)), keyRecord(home, keyIdOf(1)));
      assert.equal(await persistence.findKey(home, keyIdOf(2)), undefined);
      assert.deepEqual(await persistence.listTags(home, keyIdOf(2), { limit: 10 }), []);
      assert.equal(await persistence.findAlias(home, 'alias/new'), undefined);
      assert.equal(await persistence.getAccount(home.accountId), undefined);
      assert.equal(await persistence.findAccessKey(accessKeyIdOf(0)), undefined);
      assert.equal(await persistence.findRole(home.accountId, 'deployer'), undefined);
      assert.deepEqual(await persistence.listPrincipalTags(roleIdOf(1)), []);
    };

    test('a mutation whose work throws writes nothing, and beforeCommit is not called', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        const failure = new Error('the operation failed');
        let recorded = false;
        await assert.rejects(
          persistence.mutation(
            async () => {
              await writeAndReadBack(persistence);
              throw failure;
            },
            async () => {
              recorded = true;
            },
          ),
          failure,
        );
        assert.equal(recorded, false);
        await assertNothingOfWriteAndReadBack(persistence);
      }));

    test('a mutation whose beforeCommit throws writes nothing', () =>
      withStore(async (persistence) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        const refusal = new Error('the audit record could not be written');
        await assert.rejects(
          persistence.mutation(
            () => writeAndReadBack(persistence),
            async () => {
              throw refusal;
            },
          ),
          refusal,
        );
        await assertNothingOfWriteAndReadBack(persistence);
        await insertPlainKey(persistence, home, keyIdOf(2));
        assert.equal((await persistence.findKey(home, keyIdOf(2)))?.keyId, keyIdOf(2), 'writes go on afterwards');
      }));

    for (const outcome of ['commits', 'rolls back'] as const) {
      test(`a write by another caller waits for an open mutation and is kept when the mutation ${outcome}`, () =>
        withStore(async (persistence) => {
          await insertPlainKey(persistence, home, keyIdOf(1));
          const held = holdPoint();
          const refusal = new Error('the audit record could not be written');
          const mutation = persistence.mutation(
            async () => {
              await insertPlainKey(persistence, home, keyIdOf(2));
              await held.wait();
            },
            async () => {
              if (outcome === 'rolls back') throw refusal;
            },
          );
          let written = false;
          let concurrent: Promise<void> = Promise.resolve();
          await held.whileHeld(mutation, async () => {
            concurrent = Promise.all([
              insertPlainKey(persistence, home, keyIdOf(3)),
              persistence.updateKey(home, keyIdOf(1), (key) => ({ ...key, description: 'by another caller' })),
            ]).then(() => {
              written = true;
            });
            await eventLoopTurns();
            assert.equal(written, false, 'the write waits while the mutation is open');
            assert.equal(await persistence.findKey(home, keyIdOf(3)), undefined);
          });
          if (outcome === 'rolls back') await assert.rejects(mutation, refusal);
          else await mutation;
          await concurrent;
          assert.equal((await persistence.findKey(home, keyIdOf(3)))?.keyId, keyIdOf(3));
          assert.equal((await persistence.findKey(home, keyIdOf(1)))?.description, 'by another caller');
          assert.equal(
            (await persistence.findKey(home, keyIdOf(2)))?.keyId,
            outcome === 'commits' ? keyIdOf(2) : undefined,
          );
        }));
    }

    test('other callers read the committed state while a mutation is open; the mutation reads its own writes', () =>
      withStore(async (persistence) => {
        const keyId = keyIdOf(1);
        await insertPlainKey(persistence, home, keyId);
        await persistence.putTags(home, keyId, [tag('team', 'blue')], 50);
        const held = holdPoint();
        const mutation = persistence.mutation(
          async () => {
            await persistence.updateKey(home, keyId, (key) => ({ ...key, description: 'changed' }));
            await persistence.putTags(home, keyId, [tag('team', 'red')], 50);
            await held.wait();
            return {
              description: (await persistence.findKey(home, keyId))?.description,
              tags: await persistence.listTags(home, keyId, { limit: 10 }),
            };
          },
          async () => {},
        );
        await held.whileHeld(mutation, async () => {
          // Twice, so that a cache in front would serve the second read from what the first one left.
          for (let read = 0; read < 2; read += 1) {
            assert.deepEqual(await persistence.findKey(home, keyId), keyRecord(home, keyId));
            assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [tag('team', 'blue')]);
          }
        });
        assert.deepEqual(await mutation, { description: 'changed', tags: [tag('team', 'red')] });
        for (let read = 0; read < 2; read += 1) {
          assert.equal((await persistence.findKey(home, keyId))?.description, 'changed');
          assert.deepEqual(await persistence.listTags(home, keyId, { limit: 10 }), [tag('team', 'red')]);
        }
      }));

    test('calls inside a mutation, in parallel too, neither deadlock nor escape it; a refused one changes nothing', () =>
      withStore(async (persistence) => {
        const [first, second] = [keyIdOf(1), keyIdOf(2)];
        const listed = await persistence.mutation(
          async () => {
            await insertPlainKey(persistence, home, first);
            await Promise.all([
              persistence.putTags(home, first, [tag('team', 'blue')], 50),
              persistence.insertAlias(aliasRecord(home, 'alias/app', first)),
              insertPlainKey(persistence, home, second),
            ]);
            await assert.rejects(insertPlainKey(persistence, home, first, { description: 'a twin' }));
            assert.equal(await persistence.putTags(home, first, [tag('a', '1'), tag('b', '2')], 2), false);
            // Mutations do not nest.
            await assert.rejects(
              persistence.mutation(
                async () => {},
                async () => {},
              ),
            );
            return (await persistence.listKeys(home, { limit: 10 })).map((key) => key.keyId);
          },
          async () => {},
        );
        assert.deepEqual(listed, [first, second]);
        assert.deepEqual(await persistence.findKey(home, first), keyRecord(home, first));
        assert.deepEqual(await persistence.listTags(home, first, { limit: 10 }), [tag('team', 'blue')]);
        assert.equal((await persistence.findAlias(home, 'alias/app'))?.targetKeyId, first);
      }));

    test('a mutation whose commit fails rejects with MutationCommitFailed, writes nothing, and the store goes on', () =>
      withStore(async (persistence, { failNextCommit }) => {
        await insertPlainKey(persistence, home, keyIdOf(1));
        failNextCommit();
        let recorded = false;
        await assert.rejects(
          persistence.mutation(
            () => writeAndReadBack(persistence),
            async () => {
              recorded = true;
            },
          ),
          MutationCommitFailed,
        );
        assert.equal(recorded, true, 'the commit is tried only after beforeCommit');
        await assertNothingOfWriteAndReadBack(persistence);

        assert.equal(
          await persistence.mutation(
            async () => {
              await writeAndReadBack(persistence);
              return 'again';
            },
            async () => {},
          ),
          'again',
        );
        assert.equal((await persistence.findKey(home, keyIdOf(1)))?.description, 'changed');
        assert.equal((await persistence.findRole(home.accountId, 'deployer'))?.roleId, roleIdOf(1));
      }));
  });
}
