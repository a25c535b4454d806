import Database from 'better-sqlite3';

/** Another Trent instance holds the lock. */
export class InstanceLocked extends Error {
  override readonly name = 'InstanceLocked';
}

export interface InstanceLock {
  release(): void;
}

/**
 * Makes one Trent instance (one process, or one primary and its workers) the only one on a data dir, so
 * two instances can never initialise it at once. The lock is an SQLite file held in EXCLUSIVE locking mode:
 * portable, and the operating system drops it when the process dies, kill -9 included. Taking it fails at
 * once rather than wait.
 */
export function acquireInstanceLock(file: string): InstanceLock {
  const db = new Database(file);
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS instance_lock (held INTEGER); COMMIT');
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw new InstanceLocked(`${file} is held by another process`);
    throw error;
  }
  return { release: () => db.close() };
}
