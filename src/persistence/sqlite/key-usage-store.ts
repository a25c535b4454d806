import type { KeyUsage } from '../../shared/key-usage.js';
import type { KeyUsageStore } from '../key-usage-port.js';
import { openDatabase } from './database.js';

interface UsageRow {
  key_id: string;
  used_at: number;
  operation: string;
  request_id: string;
  event_id: string;
}

/**
 * The key-usage store in its own SQLite file. Its rows are derived from the durable audit trail, so it commits
 * without an fsync of its own (synchronous=NORMAL under WAL): a crash may lose the last few updates, never the
 * records they come from.
 */
export function openSqliteKeyUsageStore(file: string): KeyUsageStore {
  const db = openDatabase(file);
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS key_last_usage (
      key_id     TEXT PRIMARY KEY,
      used_at    INTEGER NOT NULL,
      operation  TEXT NOT NULL,
      request_id TEXT NOT NULL,
      event_id   TEXT NOT NULL
    ) STRICT;
  `);
  // A later use replaces an earlier one; an older one (from a slower process) never replaces a newer one.
  const upsert = db.prepare<[string, number, string, string, string]>(`
    INSERT INTO key_last_usage (key_id, used_at, operation, request_id, event_id) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (key_id) DO UPDATE SET
      used_at = excluded.used_at, operation = excluded.operation,
      request_id = excluded.request_id, event_id = excluded.event_id
    WHERE excluded.used_at >= key_last_usage.used_at
  `);
  const select = db.prepare<[string], UsageRow>('SELECT * FROM key_last_usage WHERE key_id = ?');
  const recordAll = db.transaction((usages: readonly KeyUsage[]) => {
    for (const usage of usages)
      upsert.run(usage.keyId, usage.timestamp, usage.operation, usage.requestId, usage.eventId);
  });
  return {
    async record(usages) {
      if (usages.length > 0) recordAll(usages);
    },
    async find(keyId) {
      const row = select.get(keyId);
      return (
        row && {
          keyId: row.key_id,
          timestamp: row.used_at,
          operation: row.operation,
          requestId: row.request_id,
          eventId: row.event_id,
        }
      );
    },
    async close() {
      db.close();
    },
  };
}
