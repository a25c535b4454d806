import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { needs } from '../../shared/needs.js';

/** Another process holds the database: one Trent process owns a data dir (its caches rely on it). */
export class DatabaseInUse extends Error {
  override readonly name = 'DatabaseInUse';
}

/**
 * Opens (creating if needed) the SQLite file with the settings Trent's durability promise rests on:
 * WAL so readers never block the writer, synchronous=FULL so an acknowledged commit survives kill -9 and
 * power loss (NORMAL may lose the last commits in WAL mode), foreign keys so deletions cascade.
 *
 * The connection takes the file's lock in EXCLUSIVE mode and keeps it until it closes: a second process
 * on the same file is refused at once (DatabaseInUse) instead of serving from caches that cannot see the
 * first one's writes. The operating system drops the lock when the process dies, kill -9 included.
 */
export function openDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // SQLite answers with the mode it ended up in rather than failing (e.g. on a file system without shared memory).
    needs(db.pragma('journal_mode = WAL', { simple: true }) === 'wal', `SQLite could not switch ${file} to WAL`);
    db.exec('BEGIN IMMEDIATE; COMMIT');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    if (
      error instanceof Error &&
      /SQLITE_BUSY|database is locked/i.test(`${(error as { code?: string }).code} ${error.message}`)
    ) {
      throw new DatabaseInUse(`${file} is in use by another process`);
    }
    throw error;
  }
  return db;
}
