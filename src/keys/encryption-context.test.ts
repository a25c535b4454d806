import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PreconditionFailed } from '../shared/needs.js';
import { encodeEncryptionContext } from './encryption-context.js';

/** The inverse of the encoding, for tests only: if it recovers every context, the encoding is injective. */
function decode(encoded: Buffer): Record<string, string> {
  const count = encoded.readUInt32BE(0);
  let offset = 4;
  const field = () => {
    const length = encoded.readUInt32BE(offset);
    const text = encoded.subarray(offset + 4, offset + 4 + length).toString('utf8');
    offset += 4 + length;
    return text;
  };
  const context: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const key = field();
    // defineProperty, not assignment: a context may hold the key '__proto__' as plain data.
    Object.defineProperty(context, key, { value: field(), enumerable: true, writable: true, configurable: true });
  }
  assert.equal(offset, encoded.length, 'trailing bytes');
  return context;
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const contexts = fc.dictionary(text, text, { maxKeys: 6 });

/** A context and the same pairs inserted in a shuffled order. */
const shuffledContexts = contexts.chain((context) => {
  const entries = Object.entries(context);
  return fc.tuple(
    fc.constant(context),
    fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }).map(Object.fromEntries),
  );
});

describe('encodeEncryptionContext', () => {
  it('encodes no context and an empty context the same: a zero count', () => {
    assert.equal(encodeEncryptionContext(undefined).toString('hex'), '00000000');
    assert.deepEqual(encodeEncryptionContext({}), encodeEncryptionContext(undefined));
  });

  it('pins the format: count, then length-prefixed key and value', () => {
    assert.equal(
      encodeEncryptionContext({ b: 'é', a: '' }).toString('hex'),
      '00000002' + '00000001' + '61' + '00000000' + '00000001' + '62' + '00000002' + 'c3a9',
    );
  });

  it('tells {"ab":"c"} from {"a":"bc"} (the moto and local-kms collision)', () => {
    assert.notDeepEqual(encodeEncryptionContext({ ab: 'c' }), encodeEncryptionContext({ a: 'bc' }));
  });

  it('sorts by the UTF-8 bytes of the key, not by UTF-16 code units', () => {
    // In UTF-16, U+1F600 (D83D DE00) sorts before U+FF61; in UTF-8, U+FF61 (EF BD A1) sorts before it (F0 9F 98 80).
    const encoded = encodeEncryptionContext({ '\u{1F600}': '1', '\uFF61': '2' });
    assert.deepEqual(Object.keys(decode(encoded)), ['\uFF61', '\u{1F600}']);
  });

  it('needs well-formed Unicode (a lone surrogate would encode as U+FFFD and collide)', () => {
    assert.throws(() => encodeEncryptionContext({ '\uD800': 'x' }), PreconditionFailed);
    assert.throws(() => encodeEncryptionContext({ x: 'a\uDC00' }), PreconditionFailed);
    assert.doesNotThrow(() => encodeEncryptionContext({ '\u{1F600}': '\u{1F600}' }));
  });

  it('is injective: decoding recovers every context', () => {
    fc.assert(
      fc.property(contexts, (context) => {
        assert.deepEqual(decode(encodeEncryptionContext(context)), { ...context });
      }),
    );
  });

  it('gives different contexts different encodings', () => {
    fc.assert(
      fc.property(contexts, contexts, (a, b) => {
        const same = encodeEncryptionContext(a).equals(encodeEncryptionContext(b));
        const equal =
          Object.keys(a).length === Object.keys(b).length &&
          Object.entries(a).every(([k, v]) => Object.hasOwn(b, k) && b[k] === v);
        assert.equal(same, equal);
      }),
    );
  });

  it('gives near-miss contexts (one key or value character moved across a boundary) different encodings', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (key, value) => {
        const moved = { [key.slice(0, -1)]: key.slice(-1) + value };
        assert.notDeepEqual(encodeEncryptionContext({ [key]: value }), encodeEncryptionContext(moved));
      }),
    );
  });

  it('does not depend on the order the pairs were given in', () => {
    fc.assert(
      fc.property(shuffledContexts, ([context, shuffled]) => {
        assert.deepEqual(encodeEncryptionContext(shuffled), encodeEncryptionContext(context));
      }),
    );
  });
});
