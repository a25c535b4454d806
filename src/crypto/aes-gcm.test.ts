import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PreconditionFailed } from '../shared/needs.js';
import { AuthenticationFailed, aesGcmDecrypt, aesGcmEncrypt } from './aes-gcm.js';

interface AeadVector {
  tcId: number;
  flags: string[];
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface AeadVectors {
  testGroups: { ivSize: number; keySize: number; tagSize: number; tests: AeadVector[] }[];
}

const vectorsUrl = new URL('../../../shared/vectors/wycheproof/testvectors_v1/aes_gcm_test.json', import.meta.url);
const vectors: AeadVectors | undefined = existsSync(vectorsUrl)
  ? JSON.parse(readFileSync(vectorsUrl, 'utf8'))
  : undefined;
const allVectors = (vectors?.testGroups ?? []).flatMap((group) => group.tests);
const hex = (text: string) => Buffer.from(text, 'hex');

function decrypts(v: AeadVector, tag: Buffer = hex(v.tag)): Buffer | 'rejected' {
  try {
    return aesGcmDecrypt(hex(v.key), hex(v.iv), hex(v.ct), tag, hex(v.aad));
  } catch (error) {
    assert.ok(error instanceof AuthenticationFailed, `tcId ${v.tcId}: unexpected ${String(error)}`);
    return 'rejected';
  }
}

/** Node (OpenSSL) caps a GCM IV at 128 bytes; Wycheproof also has a valid 257-byte IV, which we refuse. */
const beyondNodeIvLimit = (v: AeadVector) => v.iv.length / 2 > 128;

describe('AES-GCM against Wycheproof aes_gcm_test.json', { skip: vectors ? false : '../shared/vectors absent' }, () => {
  it('has only valid, invalid and acceptable results', () => {
    const unknown = allVectors.filter((v) => !['valid', 'invalid', 'acceptable'].includes(v.result));
    assert.deepEqual(unknown, []);
  });

  it('encrypts and decrypts every valid vector exactly (IVs up to 128 bytes)', () => {
    const valid = allVectors.filter((v) => v.result === 'valid' && !beyondNodeIvLimit(v));
    assert.ok(valid.length > 200);
    const mismatches = valid.filter((v) => {
      const sealed = aesGcmEncrypt(hex(v.key), hex(v.iv), hex(v.msg), hex(v.aad));
      const opened = decrypts(v);
      return (
        sealed.ciphertext.toString('hex') !== v.ct ||
        sealed.tag.toString('hex') !== v.tag ||
        opened === 'rejected' ||
        opened.toString('hex') !== v.msg
      );
    });
    assert.deepEqual(
      mismatches.map((v) => v.tcId),
      [],
    );
  });

  it('refuses, as a precondition, the valid vectors whose IV exceeds the 128 bytes Node supports', () => {
    const tooLong = allVectors.filter(beyondNodeIvLimit);
    assert.equal(tooLong.length, 3);
    for (const v of tooLong) {
      assert.throws(() => aesGcmEncrypt(hex(v.key), hex(v.iv), hex(v.msg), hex(v.aad)), PreconditionFailed);
      assert.equal(decrypts(v), 'rejected');
    }
  });

  it('rejects every invalid vector on decrypt', () => {
    const invalid = allVectors.filter((v) => v.result === 'invalid');
    assert.ok(invalid.length > 80);
    assert.deepEqual(
      invalid.filter((v) => decrypts(v) !== 'rejected').map((v) => v.tcId),
      [],
    );
  });

  it('refuses to encrypt with the zero-length IVs the invalid vectors use', () => {
    for (const v of allVectors.filter((v) => v.flags.includes('ZeroLengthIv'))) {
      assert.throws(() => aesGcmEncrypt(hex(v.key), hex(v.iv), hex(v.msg), hex(v.aad)), PreconditionFailed);
    }
  });

  it('treats acceptable vectors as valid-or-rejected, never as wrong plaintext', () => {
    for (const v of allVectors.filter((v) => v.result === 'acceptable')) {
      const opened = decrypts(v);
      if (opened !== 'rejected') assert.equal(opened.toString('hex'), v.msg, `tcId ${v.tcId}`);
    }
  });

  it('rejects every valid vector with its tag truncated to 15, 12, 8, 4 or 0 bytes', () => {
    const valid = allVectors.filter((v) => v.result === 'valid' && !beyondNodeIvLimit(v));
    for (const v of valid) {
      for (const length of [15, 12, 8, 4, 0]) {
        assert.equal(decrypts(v, hex(v.tag).subarray(0, length)), 'rejected', `tcId ${v.tcId} tag ${length}`);
      }
    }
  });
});

describe('AES-GCM preconditions', () => {
  const key = Buffer.alloc(32, 7);
  const iv = Buffer.alloc(12, 1);

  it('needs a 16, 24 or 32-byte key', () => {
    for (const length of [0, 15, 17, 31, 33, 64]) {
      assert.throws(
        () => aesGcmEncrypt(Buffer.alloc(length), iv, Buffer.from('x'), Buffer.alloc(0)),
        PreconditionFailed,
      );
      assert.throws(
        () => aesGcmDecrypt(Buffer.alloc(length), iv, Buffer.alloc(1), Buffer.alloc(16), Buffer.alloc(0)),
        PreconditionFailed,
      );
    }
  });

  it('needs a non-empty IV', () => {
    assert.throws(() => aesGcmEncrypt(key, Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(0)), PreconditionFailed);
    const sealed = aesGcmEncrypt(key, iv, Buffer.from('x'), Buffer.alloc(0));
    assert.throws(
      () => aesGcmDecrypt(key, Buffer.alloc(0), sealed.ciphertext, sealed.tag, Buffer.alloc(0)),
      AuthenticationFailed,
    );
  });

  it('returns a 16-byte tag and a ciphertext as long as the plaintext', () => {
    const sealed = aesGcmEncrypt(key, iv, Buffer.alloc(100), Buffer.alloc(0));
    assert.equal(sealed.tag.length, 16);
    assert.equal(sealed.ciphertext.length, 100);
  });
});

describe('AES-GCM properties', () => {
  const arbitraryKey = fc
    .constantFrom(16, 24, 32)
    .chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));
  const sealedInput = fc.record({
    key: arbitraryKey,
    iv: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    plaintext: fc.uint8Array({ maxLength: 64 }),
    aad: fc.uint8Array({ maxLength: 32 }),
  });

