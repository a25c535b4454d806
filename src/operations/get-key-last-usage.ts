import { arnOf } from '../keys/arn.js';
import { epochSeconds } from '../keys/key-metadata.js';
import type { KeyRecord } from '../keys/records.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface GetKeyLastUsageInput {
  KeyId: string;
}

/**
 * When a key was last used for cryptography, read from a per-key row the audit trail keeps up to date after
 * each durable batch of records (never a scan of the trail).
 */
export const getKeyLastUsage = defineOperation({
  name: 'GetKeyLastUsage',
  readOnly: true,
  resolve: (input: GetKeyLastUsageInput, context, keys) =>
    onKey('kms:GetKeyLastUsage', input.KeyId, 'keyOnly', context, keys),
  async handle(_input, key: KeyRecord, _context, keys) {
    const { usage, trackingStart } = await keys.lastUsage(key);
    return {
      KeyId: arnOf(key),
      KeyCreationDate: epochSeconds(key.createdAt),
      TrackingStartDate: epochSeconds(trackingStart),
      KeyLastUsage: usage && {
        Timestamp: epochSeconds(usage.timestamp),
        Operation: usage.operation,
        KmsRequestId: usage.requestId,
        CloudTrailEventId: usage.eventId,
      },
    };
  },
});
