import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { faultyFiles, record, withTrailFixture } from '../../../test/support/trail-fixtures.js';
import type { AuditRecord } from '../record.js';
import { type AuditFiles, nodeFiles } from './files.js';
import { readRecords } from './read.js';
import { verifyTrail } from './verify.js';
import { AuditTrailUnavailable, MAX_WAITING_RECORDS } from './writer.js';

const FIRST_SEGMENT = '00000000000000000001.json';

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Files whose fdatasyncs wait, while `hold` is on, until the test releases them one by one. */
function heldSyncs() {
  const state = { hold: false, calls: 0, completed: 0, waiting: [] as Array<() => void> };
  const files: AuditFiles = {
    ...nodeFiles,
    fdatasync: async (file) => {
      state.calls += 1;
      if (state.hold) await new Promise<void>((resolve) => state.waiting.push(resolve));
      await nodeFiles.fdatasync(file);
      state.completed += 1;
    },
  };
  const release = () => state.waiting.shift()?.();
  return { files, state, release };
}

async function eventIds(dir: string): Promise<unknown[]> {
  const ids: unknown[] = [];
  for await (const written of readRecords(dir)) ids.push(written.eventID);
  return ids;
}

function rejectedForNoSpace(outcome: PromiseSettledResult<void>): boolean {
  return (
    outcome.status === 'rejected' &&
    outcome.reason instanceof AuditTrailUnavailable &&
    (outcome.reason.cause as NodeJS.ErrnoException).code === 'ENOSPC'
  );
}

