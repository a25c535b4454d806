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
      const file = join(dir, 'usage.db');
      const store = openSqliteKeyUsageStore(file);
      assert.equal(await store.find('a'), undefined);
      await store.record([usage('a', 10), usage('b', 5, 'Decrypt')]);
      await store.record([usage('a', 7, 'Decrypt')]);
      assert.deepEqual(await store.find('a'), usage('a', 10));
      await store.record([usage('a', 12, 'GenerateDataKey')]);
      await store.close();
      const reopened = openSqliteKeyUsageStore(file);
      assert.deepEqual(await reopened.find('a'), usage('a', 12, 'GenerateDataKey'));
      assert.deepEqual(await reopened.find('b'), usage('b', 5, 'Decrypt'));
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
