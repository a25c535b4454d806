import { encryptionContextConditions } from './conditions.js';
import { checkDataKeyRequest, type DataKeyInput, newDataKey } from './data-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

export const generateDataKeyWithoutPlaintext = defineOperation({
  name: 'GenerateDataKeyWithoutPlaintext',
  readOnly: true,
  resolve: (input: DataKeyInput, context, keys) =>
    onKey(
      'kms:GenerateDataKeyWithoutPlaintext',
      input.KeyId,
      'keyOrAlias',
      context,
      keys,
      encryptionContextConditions(input.EncryptionContext),
      input.EncryptionContext,
    ),
  check: checkDataKeyRequest,
  async handle(input, key, _context, keys) {
    const dataKey = await newDataKey(input, key, keys);
    dataKey.plaintext.fill(0);
    return { CiphertextBlob: dataKey.ciphertext, KeyId: dataKey.keyArn };
  },
});
