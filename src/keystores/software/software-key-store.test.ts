import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { PreconditionFailed } from '../../shared/needs.js';
import { pooledRandom, type Random } from '../../shared/random.js';
import { type BackingKeyRef, KeyStoreAuthenticationFailed } from '../port.js';
import { createSoftwareKeyStore } from './software-key-store.js';

/** Written once by this version of Trent under a fixed root key; every later version must open them. */
const golden = {
  rootKey: Buffer.alloc(32, 0x11),
  ref: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', version: 3 },
  handle:
    '018c8d8e8f9091929394959697ebe792d8a0a3f543ee373998a148d613b74c31d25e5e30d6f3928fe88a068c2b0f9ecca742166373' +
    '63bca7ca7e69354d',
  sealed: {
    nonce: Buffer.from('98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3', 'hex'),
    ciphertext: Buffer.from('356f0f8c7a10c0d4930a4b8754946212', 'hex'),
    tag: Buffer.from('843fb71f153ecc175d90b82b0a75556e', 'hex'),
  },
  aad: Buffer.from('golden aad'),
  plaintext: Buffer.from('golden plaintext'),
  secretContext: 'access-key/AKIAGOLDEN',
  sealedSecret: '01b4b5b6b7b8b9babbbcbdbebf67f16b2fc9c929a806f68c4ad8efda646ef29e8ded0a2ca39cf70e6b0a',
  secret: Buffer.from('golden secret'),
};

const aad = Buffer.from('aad');
const plaintext = Buffer.from('plaintext');
const refA: BackingKeyRef = { keyId: 'key-a', version: 1 };
const refB: BackingKeyRef = { keyId: 'key-b', version: 1 };

function newStore(rootKey = randomBytes(32), random: Random = pooledRandom(), cacheEntries?: number) {
  return createSoftwareKeyStore(rootKey, random, cacheEntries === undefined ? {} : { cacheEntries });
}

describe('software key store: golden values pin the handle, nonce and seal formats', () => {
  const store = newStore(golden.rootKey);

  it('decrypts the golden ciphertext with the golden handle', async () => {
    const handle = Buffer.from(golden.handle, 'hex');
    assert.deepEqual(await store.decrypt(golden.ref, handle, golden.sealed, golden.aad), golden.plaintext);
  });

  it('opens the golden sealed secret', async () => {
    assert.deepEqual(
      await store.openSecret(golden.secretContext, Buffer.from(golden.sealedSecret, 'hex')),
      golden.secret,
    );
  });

  it('writes handles of 61 bytes starting with version 1, and 28-byte nonces', async () => {
    const handle = await store.createBackingKey(refA);
    assert.equal(handle.length, 61);
    assert.equal(handle[0], 1);
    assert.equal((await store.encrypt(refA, handle, plaintext, aad)).nonce.length, 28);
  });
});

describe('software key store: fails closed', () => {
  it('refuses handles swapped between two refs', async () => {
    const store = newStore();
    const handleA = await store.createBackingKey(refA);
    const handleB = await store.createBackingKey(refB);
    const sealedA = await store.encrypt(refA, handleA, plaintext, aad);
    await assert.rejects(store.decrypt(refA, handleB, sealedA, aad), KeyStoreAuthenticationFailed);
    await assert.rejects(store.decrypt(refB, handleA, sealedA, aad), KeyStoreAuthenticationFailed);
    await assert.rejects(store.encrypt(refB, handleA, plaintext, aad), KeyStoreAuthenticationFailed);
  });

  it('refuses a handle moved to another ref even after it was cached for its own', async () => {
    const store = newStore();
    const handle = await store.createBackingKey(refA);
    const sealed = await store.encrypt(refA, handle, plaintext, aad);
    assert.deepEqual(await store.decrypt(refA, handle, sealed, aad), plaintext);
    await assert.rejects(store.decrypt({ ...refA, version: 2 }, handle, sealed, aad), KeyStoreAuthenticationFailed);
  });

  it('refuses every single-bit flip, truncation and extension of a handle', async () => {
    const store = newStore();
    const handle = Buffer.from(await store.createBackingKey(refA));
    const sealed = await store.encrypt(refA, handle, plaintext, aad);
    for (let bit = 0; bit < handle.length * 8; bit++) {
      const flipped = Buffer.from(handle);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      await assert.rejects(store.decrypt(refA, flipped, sealed, aad), KeyStoreAuthenticationFailed, `bit ${bit}`);
    }
    for (const tampered of [handle.subarray(0, 60), handle.subarray(1), Buffer.concat([handle, Buffer.of(0)])]) {
      await assert.rejects(store.decrypt(refA, tampered, sealed, aad), KeyStoreAuthenticationFailed);
    }
  });

  it('refuses handles, ciphertexts and sealed secrets under a different root key', async () => {
    const random = pooledRandom();
    const store = newStore(randomBytes(32), random);
    const impostor = newStore(randomBytes(32), random);
    const handle = await store.createBackingKey(refA);
    const sealed = await store.encrypt(refA, handle, plaintext, aad);
    await assert.rejects(impostor.decrypt(refA, handle, sealed, aad), KeyStoreAuthenticationFailed);
    await assert.rejects(impostor.encrypt(refA, handle, plaintext, aad), KeyStoreAuthenticationFailed);
    const secret = await store.sealSecret('context', Buffer.from('secret'));
    await assert.rejects(impostor.openSecret('context', secret), KeyStoreAuthenticationFailed);
  });

  it('refuses a nonce that is not 16-byte salt plus 12-byte IV', async () => {
    const store = newStore();
    const handle = await store.createBackingKey(refA);
    const sealed = await store.encrypt(refA, handle, plaintext, aad);
    const ivOnly = { ...sealed, nonce: sealed.nonce.subarray(16) };
    await assert.rejects(store.decrypt(refA, handle, ivOnly, aad), KeyStoreAuthenticationFailed);
  });

  it('needs a 32-byte root key and a well-formed ref', async () => {
    assert.throws(() => newStore(randomBytes(16)), PreconditionFailed);
    const store = newStore();
    for (const ref of [
      { keyId: '', version: 1 },
      { keyId: 'k'.repeat(257), version: 1 },
      { keyId: 'k', version: -1 },
      { keyId: 'k', version: 2 ** 32 },
    ]) {
      await assert.rejects(store.createBackingKey(ref), PreconditionFailed);
    }
  });
});

describe('software key store: unwrapped-key cache', () => {
  it('keeps working when more keys are in use than the cache holds', async () => {
    const store = newStore(randomBytes(32), pooledRandom(), 2);
    const refs = Array.from({ length: 5 }, (_, i) => ({ keyId: `key-${i}`, version: 1 }));
    const handles = await Promise.all(refs.map((ref) => store.createBackingKey(ref)));
    for (let round = 0; round < 3; round++) {
      for (const [i, ref] of refs.entries()) {
        const sealed = await store.encrypt(ref, handles[i]!, plaintext, aad);
        assert.deepEqual(await store.decrypt(ref, handles[i]!, sealed, aad), plaintext);
      }
    }
  });

  it('needs a positive cache size', () => {
    assert.throws(() => newStore(randomBytes(32), pooledRandom(), 0), PreconditionFailed);
  });
});
