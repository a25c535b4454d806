import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toWireJson, wipeBlobs } from './wire.js';

/** What the wire must carry: the value with every blob replaced by its base64 string. */
function expected(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(expected);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== undefined)
        .map(([name, member]) => [name, expected(member)]),
    );
  }
  return value;
}

describe('wipeBlobs', () => {
  it('zeroes every blob of a response, nested ones included', () => {
    const response = { Plaintext: Buffer.from('secret'), Nested: [{ Key: new Uint8Array([1, 2]) }], KeyId: 'k' };
    wipeBlobs(response);
    assert.deepEqual(response, { Plaintext: Buffer.alloc(6), Nested: [{ Key: new Uint8Array(2) }], KeyId: 'k' });
  });
});

describe('toWireJson', () => {
  it('sends blobs as base64 and leaves out undefined members', () => {
    const wire = toWireJson({
      CiphertextBlob: Buffer.from([0xff, 0, 1]),
      KeyId: 'k"\\\n',
      Absent: undefined,
      Truncated: false,
    });
    assert.equal(wire, '{"CiphertextBlob":"/wAB","KeyId":"k\\"\\\\\\n","Truncated":false}');
  });

  it('is valid JSON equal to the value with blobs as base64, for any response shape', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array(),
    );
    const shape = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node;
    fc.assert(
      fc.property(shape, (value) => {
        assert.deepEqual(JSON.parse(toWireJson(value)), JSON.parse(JSON.stringify(expected(value))));
      }),
    );
  });
});
