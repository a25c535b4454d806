import { checkDataKeyRequest, newDataKey, onDataKey } from './data-key.js';
import { defineOperation } from './definition.js';

export const generateDataKeyWithoutPlaintext = defineOperation({
  name: 'GenerateDataKeyWithoutPlaintext',
  readOnly: true,
  resolve: onDataKey('kms:GenerateDataKeyWithoutPlaintext'),
  check: checkDataKeyRequest,
  async handle(input, key, _context, keys) {
    const dataKey = await newDataKey(input, key, keys);
    dataKey.plaintext.fill(0);
    return { CiphertextBlob: dataKey.ciphertext, KeyId: dataKey.keyArn };
  },
});
