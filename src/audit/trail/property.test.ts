import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { withTrailFixture } from '../../../test/support/trail-fixtures.js';
import type { AuditRecord } from '../record.js';
import { verifyTrail } from './verify.js';

const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
const auditRecord: fc.Arbitrary<AuditRecord> = fc
  .tuple(
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((key) => key !== 'trentChain'),
      value,
      { maxKeys: 5 },
    ),
    fc.string({ minLength: 1, maxLength: 40 }),
  )
  .map(([fields, eventName]) => ({ eventVersion: '1.08', eventName, ...fields }));
/** Picks uniformly: fast-check's integers lean towards small values, which would only ever hit the header. */
const anywhere = fc.noBias(fc.nat());

test('no single-byte change anywhere in a sealed trail verifies', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(auditRecord, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 150, max: 1500 }),
      anywhere,
      anywhere,
      fc.integer({ min: 1, max: 255 }),
      (batches, rotateBytes, segmentPick, offsetPick, flip) =>
        withTrailFixture(async (fixture) => {
          const trail = await fixture.open({ rotateBytes });
          for (const batch of batches) await Promise.all(batch.map((written) => trail.append(written)));
          await trail.close();
          const options = { publicKeys: [fixture.publicKey] };
          const records = batches.flat().length;
          const sound = await verifyTrail(fixture.dir, options);
          assert.deepEqual({ ...sound, segments: 0 }, { ok: true, records, segments: 0, lastSequence: records });

          const segments = await fixture.segmentNames();
          const path = join(fixture.dir, segments[segmentPick % segments.length] ?? '');
          const bytes = await readFile(path);
          const offset = offsetPick % bytes.length;
          bytes[offset] = (bytes[offset] ?? 0) ^ flip;
          await writeFile(path, bytes);
          const report = await verifyTrail(fixture.dir, options);
          assert.equal(report.ok, false, `byte ${offset} of ${path} changed, yet the trail verifies`);
        }),
    ),
    { numRuns: 100 },
  );
});
