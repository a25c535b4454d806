import { kmsError, messages } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import type { ParsedBlob } from '../keys/ciphertext-blob.js';
import type { Keys } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';
import type { RequestContext } from './definition.js';

export interface CiphertextTarget {
  readonly key: KeyRecord;
  /** Absent only for a DryRun with IGNORE_CIPHERTEXT, which never reaches `handle`. */
  readonly parsed: ParsedBlob | undefined;
}

/** The parsed blob `handle` works on; a DryRun without one has already answered. */
export function parsedBlob(target: CiphertextTarget): ParsedBlob {
  if (target.parsed === undefined) throw new Error('a ciphertext-less DryRun reached the operation');
  return target.parsed;
}

/** DryRun with DryRunModifiers IGNORE_CIPHERTEXT: check permissions on the named key without a ciphertext. */
export function ignoresCiphertext(input: { DryRun?: boolean; DryRunModifiers?: string[] }): boolean {
  return input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');
}

/**
 * Decrypt and ReEncrypt find their key in the blob. A KeyId in the request must name that same key
 * (IncorrectKeyException otherwise), so that a caller can insist on the key it trusts. A DryRun that
 * ignores the ciphertext must name the key instead.
 */
export async function keyOfCiphertext(
  blob: Buffer | undefined,
  keyIdParameter: string | undefined,
  context: RequestContext,
  keys: Keys,
  ignoreCiphertext = false,
): Promise<CiphertextTarget> {
  if (ignoreCiphertext) {
    if (keyIdParameter === undefined) {
      throw kmsError('ValidationException', 'A DryRun with IGNORE_CIPHERTEXT must name the key in KeyId.');
    }
    return { key: await keys.resolve(context.scope, keyIdParameter, 'keyOrAlias'), parsed: undefined };
  }
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
