import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AuthenticationFailed, aesGcmDecrypt, aesGcmEncrypt } from '../crypto/aes-gcm.js';
import { PreconditionFailed } from '../shared/needs.js';
import { type BlobHeader, blobAad, MAX_BLOB_LENGTH, parseBlob, serializeBlob } from './ciphertext-blob.js';

/** The key the golden blobs were sealed under, with the blob's nonce used directly as the GCM IV. */
const goldenKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/** Written once by this version of Trent; every later version must read them. Never regenerate. */
const goldenBlobs = [
  {
    name: 'a 12-byte nonce and a two-pair context',
    hex:
      '01004b61726e3a6177733a6b6d733a75732d656173742d313a3131313132323232333333333a6b65792f31323334616263642d31326162' +
      '2d333463642d353665662d313233343536373839306162000000010c000102030405060708090a0b0f67ba77aac9e24fff24f9ff90d075' +
      '01e41a62aeb8fa1dba668575b4ab',
    header: {
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      backingVersion: 1,
    },
    nonce: '000102030405060708090a0b',
    context: { tenant: 'a', purpose: 'golden' },
    plaintext: Buffer.from('Hello, Trent!'),
  },
  {
    name: 'a 28-byte nonce (the software store shape) and no context',
    hex:
      '01004b61726e3a6177733a6b6d733a65752d776573742d333a3030303030303030303030303a6b65792f6d726b2d303132333435363738' +
      '3961626364656630313233343536373839616263646566000000071ca0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9ba' +
      'bb209e69773a6887bcfbd1a11e2ccb3424a4',
    header: {
      keyArn: 'arn:aws:kms:eu-west-3:000000000000:key/mrk-0123456789abcdef0123456789abcdef',
      backingVersion: 7,
    },
    nonce: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babb',
    context: undefined,
    plaintext: Buffer.of(0x2a),
  },
] as const;

type Context = Readonly<Record<string, string>> | undefined;

/** What a key store does with a blob, reduced to its essence: parse, then authenticate header and context. */
function open(blob: Uint8Array, context: Context, key: Uint8Array = goldenKey): Buffer {
  const parsed = parseBlob(blob);
  return aesGcmDecrypt(key, parsed.nonce, parsed.ciphertext, parsed.tag, blobAad(parsed, context));
}

function seal(header: BlobHeader, nonce: Uint8Array, plaintext: Uint8Array, context: Context, key = goldenKey): Buffer {
  return serializeBlob(header, { nonce, ...aesGcmEncrypt(key, nonce, plaintext, blobAad(header, context)) });
}

/** Never returns plaintext: the blob either fails to parse or fails to authenticate. */
function assertRefused(blob: Uint8Array, context: Context, what: string): void {
  assert.throws(
    () => open(blob, context),
    (error) => error instanceof PreconditionFailed || error instanceof AuthenticationFailed,
    what,
  );
}

const arns = fc
  .tuple(fc.constantFrom('us-east-1', 'eu-west-3'), fc.stringMatching(/^\d{12}$/), fc.uuid())
  .map(([region, account, id]) => `arn:aws:kms:${region}:${account}:key/${id}`);
const headers = fc.record({ keyArn: arns, backingVersion: fc.nat({ max: 0xffffffff }) });
const contexts = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }), {
  nil: undefined,
});
const sealedBlobs = fc
  .record({
    header: headers,
    nonce: fc.uint8Array({ minLength: 12, maxLength: 28 }),
    plaintext: fc.uint8Array({ minLength: 1, maxLength: 48 }),
    context: contexts,
  })
  .map((input) => ({ ...input, blob: seal(input.header, input.nonce, input.plaintext, input.context) }));

