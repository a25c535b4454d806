import { arnOf } from '../keys/arn.js';
import type { EncryptionContext } from '../keys/key-service.js';
import { requireUsable } from '../keys/key-state.js';
import { encryptionContextConditions } from './conditions.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';
import { requireSymmetricDefault } from './symmetric.js';

interface EncryptInput {
  KeyId: string;
  Plaintext: Buffer;
  EncryptionContext?: EncryptionContext;
  EncryptionAlgorithm?: string;
}

export const encrypt = defineOperation({
  name: 'Encrypt',
  readOnly: true,
  resolve: (input: EncryptInput, context, keys) =>
    onKey(
      'kms:Encrypt',
      input.KeyId,
      'keyOrAlias',
      context,
      keys,
      {
        ...encryptionContextConditions(input.EncryptionContext),
        'kms:EncryptionAlgorithm': input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT',
      },
      input.EncryptionContext,
    ),
  check(input, key) {
    requireUsable(key);
    requireSymmetricDefault(input.EncryptionAlgorithm, arnOf(key));
  },
  async handle(input, key, _context, keys) {
    const blob = await keys.encrypt(key, input.Plaintext, input.EncryptionContext);
    return { CiphertextBlob: blob, KeyId: arnOf(key), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
});
