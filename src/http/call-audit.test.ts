import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountRoot } from '../../test/support/callers.js';
import type { AuditRecord, AuditSink } from '../audit/record.js';
import { kmsError } from '../errors/catalogue.js';
import { MutationCommitFailed, type MutationRunner } from '../shared/mutation.js';
import { AuditedCall } from './call-audit.js';

const caller = accountRoot('111122223333');

function recordingSink(failing = false): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    async append(record) {
      if (failing) throw new Error('ENOSPC');
      records.push(record);
    },
    async healthCheck() {},
    async close() {},
  };
}

function newCall(sink: AuditSink, readOnly: boolean): AuditedCall {
  const origin = {
    requestId: 'request-1',
    sourceIp: '127.0.0.1',
    userAgent: 'test',
    receivedAt: Date.UTC(2026, 11, 6),
  };
  const call = new AuditedCall(
    sink,
    origin,
    caller,
    'us-east-1',
    'kms.amazonaws.com',
    'TagResource',
    'KMSInternalException',
  );
  call.operation('TagResource', readOnly);
  return call;
}

/** Runs work, then beforeCommit, then a commit that fails as a broken disk would. */
const commitFails: MutationRunner = async (work, beforeCommit) => {
  const result = await work();
  await beforeCommit(result);
  throw new MutationCommitFailed('disk I/O error');
};

/** Runs work and beforeCommit, recording whether the change was committed. */
function committingRunner(): MutationRunner & { committed: boolean } {
  const runner = Object.assign(
    async <T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>) => {
      const result = await work();
      await beforeCommit(result);
      runner.committed = true;
      return result;
    },
    { committed: false },
  );
  return runner;
}

describe('AuditedCall', () => {
  it('a change whose commit fails after its record is followed by a compensating record naming it', async () => {
    const sink = recordingSink();
    const call = newCall(sink, false);
    const failure = await call.outcome(commitFails, async () => ({ ok: true })).catch((error: unknown) => error);
    assert.equal((failure as { type?: string }).type, 'KMSInternalException');
    await call.failedUnlessRecorded(failure);
    assert.equal(sink.records.length, 2, 'the success record and the compensating one, nothing more');
    const [announced, compensation] = sink.records as [AuditRecord, AuditRecord];
    assert.equal(announced['errorCode'], undefined);
    assert.equal(compensation['errorCode'], 'KMSInternalException');
    assert.equal(
      compensation['errorMessage'],
      `The change recorded in event ${announced['eventID']} was not committed.`,
    );
    assert.notEqual(compensation['eventID'], announced['eventID']);
  });

  it('a change commits only once its record is written; a record that cannot be written leaves it uncommitted', async () => {
    const written = committingRunner();
    await newCall(recordingSink(), false).outcome(written, async () => ({ ok: true }));
    assert.equal(written.committed, true);

    const refused = committingRunner();
    const call = newCall(recordingSink(true), false);
    const failure = await call.outcome(refused, async () => ({ ok: true })).catch((error: unknown) => error);
    assert.equal(refused.committed, false);
    assert.match(String((failure as Error).message), /could not be recorded in the audit trail/);
  });

  it('a failed operation gets one failure record with the error the client sees', async () => {
    const sink = recordingSink();
    const call = newCall(sink, true);
    const error = kmsError('NotFoundException', "Key 'x' does not exist");
    await call.outcome(committingRunner(), async () => Promise.reject(error)).catch(() => undefined);
    await call.failedUnlessRecorded(error);
    assert.deepEqual(
      sink.records.map((record) => [record['errorCode'], record['errorMessage']]),
      [['NotFoundException', "Key 'x' does not exist"]],
    );
  });
});
