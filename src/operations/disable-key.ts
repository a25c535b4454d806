import { disabled } from '../keys/key-state.js';
import { changeKey } from './change-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface DisableKeyInput {
  KeyId: string;
}

export const disableKey = defineOperation({
  name: 'DisableKey',
  readOnly: false,
  resolve: (input: DisableKeyInput, context, keys) => onKey('kms:DisableKey', input.KeyId, 'keyOnly', context, keys),
  async handle(_input, key, _context, keys) {
    await changeKey(keys, key, disabled);
    return {};
  },
});
