import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { serviceEventRecord } from '../audit/cloudtrail.js';
import type { AuditSink } from '../audit/record.js';
import { arnOf } from '../keys/arn.js';
import type { KeyRecord, Persistence } from '../persistence/port.js';
import type { Clock } from '../shared/clock.js';

export interface KeyDeletionJob {
  /** Deletes every key whose waiting period has passed; returns how many it deleted. */
  runOnce(): Promise<number>;
  stop(): void;
}

const BATCH = 100;

/** KMS's DeleteKey service event, as CloudTrail records the end of a key's waiting period. */
function deletionRecord(key: KeyRecord, now: number) {
  return serviceEventRecord({
    eventTime: now,
    eventSource: 'kms.amazonaws.com',
    eventName: 'DeleteKey',
    awsRegion: key.region,
    eventId: randomUUID(),
    resourceArns: [arnOf(key)],
    recipientAccountId: key.accountId,
  });
}

/**
 * Deletes keys whose waiting period has passed. The schedule is the deletionDate stored with each key,
 * so it survives restarts; deleteKeyIfDue re-checks state and date inside its transaction, so a key
 * whose deletion was cancelled meanwhile, or that another node already deleted, is left alone. Each
 * deletion commits only once its audit record is durable.
 */
export function startKeyDeletionJob(deps: {
  persistence: Persistence;
  audit: AuditSink;
  clock: Clock;
  logger: Logger;
  intervalMillis: number;
}): KeyDeletionJob {
  let running: Promise<number> | undefined;

  async function sweep(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const now = deps.clock.now();
      const due = await deps.persistence.keysDueForDeletion(now, BATCH);
      let deletedNow = 0;
      for (const key of due) {
        const deleteIfDue = () => deps.persistence.deleteKeyIfDue(key, key.keyId, now);
        const record = async (deleted: boolean) => {
          if (deleted) await deps.audit.append(deletionRecord(key, now));
        };
        if (await deps.persistence.mutation(deleteIfDue, record)) {
          deletedNow += 1;
          deps.logger.info({ keyId: key.keyId, accountId: key.accountId, region: key.region }, 'key deleted');
        }
      }
      deleted += deletedNow;
      if (due.length < BATCH || deletedNow === 0) return deleted;
    }
  }

  function runOnce(): Promise<number> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => deps.logger.error({ err: error }, 'key deletion job failed'));
  }, deps.intervalMillis);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
