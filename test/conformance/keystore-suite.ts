/**
 * What every key-store adapter must do, whatever holds the keys (software root key, PKCS#11 HSM, XKS).
 * An adapter's test file calls keyStoreConformance with a factory; a store that cannot run here (no HSM
 * library installed) passes `skip` with the reason.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  type BackingKeyRef,
  type KeyStore,
  KeyStoreAuthenticationFailed,
  type Sealed,
} from '../../src/keystores/port.js';

type SealedField = keyof Sealed;

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(bytes);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** Sealed copies with one bit flipped at the start, middle and end of each field, and each field truncated and extended. */
function tamperings(sealed: Sealed): { what: string; sealed: Sealed }[] {
  const fields: SealedField[] = ['nonce', 'ciphertext', 'tag'];
  return fields.flatMap((field) => {
    const bytes = sealed[field];
    const bits = [0, (bytes.length * 8) >> 1, bytes.length * 8 - 1];
    return [
      ...bits.map((bit) => ({
        what: `${field} bit ${bit} flipped`,
        sealed: { ...sealed, [field]: flipBit(bytes, bit) },
      })),
      { what: `${field} truncated`, sealed: { ...sealed, [field]: bytes.subarray(0, bytes.length - 1) } },
      { what: `${field} extended`, sealed: { ...sealed, [field]: Buffer.concat([bytes, Buffer.of(0)]) } },
    ];
  });
}

export function keyStoreConformance(
  name: string,
  make: () => Promise<KeyStore>,
  options: { skip?: string } = {},
): void {
  describe(`key store conformance: ${name}`, { skip: options.skip ?? false }, () => {
    let store: KeyStore;
    const refA: BackingKeyRef = { keyId: randomUUID(), version: 1 };
    const refB: BackingKeyRef = { keyId: randomUUID(), version: 1 };
    let handleA: Uint8Array;
    let handleB: Uint8Array;
    const aad = Buffer.from('conformance aad');
    const plaintext = Buffer.from('attack at dawn');

    before(async () => {
      store = await make();
      handleA = await store.createBackingKey(refA);
      handleB = await store.createBackingKey(refB);
    });

    const rejectsAuthentication = (promise: Promise<unknown>, what: string) =>
      assert.rejects(promise, KeyStoreAuthenticationFailed, what);

    it('round-trips plaintexts of 1 byte to 4 KiB', async () => {
      for (const length of [1, 15, 16, 17, 1000, 4096]) {
        const message = Buffer.alloc(length, length & 0xff);
        const sealed = await store.encrypt(refA, handleA, message, aad);
        assert.deepEqual(await store.decrypt(refA, handleA, sealed, aad), message, `${length} bytes`);
      }
    });

    it('returns a 16-byte tag and a non-empty nonce', async () => {
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      assert.equal(sealed.tag.length, 16);
      assert.ok(sealed.nonce.length >= 12 && sealed.nonce.length <= 255);
    });

    it('draws a fresh nonce for every call', async () => {
      const sealings = await Promise.all(
        Array.from({ length: 64 }, () => store.encrypt(refA, handleA, plaintext, aad)),
      );
      const nonces = new Set(sealings.map((sealed) => Buffer.from(sealed.nonce).toString('hex')));
      const ciphertexts = new Set(sealings.map((sealed) => Buffer.from(sealed.ciphertext).toString('hex')));
      assert.equal(nonces.size, sealings.length);
      assert.equal(ciphertexts.size, sealings.length);
    });

    it('makes a different key each time, even for the same ref', async () => {
      const again = await store.createBackingKey(refA);
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      await rejectsAuthentication(store.decrypt(refA, again, sealed, aad), 'second key for the same ref');
    });

    it('fails when the AAD differs', async () => {
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      await rejectsAuthentication(store.decrypt(refA, handleA, sealed, Buffer.from('other aad')), 'other aad');
      await rejectsAuthentication(store.decrypt(refA, handleA, sealed, Buffer.alloc(0)), 'empty aad');
      await rejectsAuthentication(store.decrypt(refA, handleA, sealed, aad.subarray(1)), 'shortened aad');
    });

    it('binds a handle to its key id and version', async () => {
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      const otherVersion = { ...refA, version: refA.version + 1 };
      await rejectsAuthentication(store.decrypt(refB, handleA, sealed, aad), 'other key id');
      await rejectsAuthentication(store.decrypt(otherVersion, handleA, sealed, aad), 'other version');
      await assert.rejects(store.encrypt(refB, handleA, plaintext, aad), 'encrypt with a handle under another ref');
    });

    it('keeps keys apart: a ciphertext under one key does not decrypt under another', async () => {
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      await rejectsAuthentication(store.decrypt(refB, handleB, sealed, aad), 'other key');
    });

    it('fails when the nonce, ciphertext or tag is tampered with', async () => {
      const sealed = await store.encrypt(refA, handleA, plaintext, aad);
      for (const { what, sealed: tampered } of tamperings(sealed)) {
        await rejectsAuthentication(store.decrypt(refA, handleA, tampered, aad), what);
      }
    });

    it('seals a secret bound to its context', async () => {
      const secret = Buffer.from('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
      const sealed = await store.sealSecret('access-key/AKIAEXAMPLE', secret);
      assert.deepEqual(await store.openSecret('access-key/AKIAEXAMPLE', sealed), secret);
      await rejectsAuthentication(store.openSecret('access-key/AKIAOTHER', sealed), 'other context');
      await rejectsAuthentication(store.openSecret('', sealed), 'empty context');
    });

    it('fails to open a tampered or truncated sealed secret', async () => {
      const sealed = Buffer.from(await store.sealSecret('context', Buffer.from('secret')));
      for (const bit of [0, 8, (sealed.length * 8) >> 1, sealed.length * 8 - 1]) {
        await rejectsAuthentication(store.openSecret('context', flipBit(sealed, bit)), `bit ${bit}`);
      }
      for (const length of [0, 1, sealed.length - 1]) {
        await rejectsAuthentication(store.openSecret('context', sealed.subarray(0, length)), `${length} bytes`);
      }
    });

    it('seals the same secret differently each time', async () => {
      const secret = Buffer.from('secret');
      const [first, second] = await Promise.all([store.sealSecret('c', secret), store.sealSecret('c', secret)]);
      assert.notDeepEqual(Buffer.from(first), Buffer.from(second));
    });

    it('passes its health check', async () => {
      await store.healthCheck();
    });
  });
}
