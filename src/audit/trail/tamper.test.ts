import assert from 'node:assert/strict';
import { createHash, type KeyObject } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ed25519, record, type TrailFixture, trailFixture } from '../../../test/support/trail-fixtures.js';
import { type Digest, publicKeyFingerprint, type SignedDigest, signDigest } from './digest.js';
import { type Problem, verifyTrail } from './verify.js';

// Four sealed segments of five records each: sequences 1-5, 6-10, 11-15, 16-20.
const SEGMENTS = [1, 6, 11, 16].map((first) => `${String(first).padStart(20, '0')}.json`);
const [FIRST, SECOND, THIRD] = SEGMENTS as [string, string, string, string];

let pristine: TrailFixture;

before(async () => {
  pristine = await trailFixture();
  const trail = await pristine.open({ rotateMillis: 60_000 });
  for (let n = 1; n <= 20; n += 1) {
    await trail.append(record(n));
    if (n % 5 === 0) pristine.clock.advance(60_000);
  }
  await trail.close();
});

after(() => pristine.cleanUp());

/** A copy of the pristine trail to tamper with; `verify` checks it with the trail's own public key. */
async function copyOfTrail(
  run: (copy: { dir: string; verify(keys?: KeyObject[]): Promise<unknown> }) => Promise<void>,
) {
  const root = await mkdtemp(join(tmpdir(), 'trent-tamper-'));
  const dir = join(root, 'chain');
  try {
    await cp(pristine.dir, dir, { recursive: true });
    await run({ dir, verify: (keys = [pristine.publicKey]) => verifyTrail(dir, { publicKeys: keys }) });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function editLines(path: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  await writeFile(path, edit(lines).join('\n'));
}

function lineOf(lines: string[], sequence: number): number {
  const index = lines.findIndex((line) => line.includes(`"sequence":${sequence},`));
  assert.notEqual(index, -1, `record ${sequence}`);
  return index;
}

function digestPath(dir: string, segment: string): string {
  return join(dir, 'digests', `${segment}.digest.json`);
}

async function rewriteDigest(dir: string, segment: string, change: (digest: Digest) => Digest, key: KeyObject) {
  const { digest }: SignedDigest = JSON.parse(await readFile(digestPath(dir, segment), 'utf8'));
  await writeFile(digestPath(dir, segment), signDigest(change(digest), key));
}

function failure(kind: Problem['kind'], segment: string, sequence?: number) {
  return { ok: false, problem: { kind, segment, ...(sequence !== undefined && { sequence }) } };
}

/** The report without the free-text detail, which is for people. */
function withoutDetail(report: unknown): unknown {
  const { ok, problem } = report as { ok: boolean; problem?: Problem };
  if (problem === undefined) return report;
  const { detail, ...named } = problem;
  assert.ok(detail.length > 0);
  return { ok, problem: named };
}

describe('verifyTrail names the first tampering', () => {
  test('the untouched trail verifies', () =>
    copyOfTrail(async ({ verify }) => {
      assert.deepEqual(await verify(), { ok: true, records: 20, segments: 4, lastSequence: 20 });
    }));

  test('one character of a record changed', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await editLines(join(dir, SECOND), (lines) => {
        const index = lineOf(lines, 8);
        lines[index] = (lines[index] ?? '').replace('"eventName":"Encrypt"', '"eventName":"Decrypt"');
        return lines;
      });
      assert.deepEqual(withoutDetail(await verify()), failure('record-changed', SECOND, 8));
    }));

  test('the last record of a segment changed (only its digest still knows it)', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await editLines(join(dir, SECOND), (lines) => {
        const index = lineOf(lines, 10);
        lines[index] = (lines[index] ?? '').replace('event-10', 'event-11');
        return lines;
      });
      assert.deepEqual(withoutDetail(await verify()), failure('record-changed', SECOND, 10));
    }));

  test("a record's own link edited", () =>
    copyOfTrail(async ({ dir, verify }) => {
      await editLines(join(dir, SECOND), (lines) => {
        const index = lineOf(lines, 8);
        lines[index] = (lines[index] ?? '').replace(
          /"previousHash":"(.)/,
          (_, digit) => `"previousHash":"${digit === 'a' ? 'b' : 'a'}`,
        );
        return lines;
      });
      assert.deepEqual(withoutDetail(await verify()), failure('record-changed', SECOND, 8));
    }));

  test('a record deleted', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await editLines(join(dir, SECOND), (lines) => lines.filter((_, index) => index !== lineOf(lines, 8)));
      assert.deepEqual(withoutDetail(await verify()), failure('record-removed', SECOND, 8));
    }));

  test('two records swapped', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await editLines(join(dir, SECOND), (lines) => {
        const [seven, eight] = [lineOf(lines, 7), lineOf(lines, 8)];
        [lines[seven], lines[eight]] = [lines[eight] ?? '', lines[seven] ?? ''];
        return lines;
      });
      assert.deepEqual(withoutDetail(await verify()), failure('records-reordered', SECOND, 7));
    }));

  test('a sealed segment truncated', () =>
    copyOfTrail(async ({ dir, verify }) => {
      const path = join(dir, SECOND);
      await truncate(path, Math.floor((await readFile(path)).length / 2));
      assert.deepEqual(withoutDetail(await verify()), {
        ok: false,
        problem: { kind: 'truncated', segment: SECOND, sequence: 8 },
      });
    }));

  test('a segment deleted', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await unlink(join(dir, SECOND));
      assert.deepEqual(withoutDetail(await verify()), failure('segment-missing', SECOND, 6));
    }));

  test('a segment deleted with its digest', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await unlink(join(dir, SECOND));
      await unlink(digestPath(dir, SECOND));
      assert.deepEqual(withoutDetail(await verify()), failure('segment-missing', SECOND, 6));
    }));

  test('a digest deleted', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await unlink(digestPath(dir, SECOND));
      assert.deepEqual(withoutDetail(await verify()), failure('digest-missing', SECOND));
    }));

  test('a digest re-signed with another key', () =>
    copyOfTrail(async ({ dir, verify }) => {
      const other = ed25519();
      const fingerprint = publicKeyFingerprint(other.publicKey);
      await rewriteDigest(
        dir,
        SECOND,
        (digest) => ({ ...digest, publicKeyFingerprint: fingerprint }),
        other.privateKey,
      );
      assert.deepEqual(withoutDetail(await verify()), failure('digest-forged', SECOND));
    }));

  test('a digest that names the trusted key but is signed by another', () =>
    copyOfTrail(async ({ dir, verify }) => {
      await rewriteDigest(dir, THIRD, (digest) => ({ ...digest, recordCount: 4 }), ed25519().privateKey);
      assert.deepEqual(withoutDetail(await verify()), failure('digest-forged', THIRD));
    }));

  test('digests signed by a key the verifier does not trust', () =>
    copyOfTrail(async ({ verify }) => {
      assert.deepEqual(withoutDetail(await verify([ed25519().publicKey])), failure('digest-forged', FIRST));
    }));

  test("a digest's previousDigestSha256 changed, even re-signed with the trail's own key", () =>
    copyOfTrail(async ({ dir, verify }) => {
      const elsewhere = createHash('sha256').update('another digest').digest('hex');
      await rewriteDigest(
        dir,
        THIRD,
        (digest) => ({ ...digest, previousDigestSha256: elsewhere }),
        pristine.signingKey,
      );
      assert.deepEqual(withoutDetail(await verify()), failure('digest-chain-broken', THIRD));
    }));

  test('a digest file rewritten (same content, other bytes) breaks the next digest’s link', () =>
    copyOfTrail(async ({ dir, verify }) => {
      const path = digestPath(dir, SECOND);
      await writeFile(path, JSON.stringify(JSON.parse(await readFile(path, 'utf8')), null, 2));
      assert.deepEqual(withoutDetail(await verify()), failure('digest-chain-broken', THIRD));
    }));

  test('a directory that is not there is an error, not an empty trail', async () => {
    await assert.rejects(verifyTrail(join(tmpdir(), 'trent-no-such-trail'), { publicKeys: [] }), { code: 'ENOENT' });
  });

  test('the trailer of a sealed segment changed', () =>
    copyOfTrail(async ({ dir, verify }) => {
      const path = join(dir, FIRST);
      const text = await readFile(path, 'utf8');
      await writeFile(path, `${text.slice(0, -3)}] }\n`);
      assert.deepEqual(withoutDetail(await verify()), failure('segment-changed', FIRST));
    }));
});
