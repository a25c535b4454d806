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

/**
 * A store another process also writes to: `changeElsewhere` commits behind the cache's back and moves the
 * dataVersion, as a commit on another connection does; `looks` counts reads of the dataVersion.
 */
async function sharedStore() {
  const memory = createMemoryPersistence();
  await memory.insertKey(
    key,
    { keyId: key.keyId, version: 1, createdAt: 1, keyStore: 'software', handle: Buffer.of(1) },
    [],
  );
  let version = 1;
  let looks = 0;
  let lookAnswer: Promise<void> = Promise.resolve();
  const inner: Persistence = {
    ...memory,
    async dataVersion() {
      looks += 1;
      const seen = version;
      await lookAnswer;
      return seen;
    },
  };
  return {
    cached: withReadCache(inner),
    looks: () => looks,
    async changeElsewhere(description: string) {
      await memory.updateKey(key, key.keyId, (current) => ({ ...current, description }));
      version += 1;
    },
    /** Holds the answers of the dataVersion reads that start from now until `release` is called. */
    holdLooks() {
      const answer = later();
      lookAnswer = answer.promise;
      return () => {
        lookAnswer = Promise.resolve();
        answer.resolve();
      };
    },
  };
}

const description = async (cached: Persistence) => (await cached.findKey(key, key.keyId))?.description;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('read cache freshness against other processes', () => {
  test('a request sees every commit made elsewhere before it started, and its reads share one look', async () => {
    const store = await sharedStore();
    store.cached.requestStarted();
    assert.equal(await description(store.cached), 'before');
    assert.equal(await description(store.cached), 'before');
    assert.equal(store.looks(), 1, 'one look for the reads of one request');

    await store.changeElsewhere('changed elsewhere');
    store.cached.requestStarted();
    assert.equal(await description(store.cached), 'changed elsewhere');
    assert.equal(store.looks(), 2);
  });

  test('a look that began before a request arrived does not serve that request', async () => {
    const store = await sharedStore();
    assert.equal(await description(store.cached), 'before', 'now cached');
    await nextTurn();
    const release = store.holdLooks();
    const earlyRead = description(store.cached);
    await store.changeElsewhere('changed elsewhere');
    store.cached.requestStarted();
    release();
    assert.equal(await earlyRead, 'before', 'its look saw the version from before the change');
    assert.equal(await description(store.cached), 'changed elsewhere');
    assert.equal(store.looks(), 3);
  });

  test('without requests, a look lapses when the event loop turns', async () => {
    const store = await sharedStore();
    assert.equal(await description(store.cached), 'before');
    await store.changeElsewhere('changed elsewhere');
    await nextTurn();
    assert.equal(await description(store.cached), 'changed elsewhere');
    assert.equal(store.looks(), 2);
  });
});
