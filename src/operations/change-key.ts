import { kmsError, messages } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import type { Keys } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';

/** Applies a key-state transition atomically against the current row (a concurrent change may have won). */
export async function changeKey(
  keys: Keys,
  key: KeyRecord,
  change: (current: KeyRecord) => KeyRecord,
): Promise<KeyRecord> {
  const updated = await keys.persistence.updateKey(key, key.keyId, change);
  if (!updated) throw kmsError('NotFoundException', messages.keyNotFound(arnOf(key)));
  return updated;
}
