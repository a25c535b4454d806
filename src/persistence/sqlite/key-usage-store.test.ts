import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteKeyUsageStore } from './key-usage-store.js';

const usage = (keyId: string, timestamp: number, operation = 'Encrypt') => ({
  keyId,
  timestamp,
  operation,
  requestId: `request-${timestamp}`,
  eventId: `event-${timestamp}`,
});

describe('SQLite key-usage store', () => {
  it('keeps the latest use of each key, across reopening, and never goes back in time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trent-usage-'));
    try {
      const store = openSqliteKeyUsageStore(dir, 'main');
      assert.equal(await store.find('a'), undefined);
      await store.record([usage('a', 10), usage('b', 5, 'Decrypt')]);
      await store.record([usage('a', 7, 'Decrypt')]);
      assert.deepEqual(await store.find('a'), usage('a', 10));
      await store.record([usage('a', 12, 'GenerateDataKey')]);
      await store.close();
      const reopened = openSqliteKeyUsageStore(dir, 'main');
      assert.deepEqual(await reopened.find('a'), usage('a', 12, 'GenerateDataKey'));
      assert.deepEqual(await reopened.find('b'), usage('b', 5, 'Decrypt'));
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each process writes its own file and every process sees the latest use across all of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trent-usage-'));
    try {
      const first = openSqliteKeyUsageStore(dir, 'worker-1');
      const second = openSqliteKeyUsageStore(dir, 'worker-2');
      await first.record([usage('a', 10)]);
      await second.record([usage('a', 20, 'Decrypt'), usage('b', 5)]);
      await first.record([usage('b', 3)]);
      for (const store of [first, second]) {
        assert.deepEqual(await store.find('a'), usage('a', 20, 'Decrypt'));
        assert.deepEqual(await store.find('b'), usage('b', 5));
      }
      const joining = openSqliteKeyUsageStore(dir, 'worker-3');
      assert.deepEqual(await joining.find('a'), usage('a', 20, 'Decrypt'));
      for (const store of [first, second, joining]) await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
