import { kmsError } from '../errors/catalogue.js';
import { refuseRecipient } from './data-key.js';
import { accountWide, defineOperation } from './definition.js';

interface GenerateRandomInput {
  NumberOfBytes?: number;
  CustomKeyStoreId?: string;
  Recipient?: unknown;
}

export const generateRandom = defineOperation({
  name: 'GenerateRandom',
  readOnly: true,
  resolve: async () => accountWide('kms:GenerateRandom'),
  async handle(input: GenerateRandomInput, _target, _context, keys) {
    refuseRecipient(input);
    if (input.CustomKeyStoreId !== undefined) {
      throw kmsError('UnsupportedOperationException', 'Custom key stores are not supported by Trent yet.');
    }
    if (input.NumberOfBytes === undefined) {
      throw kmsError('ValidationException', 'NumberOfBytes is required.');
    }
    return { Plaintext: keys.randomBytes(input.NumberOfBytes) };
  },
});
