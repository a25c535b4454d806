import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyUsage } from '../shared/key-usage.js';
import { withBufferedKeyUsage } from './buffered-key-usage.js';
import type { KeyUsageStore } from './key-usage-port.js';

const usage = (keyId: string, timestamp: number): KeyUsage => ({
  keyId,
  timestamp,
  operation: 'Encrypt',
  requestId: `r${timestamp}`,
  eventId: `e${timestamp}`,
});

function recordingStore(): KeyUsageStore & { batches: KeyUsage[][] } {
  const stored = new Map<string, KeyUsage>();
  const batches: KeyUsage[][] = [];
  return {
    batches,
    async record(usages) {
      batches.push([...usages]);
      for (const each of usages) stored.set(each.keyId, each);
    },
    async find(keyId) {
      return stored.get(keyId);
    },
    async close() {},
  };
}

describe('withBufferedKeyUsage', () => {
  it('shows pending updates at once, writes the latest per key in one batch, and flushes on close', async () => {
    const inner = recordingStore();
    const buffered = withBufferedKeyUsage(inner, 60_000);
    await buffered.record([usage('a', 1), usage('b', 2)]);
    await buffered.record([usage('a', 3), usage('a', 2)]);
    assert.deepEqual(await buffered.find('a'), usage('a', 3));
    assert.deepEqual(inner.batches, [], 'nothing written before the flush');
    await buffered.close();
    assert.deepEqual(inner.batches, [[usage('a', 3), usage('b', 2)]]);
  });

  it('writes within flushMillis without being asked', async () => {
    const inner = recordingStore();
    const buffered = withBufferedKeyUsage(inner, 5);
    await buffered.record([usage('a', 1)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await inner.find('a'), usage('a', 1));
    await buffered.close();
  });
});