describe('ciphertext blob: golden blobs pin the format', () => {
  for (const golden of goldenBlobs) {
    it(`parses and decrypts ${golden.name}`, () => {
      const blob = Buffer.from(golden.hex, 'hex');
      const parsed = parseBlob(blob);
      assert.equal(parsed.keyArn, golden.header.keyArn);
      assert.equal(parsed.backingVersion, golden.header.backingVersion);
      assert.equal(parsed.nonce.toString('hex'), golden.nonce);
      assert.deepEqual(open(blob, golden.context), golden.plaintext);
    });

    it(`re-serializes ${golden.name} to the same bytes`, () => {
      const parsed = parseBlob(Buffer.from(golden.hex, 'hex'));
      assert.equal(serializeBlob(parsed, parsed).toString('hex'), golden.hex);
    });
  }

  it('frames the header in the AAD as lengthPrefixed(version || lengthPrefixed(arn) || u32 version) || context', () => {
    const { header } = goldenBlobs[0];
    const arn = Buffer.from(header.keyArn);
    const framed = Buffer.concat([Buffer.of(1), Buffer.of(0, 0, 0, arn.length), arn, Buffer.of(0, 0, 0, 1)]);
    const expected = Buffer.concat([Buffer.of(0, 0, 0, framed.length), framed, Buffer.of(0, 0, 0, 0)]);
    assert.deepEqual(blobAad(header, undefined), expected);
  });
});

describe('parseBlob preconditions', () => {
  const golden = Buffer.from(goldenBlobs[0].hex, 'hex');
  const arnLength = goldenBlobs[0].header.keyArn.length;
  const refuses = (blob: Uint8Array, message: RegExp) =>
    assert.throws(
      () => parseBlob(blob),
      (error) => error instanceof PreconditionFailed && message.test(error.message),
    );
  const withByte = (at: number, value: number) => {
    const copy = Buffer.from(golden);
    copy[at] = value;
    return copy;
  };

  it('needs a non-empty blob', () => refuses(Buffer.alloc(0), /empty/));
  it('needs format version 1', () => refuses(withByte(0, 2), /format version 2/));
  it('needs the key ARN length', () => refuses(Buffer.of(1, 0), /key ARN length/));
  it('needs a non-zero key ARN length', () =>
    refuses(Buffer.concat([Buffer.of(1, 0, 0), golden.subarray(3)]), /key ARN length 0/));
  it('needs a key ARN of at most 2048 bytes', () =>
    refuses(Buffer.concat([Buffer.of(1, 0x08, 0x01), golden.subarray(3)]), /2049/));
  it('needs the whole key ARN and backing-key version', () =>
    refuses(golden.subarray(0, 3 + arnLength + 4), /ends inside/));
  it('needs valid UTF-8 in the key ARN', () => refuses(withByte(3, 0xff), /UTF-8/));
  it('needs a non-empty nonce', () => refuses(withByte(3 + arnLength + 4, 0), /nonce is empty/));
  it('needs room for the nonce and the tag', () => refuses(withByte(3 + arnLength + 4, 255), /too short/));
  it('needs at most 6144 bytes', () => refuses(Buffer.concat([golden, Buffer.alloc(MAX_BLOB_LENGTH)]), /6144/));

  it('accepts an empty ciphertext (higher layers decide the plaintext minimum)', () => {
    const header = goldenBlobs[0].header;
    const nonce = Buffer.alloc(12, 3);
    assert.deepEqual(open(seal(header, nonce, Buffer.alloc(0), undefined), undefined), Buffer.alloc(0));
  });

  it('reads a Uint8Array view at a non-zero offset', () => {
    const backing = Buffer.concat([Buffer.from('junk'), golden]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, golden.length);
    assert.deepEqual(open(view, goldenBlobs[0].context), goldenBlobs[0].plaintext);
  });
});

