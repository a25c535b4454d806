import { kmsError, messages } from '../errors/catalogue.js';
import type { KeyRecord } from '../persistence/port.js';
import { arnOf } from './arn.js';

/** The key-state machine as AWS documents it for symmetric customer managed keys. */

const DAY_MILLIS = 24 * 60 * 60 * 1000;

/** Cryptographic operations need an Enabled key. */
export function requireUsable(key: KeyRecord): void {
  if (key.state === 'Disabled') throw kmsError('DisabledException', messages.keyDisabled(arnOf(key)));
  if (key.state === 'PendingDeletion') {
    throw kmsError('KMSInvalidStateException', messages.keyPendingDeletion(arnOf(key)));
  }
}

/** Management operations (enable, disable, tag, describe changes, aliases) refuse a key pending deletion. */
export function requireNotPendingDeletion(key: KeyRecord): void {
  if (key.state === 'PendingDeletion') {
    throw kmsError('KMSInvalidStateException', messages.keyPendingDeletion(arnOf(key)));
  }
}

export function enabled(key: KeyRecord): KeyRecord {
  requireNotPendingDeletion(key);
  return { ...key, state: 'Enabled' };
}

export function disabled(key: KeyRecord): KeyRecord {
  requireNotPendingDeletion(key);
  return { ...key, state: 'Disabled' };
}

export function scheduledForDeletion(key: KeyRecord, now: number, pendingWindowInDays: number): KeyRecord {
  requireNotPendingDeletion(key);
  return {
    ...key,
    state: 'PendingDeletion',
    deletionDate: now + pendingWindowInDays * DAY_MILLIS,
    pendingWindowInDays,
  };
}

/** A cancelled deletion leaves the key Disabled, as in AWS. */
export function deletionCancelled(key: KeyRecord): KeyRecord {
  if (key.state !== 'PendingDeletion') {
    throw kmsError('KMSInvalidStateException', messages.keyNotPendingDeletion(arnOf(key)));
  }
  return { ...key, state: 'Disabled', deletionDate: null, pendingWindowInDays: null };
}
