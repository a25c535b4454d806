import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { needs } from '../../shared/needs.js';

/**
 * Opens (creating if needed) the SQLite file with the settings Trent's durability promise rests on:
 * WAL so readers never block the writer, synchronous=FULL so an acknowledged commit survives kill -9 and
 * power loss (NORMAL may lose the last commits in WAL mode), foreign keys so deletions cascade, and a busy
 * timeout so the processes of one Trent instance wait for each other's write lock instead of failing.
 */
export function openDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // SQLite answers with the mode it ended up in rather than failing (e.g. on a file system without shared memory).
    needs(db.pragma('journal_mode = WAL', { simple: true }) === 'wal', `SQLite could not switch ${file} to WAL`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export interface Connections {
  readonly writer: Database.Database;
  /** Reads only (query_only): under WAL it sees the last commit, never a transaction open on the writer. */
  readonly reader: Database.Database;
}

/** Two connections to one file, so that reads go on while a write transaction stays open across awaits. */
export function openConnections(file: string): Connections {
  const writer = openDatabase(file);
  try {
    const reader = openDatabase(file);
    reader.pragma('query_only = ON');
    return { writer, reader };
  } catch (error) {
    writer.close();
    throw error;
  }
}