  it('decrypt inverts encrypt', () => {
    fc.assert(
      fc.property(sealedInput, ({ key, iv, plaintext, aad }) => {
        const { ciphertext, tag } = aesGcmEncrypt(key, iv, plaintext, aad);
        assert.deepEqual(aesGcmDecrypt(key, iv, ciphertext, tag, aad), Buffer.from(plaintext));
      }),
    );
  });

  it('any single-bit flip in IV, ciphertext, tag or AAD fails authentication', () => {
    fc.assert(
      fc.property(sealedInput, fc.nat(), fc.nat(7), ({ key, iv, plaintext, aad }, at, bit) => {
        const { ciphertext, tag } = aesGcmEncrypt(key, iv, plaintext, aad);
        const fields = [Buffer.from(iv), ciphertext, tag, Buffer.from(aad)];
        const total = fields.reduce((sum, field) => sum + field.length, 0);
        let position = at % total;
        const flipped = fields.map((field) => Buffer.from(field));
        const target = flipped.find((field) => {
          if (position < field.length) return true;
          position -= field.length;
          return false;
        })!;
        target[position]! ^= 1 << bit;
        const [flippedIv, flippedCiphertext, flippedTag, flippedAad] = flipped as [Buffer, Buffer, Buffer, Buffer];
        assert.throws(
          () => aesGcmDecrypt(key, flippedIv, flippedCiphertext, flippedTag, flippedAad),
          AuthenticationFailed,
        );
      }),
    );
  });
});
