import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PreconditionFailed } from '../shared/needs.js';
import { HKDF_SHA256_MAX_LENGTH, hkdfSha256 } from './hkdf.js';

interface HkdfVector {
  tcId: number;
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

const vectorsUrl = new URL('../../../shared/vectors/wycheproof/testvectors_v1/hkdf_sha256_test.json', import.meta.url);
const vectors: { testGroups: { tests: HkdfVector[] }[] } | undefined = existsSync(vectorsUrl)
  ? JSON.parse(readFileSync(vectorsUrl, 'utf8'))
  : undefined;
const allVectors = (vectors?.testGroups ?? []).flatMap((group) => group.tests);
const hex = (text: string) => Buffer.from(text, 'hex');
const derive = (v: HkdfVector) => hkdfSha256(hex(v.ikm), hex(v.salt), hex(v.info), v.size);

describe('HKDF-SHA256 against Wycheproof hkdf_sha256_test.json', {
  skip: vectors ? false : '../shared/vectors absent',
}, () => {
  it('has only valid and invalid results (no acceptable case to decide)', () => {
    assert.deepEqual(
      allVectors.filter((v) => v.result !== 'valid' && v.result !== 'invalid').map((v) => v.tcId),
      [],
    );
  });

  it('derives the expected output for every valid vector', () => {
    const valid = allVectors.filter((v) => v.result === 'valid');
    assert.ok(valid.length > 80);
    assert.deepEqual(
      valid.filter((v) => derive(v).toString('hex') !== v.okm).map((v) => v.tcId),
      [],
    );
  });

  it('refuses every invalid vector (output longer than 255 hash lengths)', () => {
    const invalid = allVectors.filter((v) => v.result === 'invalid');
    assert.ok(invalid.length > 0);
    for (const v of invalid) assert.throws(() => derive(v), PreconditionFailed, `tcId ${v.tcId}`);
  });
});

describe('HKDF-SHA256 preconditions', () => {
  const ikm = Buffer.alloc(32, 1);

  it('needs an output length of 1..8160 bytes', () => {
    for (const length of [0, -1, 1.5, HKDF_SHA256_MAX_LENGTH + 1]) {
      assert.throws(() => hkdfSha256(ikm, Buffer.alloc(0), Buffer.alloc(0), length), PreconditionFailed);
    }
    assert.equal(
      hkdfSha256(ikm, Buffer.alloc(0), Buffer.alloc(0), HKDF_SHA256_MAX_LENGTH).length,
      HKDF_SHA256_MAX_LENGTH,
    );
  });

  it('agrees with node:crypto hkdfSync across block boundaries', () => {
    const salt = Buffer.from('salt');
    const info = Buffer.alloc(1024, 7);
    for (const length of [1, 31, 32, 33, 64, 100, HKDF_SHA256_MAX_LENGTH]) {
      assert.deepEqual(hkdfSha256(ikm, salt, info, length), Buffer.from(hkdfSync('sha256', ikm, salt, info, length)));
    }
  });

  it('treats an empty salt as HashLen zero bytes', () => {
    assert.deepEqual(
      hkdfSha256(ikm, Buffer.alloc(0), Buffer.from('info'), 32),
      hkdfSha256(ikm, Buffer.alloc(32), Buffer.from('info'), 32),
    );
  });
});
