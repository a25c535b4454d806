import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyRecord } from '../../../test/conformance/persistence-suite.js';
import { createMemoryPersistence } from '../memory/memory-persistence.js';
import type { Persistence } from '../port.js';
import { withReadCache } from './read-cache.js';

const key = keyRecord({ accountId: '111122223333', region: 'us-east-1' }, '1234abcd-12ab-34cd-56ef-1234567890ab', {
  description: 'before',
  policy: '{}',
});

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
