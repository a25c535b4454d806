import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyUsagesIn } from './key-usage.js';

const arn = (keyId: string) => `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
const call = (eventName: string, keyId: string, second: number, extra: object = {}) => ({
  eventSource: 'kms.amazonaws.com',
  eventName,
  eventTime: `2026-12-06T00:00:${String(second).padStart(2, '0')}Z`,
  requestID: `request-${second}`,
  eventID: `event-${second}`,
  resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: arn(keyId) }],
  ...extra,
});

describe('keyUsagesIn', () => {
  it('keeps the latest successful tracked use of each key', () => {
    const usages = keyUsagesIn([
      call('Encrypt', 'a', 1),
      call('Decrypt', 'a', 3),
      call('GenerateDataKey', 'b', 2),
      call('Decrypt', 'a', 2),
    ]);
    assert.deepEqual(usages, [
      {
        keyId: 'a',
        timestamp: Date.UTC(2026, 11, 6, 0, 0, 3),
        operation: 'Decrypt',
        requestId: 'request-3',
        eventId: 'event-3',
      },
      {
        keyId: 'b',
        timestamp: Date.UTC(2026, 11, 6, 0, 0, 2),
        operation: 'GenerateDataKey',
        requestId: 'request-2',
        eventId: 'event-2',
      },
    ]);
  });

  it('ignores failed calls, untracked operations and other services', () => {
    assert.deepEqual(
      keyUsagesIn([
        call('Encrypt', 'a', 1, { errorCode: 'AccessDeniedException' }),
        call('DescribeKey', 'a', 2),
        call('Encrypt', 'a', 3, { eventSource: 'iam.amazonaws.com' }),
        call('Encrypt', 'a', 4, { resources: undefined }),
      ]),
      [],
    );
  });
});
