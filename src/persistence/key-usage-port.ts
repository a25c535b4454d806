import type { KeyUsage } from '../shared/key-usage.js';

/**
 * Where the last use of each key is kept (GetKeyLastUsage). It is derived from the audit trail, written after
 * each durable batch of records, and kept apart from the main store: its frequent small commits would otherwise
 * empty the read cache that Encrypt and Decrypt live on.
 */
export interface KeyUsageStore {
  /** Keeps, per key, the latest of what is stored and what is given; all or nothing. */
  record(usages: readonly KeyUsage[]): Promise<void>;
  find(keyId: string): Promise<KeyUsage | undefined>;
  close(): Promise<void>;
}
