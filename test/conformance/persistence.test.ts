import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type Database from 'better-sqlite3';
import { type CachedPersistence, withReadCache } from '../../src/persistence/cached/read-cache.js';
import { createMemoryPersistence } from '../../src/persistence/memory/memory-persistence.js';
import type { AccessKeyRecord, KeyRecord, Persistence, RoleRecord, Tag } from '../../src/persistence/port.js';
import { openDatabase } from '../../src/persistence/sqlite/database.js';
import { migrations } from '../../src/persistence/sqlite/migrations.js';
import { openSqlitePersistence } from '../../src/persistence/sqlite/sqlite-persistence.js';
import { holdPoint, keyRecord, type PersistenceUnderTest, persistenceConformance } from './persistence-suite.js';

/** A fresh directory per store, removed by its cleanup; the database sits one level down so its parent must be made. */
async function temporaryDatabaseFile(): Promise<{ file: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'trent-persistence-'));
  return { file: join(dir, 'nested', 'trent.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A commit failure armed by failNextCommit and set off by the adapter's commit seam, once. */
function commitFailure<Args extends unknown[]>(fail: (...args: Args) => void) {
  let armed = false;
  return {
    failNextCommit: () => {
      armed = true;
    },
    atCommit: (...args: Args) => {
      if (!armed) return;
      armed = false;
      fail(...args);
    },
  };
}

function memoryUnderTest(): PersistenceUnderTest {
  const { failNextCommit, atCommit } = commitFailure(() => {
    throw new Error('injected commit failure');
  });
  return { persistence: createMemoryPersistence({ atCommit }), failNextCommit, cleanup: async () => {} };
}

/**
 * SQLite's own COMMIT fails: the seam adds a tag of a key that does not exist, with foreign keys checked
 * only at COMMIT, which then refuses and leaves the transaction open.
 */
async function sqliteUnderTest(): Promise<PersistenceUnderTest> {
  const { file, cleanup } = await temporaryDatabaseFile();
  const { failNextCommit, atCommit } = commitFailure((writer: Database.Database) => {
    writer.pragma('defer_foreign_keys = ON');
    writer.prepare("INSERT INTO key_tags (key_id, tag_key, tag_value) VALUES ('no such key', 'k', 'v')").run();
  });
  return { persistence: openSqlitePersistence(file, { atCommit }), failNextCommit, cleanup };
}

/** The read cache must not change what any adapter means: every read after a write sees the write. */
const behindReadCache = (underTest: PersistenceUnderTest, capacity?: number): PersistenceUnderTest => ({
  ...underTest,
  persistence: withReadCache(underTest.persistence, capacity),
});

persistenceConformance('memory', async () => memoryUnderTest());
persistenceConformance('sqlite', sqliteUnderTest);
persistenceConformance('memory behind the read cache', async () => behindReadCache(memoryUnderTest(), 3));
persistenceConformance('sqlite behind the read cache', async () => behindReadCache(await sqliteUnderTest()));

describe('sqlite persistence on disk', () => {
  let file: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ file, cleanup } = await temporaryDatabaseFile());
  });
  after(() => cleanup());

  test('data survives close and reopen', async () => {
    const key = keyRecord({ accountId: '111122223333', region: 'us-east-1' }, '1234abcd-12ab-34cd-56ef-1234567890ab', {
      description: 'durable',
      policy: '{}',
    });
    const handle = Buffer.from('wrapped backing key');
    const first = openSqlitePersistence(file);
    await first.migrate();
    await first.putSettingIfAbsent('root-key-check', 'abc');
    await first.insertKey(key, { keyId: key.keyId, version: 1, createdAt: 1, keyStore: 'software', handle }, []);
    await first.close();

    const second = openSqlitePersistence(file);
    try {
      await second.migrate();
      assert.equal(await second.getSetting('root-key-check'), 'abc');
      assert.deepEqual(await second.findKey(key, key.keyId), key);
      assert.deepEqual(Buffer.from((await second.findBackingKey(key.keyId, 1))?.handle ?? []), handle);
    } finally {
      await second.close();
    }
  });

  test('migrations are recorded once however often migrate runs', async () => {
    const persistence = openSqlitePersistence(file);
    await persistence.migrate();
    await persistence.migrate();
    await persistence.close();
    const db = openDatabase(file);
    try {
      assert.deepEqual(
        db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(),
        migrations.map(({ version }) => ({ version })),
      );
    } finally {
      db.close();
    }
  });

  test('ping fails before the schema is migrated', async () => {
    const fresh = await temporaryDatabaseFile();
    const persistence = openSqlitePersistence(fresh.file);
    try {
      await assert.rejects(persistence.ping());
      await persistence.migrate();
      await persistence.ping();
    } finally {
      await persistence.close();
      await fresh.cleanup();
    }
  });

  test('the database is opened in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(file);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      db.close();
    }
  });

  test('the tables refuse values outside the port types', async () => {
    const db = openDatabase(file);
    try {
      const insert = db.prepare(
        `INSERT INTO keys (key_id, account_id, region, created_at, description, key_usage, key_spec, origin,
          multi_region, policy, state, key_store, current_backing_version)
         VALUES ('k', 'a', 'r', ?, '', 'u', 's', 'o', 0, '{}', ?, 'software', 1)`,
      );
      assert.throws(() => insert.run(1, 'Deleted'), /CHECK constraint failed/);
      assert.throws(() => insert.run(1.5, 'Enabled'), /cannot store REAL value in INTEGER column/);
    } finally {
      db.close();
    }
  });

  test("another connection's commit moves dataVersion, and the read cache in front drops what it held", () =>
    withAnotherProcess(async (other, cached) => {
      const key = sampleKey('Enabled');
      await insertWithBackingKey(other, key);
      assert.equal((await cached.findKey(key, key.keyId))?.state, 'Enabled');

      await cached.updateKey(key, key.keyId, (current) => ({ ...current, description: 'own write' }));
      assert.equal((await cached.findKey(key, key.keyId))?.description, 'own write', 'now cached');

      const before = await cached.dataVersion();
      await other.updateKey(key, key.keyId, (current) => ({ ...current, state: 'Disabled' }));
      assert.notEqual(await cached.dataVersion(), before);
      cached.requestStarted();
      assert.equal((await cached.findKey(key, key.keyId))?.state, 'Disabled');
    }));

  test("a commit on the adapter's write connection moves the dataVersion its reads see", async () => {
    const fresh = await temporaryDatabaseFile();
    const persistence = openSqlitePersistence(fresh.file);
    try {
      await persistence.migrate();
      const key = sampleKey('Enabled');
      const before = await persistence.dataVersion();
      await insertWithBackingKey(persistence, key);
      const afterInsert = await persistence.dataVersion();
      assert.notEqual(afterInsert, before);
      await persistence.mutation(
        () => persistence.updateKey(key, key.keyId, (current) => ({ ...current, state: 'Disabled' })),
        async () => {},
      );
      assert.notEqual(await persistence.dataVersion(), afterInsert);
    } finally {
      await persistence.close();
      await fresh.cleanup();
    }
  });

  test("a mutation reads what another connection committed after its request's look, before its transaction", () =>
    withAnotherProcess(async (other, cached) => {
      const key = sampleKey('Enabled');
      await insertWithBackingKey(other, key);
      cached.requestStarted();
      assert.equal((await cached.findKey(key, key.keyId))?.state, 'Enabled', 'looked, and now cached');
      await other.updateKey(key, key.keyId, (current) => ({ ...current, state: 'Disabled' }));
      const seenInside = await cached.mutation(
        async () => (await cached.findKey(key, key.keyId))?.state,
        async () => {},
      );
      assert.equal(seenInside, 'Disabled');
    }));

  test('another adapter on the same file (another process) sees nothing of a mutation before its commit', async () => {
    const fresh = await temporaryDatabaseFile();
    const writing = withReadCache(openSqlitePersistence(fresh.file));
    const elsewhere = withReadCache(openSqlitePersistence(fresh.file));
    try {
      await writing.migrate();
      await elsewhere.migrate();
      const key = sampleKey('Enabled');
      const created = { ...key, keyId: '1234abcd-12ab-34cd-56ef-1234567890ad' };
      const backingKey = (keyId: string) => ({
        keyId,
        version: 1,
        createdAt: 1,
        keyStore: 'software',
        handle: Buffer.of(1),
      });
      await writing.insertKey(key, backingKey(key.keyId), []);
      assert.equal((await elsewhere.findKey(key, key.keyId))?.state, 'Enabled', 'now cached elsewhere');

      const recording = holdPoint();
      const mutation = writing.mutation(
        async () => {
          await writing.updateKey(key, key.keyId, (current) => ({ ...current, state: 'Disabled' }));
          await writing.insertKey(created, backingKey(created.keyId), []);
        },
        () => recording.wait(),
      );
      await recording.whileHeld(mutation, async () => {
        elsewhere.requestStarted();
        assert.equal((await elsewhere.findKey(key, key.keyId))?.state, 'Enabled');
        assert.equal(await elsewhere.findKey(created, created.keyId), undefined);
      });
      await mutation;
      elsewhere.requestStarted();
      assert.equal((await elsewhere.findKey(key, key.keyId))?.state, 'Disabled');
      assert.equal((await elsewhere.findKey(created, created.keyId))?.keyId, created.keyId);
    } finally {
      await elsewhere.close();
      await writing.close();
      await fresh.cleanup();
    }
  });

  test("another connection's changes to access keys and identities reach the read cache in front at once", () =>
    withAnotherProcess(async (other, cached) => {
      const accountId = '111122223333';
      const accessKey: AccessKeyRecord = {
        accessKeyId: 'AKIA0000000000000001',
        accountId,
        principalArn: `arn:aws:iam::${accountId}:root`,
        principalType: 'Root',
        principalId: accountId,
        sealedSecret: Buffer.of(1),
        status: 'Active',
        createdAt: 1,
      };
      const role: RoleRecord = {
        accountId,
        roleName: 'deployer',
        roleId: 'AROA00000000000000001',
        path: '/',
        arn: `arn:aws:iam::${accountId}:role/deployer`,
        trustPolicy: '{}',
        description: '',
        maxSessionDuration: 3600,
        createdAt: 1,
      };
      await other.insertAccount({ accountId, createdAt: 1 }, accessKey);
      await other.insertRole(role, [tag('team', 'blue')]);
      const seen = async () => ({
        status: (await cached.findAccessKey(accessKey.accessKeyId))?.status,
        trustPolicy: (await cached.findRole(accountId, 'deployer'))?.trustPolicy,
        policies: (await cached.listInlinePolicies(role.roleId)).map((policy) => policy.policyName),
        tags: await cached.listPrincipalTags(role.roleId),
      });
      assert.deepEqual(await seen(), {
        status: 'Active',
        trustPolicy: '{}',
        policies: [],
        tags: [tag('team', 'blue')],
      });

      await other.updateAccessKeyStatus(accountId, accessKey.accessKeyId, 'Inactive');
      await other.updateTrustPolicy(accountId, 'deployer', '{"new":true}');
      await other.putInlinePolicy(role.roleId, { policyName: 'p', document: '{}' }, 10_240);
      await other.putPrincipalTags(role.roleId, [tag('team', 'red')], 50);
      cached.requestStarted();
      assert.deepEqual(await seen(), {
        status: 'Inactive',
        trustPolicy: '{"new":true}',
        policies: ['p'],
        tags: [tag('team', 'red')],
      });
    }));
});

