/** The last cryptographic use of a key (GetKeyLastUsage), as the audit trail recorded it. */
export interface KeyUsage {
  readonly keyId: string;
  /** Milliseconds since the epoch: the recorded call's eventTime. */
  readonly timestamp: number;
  /** One of GetKeyLastUsage's tracked operations (Encrypt, Decrypt, GenerateDataKey, ReEncrypt, …). */
  readonly operation: string;
  readonly requestId: string;
  readonly eventId: string;
}

/** The setting that holds when this data dir began tracking key usage (TrackingStartDate's lower bound). */
export const KEY_USAGE_TRACKING_START = 'key-usage-tracking-start';
