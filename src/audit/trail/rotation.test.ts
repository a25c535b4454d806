import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHAIN_ID, record, START, type TrailFixture, withTrailFixture } from '../../../test/support/trail-fixtures.js';
import { type Digest, publicKeyFingerprint, type SignedDigest } from './digest.js';
import { publicKeyPath } from './open.js';
import { readRecords } from './read.js';
import { verifyTrail } from './verify.js';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function digestBytes(fixture: TrailFixture, segment: string): Promise<Buffer> {
  return readFile(join(fixture.dir, 'digests', `${segment}.digest.json`));
}

async function digestOf(fixture: TrailFixture, segment: string): Promise<SignedDigest> {
  return JSON.parse((await digestBytes(fixture, segment)).toString('utf8'));
}

/** Every sealed segment parses as a CloudTrail log file and its digest says what it holds, signed. */
async function assertSealedAndSigned(fixture: TrailFixture, segments: string[]): Promise<void> {
  let previousDigestSha256: string | null = null;
  let nextSequence = 1;
  for (const segment of segments) {
    const bytes = await fixture.segment(segment);
    const { Records } = JSON.parse(bytes.toString('utf8')) as { Records: Array<{ trentChain: { sequence: number } }> };
    const { digest, signature } = await digestOf(fixture, segment);
    const expected: Partial<Digest> = {
      chainId: CHAIN_ID,
      segment,
      segmentSha256: sha256(bytes),
      firstSequence: nextSequence,
      lastSequence: nextSequence + Records.length - 1,
      recordCount: Records.length,
      previousDigestSha256,
      publicKeyFingerprint: publicKeyFingerprint(fixture.publicKey),
      signatureAlgorithm: 'Ed25519',
    };
    assert.deepEqual({ ...digest, ...expected }, digest, `${segment}'s digest`);
    assert.deepEqual(
      Records.map((r) => r.trentChain.sequence),
      Array.from({ length: Records.length }, (_, i) => nextSequence + i),
    );
    const signed = Buffer.from(JSON.stringify(digest));
    assert.ok(verify(null, signed, fixture.publicKey, Buffer.from(signature, 'base64')), `${segment} is signed`);
    previousDigestSha256 = sha256(await digestBytes(fixture, segment));
    nextSequence += Records.length;
  }
}

describe('rotation', () => {
  test('by size: each segment is sealed once full, as CloudTrail JSON, with a signed digest chained to the last', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open({ rotateBytes: 1000 });
      for (let n = 1; n <= 20; n += 1) await trail.append(record(n));
      const segments = await fixture.segmentNames();
      assert.ok(segments.length >= 4, `${segments.length} segments`);
      await assertSealedAndSigned(fixture, segments.slice(0, -1));
      await assert.rejects(digestOf(fixture, segments.at(-1) ?? ''), { code: 'ENOENT' }, 'the open one has none');

      await trail.close();
      await assertSealedAndSigned(fixture, await fixture.segmentNames());
      const report = await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] });
      assert.deepEqual(report, { ok: true, records: 20, segments: segments.length, lastSequence: 20 });
    }));

  test('by age: the first append after rotateMillis starts a new segment; the digest covers the time', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open({ rotateMillis: 60_000 });
      await trail.append(record(1));
      fixture.clock.advance(30_000);
      await trail.append(record(2));
      assert.deepEqual(await fixture.segmentNames(), ['00000000000000000001.json']);
      fixture.clock.advance(30_000);
      await trail.append(record(3));
      assert.deepEqual(await fixture.segmentNames(), ['00000000000000000001.json', '00000000000000000003.json']);

      const { digest } = await digestOf(fixture, '00000000000000000001.json');
      assert.equal(digest.digestStartTime, new Date(START).toISOString());
      assert.equal(digest.digestEndTime, new Date(START + 60_000).toISOString());
      assert.equal(digest.lastSequence, 2);
      await trail.close();
      await assertSealedAndSigned(fixture, await fixture.segmentNames());
    }));

  test('an idle segment is sealed once old enough, without another append', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open({ rotateMillis: 20 });
      await trail.append(record(1));
      fixture.clock.advance(20);
      const deadline = Date.now() + 3000;
      let sealed = false;
      while (!sealed && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        sealed = await digestOf(fixture, '00000000000000000001.json').then(
          () => true,
          () => false,
        );
      }
      assert.ok(sealed, 'the timer sealed the segment');
      await trail.append(record(2));
      await trail.close();
      assert.deepEqual(await fixture.segmentNames(), ['00000000000000000001.json', '00000000000000000002.json']);
      await assertSealedAndSigned(fixture, await fixture.segmentNames());
    }));

  test('close seals; reopening continues the chain in a new segment', () =>
    withTrailFixture(async (fixture) => {
      const first = await fixture.open();
      await first.append(record(1));
      await first.append(record(2));
      await first.close();
      const second = await fixture.open();
      await second.append(record(3));
      await second.close();

      assert.deepEqual(await fixture.segmentNames(), ['00000000000000000001.json', '00000000000000000003.json']);
      await assertSealedAndSigned(fixture, await fixture.segmentNames());
      const sequences: unknown[] = [];
      for await (const written of readRecords(fixture.dir, { fromSequence: 2 })) {
        sequences.push((written.trentChain as { sequence: number }).sequence);
      }
      assert.deepEqual(sequences, [2, 3]);
      const report = await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] });
      assert.deepEqual(report, { ok: true, records: 3, segments: 2, lastSequence: 3 });
    }));

  test('the public key is published beside the chains, named by its fingerprint', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      await trail.close();
      const fingerprint = publicKeyFingerprint(fixture.signingKey);
      assert.equal(fingerprint, publicKeyFingerprint(fixture.publicKey));
      const pem = await readFile(publicKeyPath(fixture.dir, fingerprint), 'utf8');
      assert.equal(publicKeyFingerprint(createPublicKey(pem)), fingerprint);
      assert.equal(
        publicKeyPath(fixture.dir, fingerprint),
        join(fixture.dir, '..', 'public-keys', `${fingerprint}.pem`),
      );
    }));
});