/** Two connections on one fresh SQLite file, as two processes have: one bare, one behind the read cache. */
async function withAnotherProcess(test: (other: Persistence, cached: CachedPersistence) => Promise<void>) {
  const fresh = await temporaryDatabaseFile();
  const other = openSqlitePersistence(fresh.file);
  const cached = withReadCache(openSqlitePersistence(fresh.file));
  try {
    await other.migrate();
    await cached.migrate();
    await test(other, cached);
  } finally {
    await cached.close();
    await other.close();
    await fresh.cleanup();
  }
}

function insertWithBackingKey(persistence: Persistence, key: KeyRecord) {
  const backingKey = { keyId: key.keyId, version: 1, createdAt: 1, keyStore: 'software', handle: Buffer.of(1) };
  return persistence.insertKey(key, backingKey, []);
}

const tag = (TagKey: string, TagValue: string): Tag => ({ TagKey, TagValue });

function sampleKey(state: KeyRecord['state']): KeyRecord {
  return {
    accountId: '111122223333',
    region: 'us-east-1',
    keyId: '1234abcd-12ab-34cd-56ef-1234567890ac',
    createdAt: 1_700_000_000_000,
    description: '',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    multiRegion: false,
    policy: '{}',
    state,
    deletionDate: null,
    pendingWindowInDays: null,
    keyStore: 'software',
    currentBackingVersion: 1,
  };
}