describe('serializeBlob preconditions', () => {
  const header = goldenBlobs[0].header;
  const sealed = { nonce: Buffer.alloc(12), ciphertext: Buffer.alloc(4), tag: Buffer.alloc(16) };

  it('needs a key ARN of 1..2048 bytes', () => {
    assert.throws(() => serializeBlob({ ...header, keyArn: '' }, sealed), PreconditionFailed);
    assert.throws(() => serializeBlob({ ...header, keyArn: 'a'.repeat(2049) }, sealed), PreconditionFailed);
  });
  it('needs a u32 backing-key version', () => {
    for (const backingVersion of [-1, 1.5, 2 ** 32]) {
      assert.throws(() => serializeBlob({ ...header, backingVersion }, sealed), PreconditionFailed);
    }
  });
  it('needs a nonce of 1..255 bytes', () => {
    assert.throws(() => serializeBlob(header, { ...sealed, nonce: Buffer.alloc(0) }), PreconditionFailed);
    assert.throws(() => serializeBlob(header, { ...sealed, nonce: Buffer.alloc(256) }), PreconditionFailed);
  });
  it('needs a 16-byte tag', () => {
    assert.throws(() => serializeBlob(header, { ...sealed, tag: Buffer.alloc(12) }), PreconditionFailed);
  });
  it('needs the blob to fit in 6144 bytes', () => {
    assert.throws(
      () => serializeBlob(header, { ...sealed, ciphertext: Buffer.alloc(MAX_BLOB_LENGTH) }),
      PreconditionFailed,
    );
  });
});

describe('ciphertext blob properties', () => {
  it('parse inverts serialize', () => {
    fc.assert(
      fc.property(
        headers,
        fc.uint8Array({ minLength: 1, maxLength: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (header, nonce, ciphertext, tag) => {
          const parsed = parseBlob(serializeBlob(header, { nonce, ciphertext, tag }));
          assert.deepEqual(parsed, {
            ...header,
            nonce: Buffer.from(nonce),
            ciphertext: Buffer.from(ciphertext),
            tag: Buffer.from(tag),
          });
        },
      ),
    );
  });

  it('refuses every single-bit flip of the golden blobs', () => {
    for (const golden of goldenBlobs) {
      const blob = Buffer.from(golden.hex, 'hex');
      for (let bit = 0; bit < blob.length * 8; bit++) {
        const flipped = Buffer.from(blob);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        assertRefused(flipped, golden.context, `${golden.name}: bit ${bit}`);
      }
    }
  });

  it('refuses every truncation and every extension of the golden blobs', () => {
    for (const golden of goldenBlobs) {
      const blob = Buffer.from(golden.hex, 'hex');
      for (let length = 0; length < blob.length; length++) {
        assertRefused(blob.subarray(0, length), golden.context, `${golden.name}: ${length} bytes`);
      }
      assertRefused(Buffer.concat([blob, Buffer.of(0)]), golden.context, `${golden.name}: one byte appended`);
    }
  });

  it('refuses a single-bit flip anywhere in a random blob', () => {
    fc.assert(
      fc.property(sealedBlobs, fc.nat(), ({ blob, context }, at) => {
        const flipped = Buffer.from(blob);
        flipped[(at >> 3) % blob.length]! ^= 1 << (at & 7);
        assertRefused(flipped, context, 'flipped');
      }),
    );
  });

  it('refuses any truncation of a random blob', () => {
    fc.assert(
      fc.property(sealedBlobs, fc.nat(), ({ blob, context }, at) => {
        assertRefused(blob.subarray(0, at % blob.length), context, 'truncated');
      }),
    );
  });

  it('refuses the wrong encryption context', () => {
    fc.assert(
      fc.property(sealedBlobs, contexts, ({ blob, context, plaintext }, other) => {
        const same = blobAad(parseBlob(blob), other).equals(blobAad(parseBlob(blob), context));
        if (same) assert.deepEqual(open(blob, other), Buffer.from(plaintext));
        else assertRefused(blob, other, 'other context');
      }),
    );
  });

  it('refuses a ciphertext moved under another key ARN or backing version', () => {
    fc.assert(
      fc.property(sealedBlobs, headers, ({ blob, context, header }, other) => {
        fc.pre(other.keyArn !== header.keyArn || other.backingVersion !== header.backingVersion);
        const parsed = parseBlob(blob);
        assertRefused(serializeBlob(other, parsed), context, 'moved');
      }),
    );
  });
});
