import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryPersistence } from '../memory/memory-persistence.js';
import type { KeyRecord, Persistence } from '../port.js';
import { withReadCache } from './read-cache.js';

const key: KeyRecord = {
  accountId: '111122223333',
  region: 'us-east-1',
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  createdAt: 1_700_000_000_000,
  description: 'before',
  keyUsage: 'ENCRYPT_DECRYPT',
  keySpec: 'SYMMETRIC_DEFAULT',
  origin: 'AWS_KMS',
  multiRegion: false,
  policy: '{}',
  state: 'Enabled',
  deletionDate: null,
  pendingWindowInDays: null,
  keyStore: 'software',
  currentBackingVersion: 1,
};

/** A promise settled from outside. */
function later() {
  let resolve = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/**
 * A store whose findKey reads at once but answers only when the test says so: a read that is slow to come
 * back (a networked store, a busy event loop) with what was committed when it ran.
 */
function slowFindKey(inner: Persistence, answer: Promise<void>, started: () => void): Persistence {
  return {
    ...inner,
    async findKey(scope, keyId) {
      const found = await inner.findKey(scope, keyId);
      started();
      await answer;
      return found;
    },
  };
}

describe('read cache around a mutation', () => {
  test('a read that ran while a mutation was open and answers after its commit is not cached', async () => {
    const memory = createMemoryPersistence();
    await memory.insertKey(
      key,
      { keyId: key.keyId, version: 1, createdAt: 1, keyStore: 'software', handle: Buffer.of(1) },
      [],
    );
    const answer = later();
    const readRan = later();
    const mutationWrote = later();
    const commitAllowed = later();
    const cached = withReadCache(slowFindKey(memory, answer.promise, readRan.resolve));

    const mutation = cached.mutation(
      async () => {
        await cached.updateKey(key, key.keyId, (current) => ({ ...current, description: 'after' }));
        mutationWrote.resolve();
        await commitAllowed.promise;
      },
      async () => {},
    );
    await mutationWrote.promise;
    const slowRead = cached.findKey(key, key.keyId);
    await readRan.promise;
    commitAllowed.resolve();
    await mutation;
    answer.resolve();
    assert.equal((await slowRead)?.description, 'before', 'it read before the commit');

    assert.equal((await cached.findKey(key, key.keyId))?.description, 'after');
  });
});
