import { kmsError } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import type { EncryptionContext, Keys } from '../keys/key-service.js';
import { requireUsable } from '../keys/key-state.js';
import type { KeyRecord } from '../keys/records.js';
import { encryptionContextConditions } from './conditions.js';
import type { AccessRequest, RequestContext, Resolved } from './definition.js';
import { onKey } from './on-key.js';

export interface DataKeyInput {
  KeyId: string;
  EncryptionContext?: EncryptionContext;
  NumberOfBytes?: number;
  KeySpec?: 'AES_256' | 'AES_128';
  Recipient?: unknown;
}

const KEY_SPEC_BYTES = { AES_256: 32, AES_128: 16 } as const;

/** Exactly one of NumberOfBytes and KeySpec, as AWS requires. */
export function dataKeyLength(input: DataKeyInput): number {
  if ((input.NumberOfBytes === undefined) === (input.KeySpec === undefined)) {
    throw kmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return input.KeySpec === undefined ? (input.NumberOfBytes as number) : KEY_SPEC_BYTES[input.KeySpec];
}

export function refuseRecipient(input: { Recipient?: unknown }): void {
  if (input.Recipient !== undefined) {
    throw kmsError(
      'UnsupportedOperationException',
      'Recipient (Nitro Enclaves attestation) is not supported by Trent.',
    );
  }
}

/** What both GenerateDataKey operations require before a DryRun may answer. */
export function checkDataKeyRequest(input: DataKeyInput, key: KeyRecord): void {
  refuseRecipient(input);
  dataKeyLength(input);
  requireUsable(key);
}

/** Both GenerateDataKey operations act on the key KeyId names, with the encryption context's condition keys. */
export function onDataKey(action: AccessRequest['action']) {
  return (input: DataKeyInput, context: RequestContext, keys: Keys): Promise<Resolved<KeyRecord>> =>
    onKey(
      action,
      input.KeyId,
      'keyOrAlias',
      context,
      keys,
      encryptionContextConditions(input.EncryptionContext),
      input.EncryptionContext,
    );
}

/** A fresh random data key and its ciphertext under `key`. */
export async function newDataKey(
  input: DataKeyInput,
  key: KeyRecord,
  keys: Keys,
): Promise<{ plaintext: Buffer; ciphertext: Buffer; keyArn: string }> {
  const plaintext = keys.randomBytes(dataKeyLength(input));
  const ciphertext = await keys.encrypt(key, plaintext, input.EncryptionContext);
  return { plaintext, ciphertext, keyArn: arnOf(key) };
}
