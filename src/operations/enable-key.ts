import { enabled } from '../keys/key-state.js';
import { changeKey } from './change-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface EnableKeyInput {
  KeyId: string;
}

export const enableKey = defineOperation({
  name: 'EnableKey',
  readOnly: false,
  resolve: (input: EnableKeyInput, context, keys) => onKey('kms:EnableKey', input.KeyId, 'keyOnly', context, keys),
  async handle(_input, key, _context, keys) {
    await changeKey(keys, key, enabled);
    return {};
  },
});
