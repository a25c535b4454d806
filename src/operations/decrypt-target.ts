import { kmsError, messages } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import type { ParsedBlob } from '../keys/ciphertext-blob.js';
import type { Keys } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';
import type { RequestContext } from './definition.js';

export interface CiphertextTarget {
  readonly key: KeyRecord;
  readonly parsed: ParsedBlob;
}

/**
 * Decrypt and ReEncrypt find their key in the blob. A KeyId in the request must name that same key
 * (IncorrectKeyException otherwise), so that a caller can insist on the key it trusts.
 *
 * The model makes CiphertextBlob optional only for DryRunModifiers IGNORE_CIPHERTEXT, which Trent does
 * not support yet: without a blob there is nothing to decrypt, as for AWS without that modifier.
 */
export async function keyOfCiphertext(
  blob: Buffer | undefined,
  keyIdParameter: string | undefined,
  context: RequestContext,
  keys: Keys,
): Promise<CiphertextTarget> {
  if (blob === undefined) {
    throw kmsError(
      'ValidationException',
      "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    );
  }
  const parsed = keys.parseCiphertext(blob);
  const key = await keys.keyOfCiphertext(context.scope, parsed);
  if (keyIdParameter !== undefined) {
    const named = await keys.resolve(context.scope, keyIdParameter, 'keyOrAlias');
    if (arnOf(named) !== arnOf(key)) throw kmsError('IncorrectKeyException', messages.incorrectKey());
  }
  return { key, parsed };
}
