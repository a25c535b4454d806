import { checkDataKeyRequest, newDataKey, onDataKey } from './data-key.js';
import { defineOperation } from './definition.js';

export const generateDataKey = defineOperation({
  name: 'GenerateDataKey',
  readOnly: true,
  resolve: onDataKey('kms:GenerateDataKey'),
  check: checkDataKeyRequest,
  async handle(input, key, _context, keys) {
    const dataKey = await newDataKey(input, key, keys);
    return { CiphertextBlob: dataKey.ciphertext, Plaintext: dataKey.plaintext, KeyId: dataKey.keyArn };
  },
});
