import { arnOf } from '../keys/arn.js';
import type { EncryptionContext } from '../keys/key-service.js';
import { requireUsable } from '../keys/key-state.js';
import { encryptionContextConditions, keyAccess } from './conditions.js';
import { refuseRecipient } from './data-key.js';
import { type CiphertextTarget, ignoresCiphertext, keyOfCiphertext, parsedBlob } from './decrypt-target.js';
import { defineOperation } from './definition.js';
import { requireSymmetricDefault } from './symmetric.js';

interface DecryptInput {
  CiphertextBlob?: Buffer;
  KeyId?: string;
  EncryptionContext?: EncryptionContext;
  EncryptionAlgorithm?: string;
  Recipient?: unknown;
  DryRun?: boolean;
  DryRunModifiers?: string[];
}

export const decrypt = defineOperation({
  name: 'Decrypt',
  readOnly: true,
  async resolve(input: DecryptInput, context, keys) {
    const target = await keyOfCiphertext(input.CiphertextBlob, input.KeyId, context, keys, ignoresCiphertext(input));
    const conditions = {
      ...encryptionContextConditions(input.EncryptionContext),
      'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
    };
    return { access: [keyAccess('kms:Decrypt', target.key, conditions, input.EncryptionContext)], target };
  },
  check(input, { key }: CiphertextTarget) {
    refuseRecipient(input);
    requireUsable(key);
    requireSymmetricDefault(input.EncryptionAlgorithm, arnOf(key));
  },
  async handle(input, target: CiphertextTarget, _context, keys) {
    const { key } = target;
    const plaintext = await keys.decrypt(key, parsedBlob(target), input.EncryptionContext);
    return { KeyId: arnOf(key), Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
});
