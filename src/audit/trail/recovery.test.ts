import assert from 'node:assert/strict';
import { appendFile, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CHAIN_ID,
  faultyFiles,
  record,
  type TrailFixture,
  withTrailFixture,
} from '../../../test/support/trail-fixtures.js';
import type { AuditRecord } from '../record.js';
import { readRecords } from './read.js';
import { verifyTrail } from './verify.js';
import { AuditTrailUnavailable } from './writer.js';

const FIRST_SEGMENT = '00000000000000000001.json';

/**
 * The directory as a kill -9 leaves it after `count` acknowledged records: the segment open (no trailer,
 * no digest). Made by writing them, keeping the open segment's bytes, closing, and putting those bytes back.
 */
async function crashedAfter(fixture: TrailFixture, count: number): Promise<Buffer> {
  const trail = await fixture.open();
  for (let n = 1; n <= count; n += 1) await trail.append(record(n));
  const open = await fixture.segment(FIRST_SEGMENT);
  await trail.close();
  await writeFile(join(fixture.dir, FIRST_SEGMENT), open);
  await unlink(join(fixture.dir, 'digests', `${FIRST_SEGMENT}.digest.json`));
  return open;
}

async function allRecords(dir: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const written of readRecords(dir)) records.push(written);
  return records;
}

async function verifies(fixture: TrailFixture, records: number): Promise<void> {
  const report = await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] });
  assert.deepEqual({ ...report, segments: 0 }, { ok: true, records, segments: 0, lastSequence: records });
}

function recoveryDetails(written: AuditRecord | undefined): unknown {
  assert.equal(written?.eventName, 'TrentAuditRecovery');
  assert.equal(written?.eventType, 'AwsServiceEvent');
  assert.equal(written?.eventSource, 'kms.amazonaws.com');
  return written?.serviceEventDetails;
}

describe('recovery at open', () => {
  test('a partial last line is cut off and a recovery record takes its place', () =>
    withTrailFixture(async (fixture) => {
      const kept = await crashedAfter(fixture, 3);
      const partial = ',{"eventVersion":"1.08","eventTime":"2025-03-01T12:00:00Z","eventSo';
      await appendFile(join(fixture.dir, FIRST_SEGMENT), partial);

      const trail = await fixture.open();
      const segment = await fixture.segment(FIRST_SEGMENT);
      assert.deepEqual(segment.subarray(0, kept.length), kept, 'the acknowledged records stay as they were');
      const added = segment.subarray(kept.length).toString('utf8');
      assert.match(added, /^,\{[^\n]*"eventName":"TrentAuditRecovery"[^\n]*\}\n$/, 'one line: the recovery record');
      const records = await allRecords(fixture.dir);
      assert.equal(records.length, 4);
      const [recovery] = records.slice(3);
      assert.deepEqual(recoveryDetails(recovery), {
        segment: FIRST_SEGMENT,
        bytesDropped: Buffer.byteLength(partial),
        lastGoodSequence: 3,
      });
      assert.equal(recovery?.recipientAccountId, '111122223333');
      assert.equal(recovery?.awsRegion, 'eu-west-1');

      await trail.append(record(4));
      await trail.close();
      assert.deepEqual(await fixture.segmentNames(), [FIRST_SEGMENT], 'the trail went on in the same segment');
      await verifies(fixture, 5);
    }));

  test('a whole line that does not follow the chain is cut off too', () =>
    withTrailFixture(async (fixture) => {
      const kept = await crashedAfter(fixture, 2);
      const lines = kept.toString('utf8').split('\n');
      const replayed = `,${(lines[1] ?? '').replace('"sequence":1,', '"sequence":3,')}\n`;
      await appendFile(join(fixture.dir, FIRST_SEGMENT), replayed);

      const trail = await fixture.open();
      await trail.close();
      const [, , recovery] = await allRecords(fixture.dir);
      assert.deepEqual(recoveryDetails(recovery), {
        segment: FIRST_SEGMENT,
        bytesDropped: Buffer.byteLength(replayed),
        lastGoodSequence: 2,
      });
      await verifies(fixture, 3);
    }));

  test('a complete open segment is continued, with no recovery record', () =>
    withTrailFixture(async (fixture) => {
      await crashedAfter(fixture, 2);
      const trail = await fixture.open();
      await trail.append(record(3));
      await trail.close();
      assert.deepEqual(
        (await allRecords(fixture.dir)).map((written) => written.eventID),
        ['event-1', 'event-2', 'event-3'],
      );
      assert.deepEqual(await fixture.segmentNames(), [FIRST_SEGMENT]);
      await verifies(fixture, 3);
    }));

  test('a segment sealed before its digest was written gets its digest', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      await trail.append(record(1));
      await trail.close();
      const digest = join(fixture.dir, 'digests', `${FIRST_SEGMENT}.digest.json`);
      await unlink(digest);
      assert.equal((await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] })).ok, false);

      const reopened = await fixture.open();
      assert.match(await readFile(digest, 'utf8'), /"lastSequence":1,/);
      await reopened.append(record(2));
      await reopened.close();
      await verifies(fixture, 2);
    }));

  test('a new segment whose header was cut short is rewritten, with a recovery record', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      await trail.append(record(1));
      await trail.close();
      await writeFile(join(fixture.dir, '00000000000000000002.json'), '{"Rec');

      const reopened = await fixture.open();
      await reopened.close();
      const [, recovery] = await allRecords(fixture.dir);
      assert.deepEqual(recoveryDetails(recovery), {
        segment: '00000000000000000002.json',
        bytesDropped: 5,
        lastGoodSequence: 1,
      });
      await verifies(fixture, 2);
    }));

  test('when the disk is full at open, the bytes to drop stay until their recovery record is durable', () =>
    withTrailFixture(async (fixture) => {
      await crashedAfter(fixture, 1);
      const partial = ',{"eventVersion":"1.0';
      await appendFile(join(fixture.dir, FIRST_SEGMENT), partial);
      const damaged = await fixture.segment(FIRST_SEGMENT);
      const { files, fail } = faultyFiles();
      fail.fdatasync = true;

      const trail = await fixture.open({ files });
      await assert.rejects(trail.healthCheck(), AuditTrailUnavailable);
      await assert.rejects(trail.append(record(2)), AuditTrailUnavailable);
      assert.ok((await fixture.segment(FIRST_SEGMENT)).length >= damaged.length, 'nothing was cut yet');

      fail.fdatasync = false;
      await trail.append(record(3));
      await trail.close();
      const records = await allRecords(fixture.dir);
      assert.deepEqual(
        records.map((written) => written.eventName),
        ['Encrypt', 'TrentAuditRecovery', 'Encrypt'],
      );
      assert.equal(records[2]?.eventID, 'event-3');
      await verifies(fixture, 3);
    }));

  test('a segment of another chain, or one that does not continue the last digest, refuses to open', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      await trail.append(record(1));
      await trail.close();
      await writeFile(join(fixture.dir, '00000000000000000009.json'), '{"Records":[\n');
      await assert.rejects(fixture.open(), /does not continue the chain/);
      await unlink(join(fixture.dir, '00000000000000000009.json'));
      await assert.rejects(fixture.open({ chainId: `${CHAIN_ID}-other` }), /another chain/);
    }));
});