describe('group commit', () => {
  test('records waiting while a sync is in flight form the next batch, each resolved after its own sync', () =>
    withTrailFixture(async (fixture) => {
      const { files, state, release } = heldSyncs();
      const trail = await fixture.open({ files });
      state.hold = true;
      const syncsBeforeResolving: number[] = [];
      const first = trail.append(record(0)).then(() => {
        syncsBeforeResolving[0] = state.completed;
      });
      await until(() => state.waiting.length === 1);
      const rest = Array.from({ length: 200 }, (_, index) =>
        trail.append(record(index + 1)).then(() => {
          syncsBeforeResolving[index + 1] = state.completed;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(syncsBeforeResolving.length, 0, 'nothing resolves while the first sync is held');

      release();
      await first;
      assert.equal(syncsBeforeResolving[0], 1);
      await until(() => state.waiting.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(syncsBeforeResolving.length, 1, 'the second batch waits for its own sync');

      state.hold = false;
      release();
      await Promise.all(rest);
      assert.deepEqual(new Set(syncsBeforeResolving.slice(1)), new Set([2]));
      assert.equal(state.calls, 2, '201 records, two fdatasyncs');
      await trail.close();
      assert.deepEqual(await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] }), {
        ok: true,
        records: 201,
        segments: 1,
        lastSequence: 201,
      });
    }));

  test('a thousand concurrent appends take far fewer fdatasyncs than records', () =>
    withTrailFixture(async (fixture) => {
      const { files, calls } = faultyFiles();
      const trail = await fixture.open({ files });
      await Promise.all(Array.from({ length: 1000 }, (_, n) => trail.append(record(n))));
      assert.ok(calls.fdatasync <= 10, `${calls.fdatasync} fdatasyncs`);
      assert.equal((await eventIds(fixture.dir)).length, 1000);
      await trail.close();
    }));

  test('appends beyond the waiting limit are refused, the others are written', () =>
    withTrailFixture(async (fixture) => {
      const { files, state, release } = heldSyncs();
      const trail = await fixture.open({ files });
      state.hold = true;
      const inFlight = trail.append(record(0));
      await until(() => state.waiting.length === 1);
      const waiting = Array.from({ length: MAX_WAITING_RECORDS }, (_, n) => trail.append(record(n + 1)));
      await assert.rejects(trail.append(record(-1)), AuditTrailUnavailable);
      state.hold = false;
      release();
      await Promise.all([inFlight, ...waiting]);
      assert.equal((await eventIds(fixture.dir)).length, MAX_WAITING_RECORDS + 1);
      await trail.close();
    }));
});

describe('fail closed', () => {
  for (const failing of ['write', 'fdatasync'] as const) {
    test(`ENOSPC on ${failing}: the batch is rejected, the file cut back, then service resumes`, () =>
      withTrailFixture(async (fixture) => {
        const { files, fail } = faultyFiles();
        const trail = await fixture.open({ files });
        await trail.append(record(1));
        await trail.append(record(2));
        const durable = await fixture.segment(FIRST_SEGMENT);

        fail[failing] = true;
        const outcomes = await Promise.allSettled([3, 4, 5].map((n) => trail.append(record(n))));
        assert.ok(outcomes.every(rejectedForNoSpace), JSON.stringify(outcomes.map((o) => o.status)));
        assert.deepEqual(await fixture.segment(FIRST_SEGMENT), durable, 'nothing of the failed batch stays');
        await assert.rejects(trail.healthCheck(), AuditTrailUnavailable);
        await assert.rejects(trail.healthCheck(), AuditTrailUnavailable, 'still broken while the disk is full');
        await assert.rejects(trail.append(record(6)), AuditTrailUnavailable);

        fail[failing] = false;
        await trail.append(record(7));
        await trail.healthCheck();
        await trail.close();
        assert.deepEqual(await eventIds(fixture.dir), ['event-1', 'event-2', 'event-7']);
        const report = await verifyTrail(fixture.dir, { publicKeys: [fixture.publicKey] });
        assert.deepEqual(report, { ok: true, records: 3, segments: 1, lastSequence: 3 });
      }));
  }

  test('the health probe clears the broken state once the disk takes data again', () =>
    withTrailFixture(async (fixture) => {
      const { files, fail } = faultyFiles();
      const trail = await fixture.open({ files });
      await trail.append(record(1));
      fail.fdatasync = true;
      await assert.rejects(trail.append(record(2)));
      fail.fdatasync = false;
      await trail.healthCheck();
      await trail.healthCheck();
      await trail.close();
      assert.deepEqual(await eventIds(fixture.dir), ['event-1']);
    }));

  test('a record that cannot be written is refused alone', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      const chained = { ...record(1), trentChain: { sequence: 9 } };
      const outcomes = await Promise.allSettled([
        trail.append(record(0)),
        trail.append(chained),
        trail.append([] as unknown as AuditRecord),
        trail.append(record(2)),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
      );
      await trail.close();
      assert.deepEqual(await eventIds(fixture.dir), ['event-0', 'event-2']);
    }));

  test('after close, appends and health checks are refused', () =>
    withTrailFixture(async (fixture) => {
      const trail = await fixture.open();
      await trail.append(record(1));
      await trail.close();
      await assert.rejects(trail.append(record(2)), AuditTrailUnavailable);
      await assert.rejects(trail.healthCheck(), AuditTrailUnavailable);
    }));
});

describe('copies of durable records', () => {
  test("stream gets each line after its fsync; afterBatch gets each batch's records and cannot un-ack them", () =>
    withTrailFixture(async (fixture) => {
      const streamed: string[] = [];
      const onDiskWhenStreamed: boolean[] = [];
      const batches: AuditRecord[][] = [];
      const trail = await fixture.open({
        stream: (line) => {
          streamed.push(line);
          onDiskWhenStreamed.push(readFileSync(join(fixture.dir, FIRST_SEGMENT), 'utf8').includes(`${line}\n`));
        },
        afterBatch: async (records) => {
          batches.push(records);
          throw new Error('the SIEM is down');
        },
      });
      await Promise.all([trail.append(record(1)), trail.append(record(2))]);
      await trail.append(record(3));
      await trail.close();

      assert.equal(streamed.length, 3);
      assert.deepEqual(onDiskWhenStreamed, [true, true, true]);
      assert.deepEqual(
        streamed.map((line) => JSON.parse(line).trentChain.sequence),
        [1, 2, 3],
      );
      assert.deepEqual(
        batches.map((batch) => batch.map((written) => written['eventID'])),
        [['event-1', 'event-2'], ['event-3']],
      );
    }));
});
