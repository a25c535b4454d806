import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS key_last_usage (
    key_id     TEXT PRIMARY KEY,
    used_at    INTEGER NOT NULL,
    operation  TEXT NOT NULL,
    request_id TEXT NOT NULL,
    event_id   TEXT NOT NULL
  ) STRICT;
`;

const SELECT = 'SELECT * FROM key_last_usage WHERE key_id = ?';

function usageOf(row: UsageRow | undefined): KeyUsage | undefined {
  return (
    row && {
      keyId: row.key_id,
      timestamp: row.used_at,
      operation: row.operation,
      requestId: row.request_id,
      eventId: row.event_id,
    }
  );
}

/**
 * The key-usage store as one SQLite file per process (`<dir>/<owner>.db`), so that each process writes after
 * every durable audit batch without waiting on another's write lock; `find` reads every process's file and
 * takes the latest use. The rows are derived from the durable audit trail, so they commit without an fsync
 * of their own (synchronous=NORMAL under WAL): a crash may lose the last few updates, never the records they
 * come from.
 */
export function openSqliteKeyUsageStore(dir: string, owner: string): KeyUsageStore {
  const own = openDatabase(join(dir, `${owner}.db`));
  own.pragma('synchronous = NORMAL');
  own.exec(SCHEMA);
  // A later use replaces an earlier one, never the reverse.
  const upsert = own.prepare<[string, number, string, string, string]>(`
    INSERT INTO key_last_usage (key_id, used_at, operation, request_id, event_id) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (key_id) DO UPDATE SET
      used_at = excluded.used_at, operation = excluded.operation,
      request_id = excluded.request_id, event_id = excluded.event_id
    WHERE excluded.used_at >= key_last_usage.used_at
  `);
  const recordAll = own.transaction((usages: readonly KeyUsage[]) => {
    for (const usage of usages)
      upsert.run(usage.keyId, usage.timestamp, usage.operation, usage.requestId, usage.eventId);
  });
  const others = new Map<string, Database.Statement<[string], UsageRow>>();

  /** Every other process's file, opened (and only ever read) the first time it is seen. */
  function otherFiles(): Database.Statement<[string], UsageRow>[] {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.db') || name === `${owner}.db` || others.has(name)) continue;
      const reader = new Database(join(dir, name), { fileMustExist: true });
      others.set(name, reader.prepare<[string], UsageRow>(SELECT));
    }
    return [...others.values()];
  }

  const ownSelect = own.prepare<[string], UsageRow>(SELECT);
  return {
    async record(usages) {
      if (usages.length > 0) recordAll(usages);
    },
    async find(keyId) {
      const rows = [ownSelect, ...otherFiles()].map((select) => select.get(keyId));
      return usageOf(
        rows.reduce<UsageRow | undefined>(
          (latest, row) => (row && (!latest || row.used_at >= latest.used_at) ? row : latest),
          undefined,
        ),
      );
    },
    async close() {
      for (const select of others.values()) select.database.close();
      own.close();
    },
  };
}
