import type { KeyUsage } from '../shared/key-usage.js';
import { keyIdInArn } from './key-arn.js';
import type { AuditRecord } from './record.js';

/** The operations GetKeyLastUsage reports (KeyLastUsageTrackingOperation in the KMS model). */
const TRACKED_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt',
  'DeriveSharedSecret',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'ReEncrypt',
  'Sign',
  'Verify',
  'VerifyMac',
]);

function field(record: AuditRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The latest successful tracked use of each key in a batch of durable records: what GetKeyLastUsage reports,
 * taken from the trail itself so the two can never disagree.
 */
export function keyUsagesIn(records: readonly AuditRecord[]): KeyUsage[] {
  const latest = new Map<string, KeyUsage>();
  for (const record of records) {
    const operation = field(record, 'eventName');
    if (field(record, 'eventSource') !== 'kms.amazonaws.com' || operation === undefined) continue;
    if (!TRACKED_OPERATIONS.has(operation) || record['errorCode'] !== undefined) continue;
    const time = Date.parse(field(record, 'eventTime') ?? '');
    const requestId = field(record, 'requestID');
    const eventId = field(record, 'eventID');
    const resources = Array.isArray(record['resources']) ? (record['resources'] as { ARN?: unknown }[]) : [];
    if (Number.isNaN(time) || requestId === undefined || eventId === undefined) continue;
    for (const resource of resources) {
      const keyId = typeof resource.ARN === 'string' ? keyIdInArn(resource.ARN) : undefined;
      if (keyId === undefined) continue;
      const known = latest.get(keyId);
      if (known === undefined || known.timestamp <= time)
        latest.set(keyId, { keyId, timestamp: time, operation, requestId, eventId });
    }
  }
  return [...latest.values()];
}
