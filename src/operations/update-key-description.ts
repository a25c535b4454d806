import { requireNotPendingDeletion } from '../keys/key-state.js';
import { changeKey } from './change-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface UpdateKeyDescriptionInput {
  KeyId: string;
  Description: string;
}

export const updateKeyDescription = defineOperation({
  name: 'UpdateKeyDescription',
  readOnly: false,
  resolve: (input: UpdateKeyDescriptionInput, context, keys) =>
    onKey('kms:UpdateKeyDescription', input.KeyId, 'keyOnly', context, keys),
  async handle(input, key, _context, keys) {
    await changeKey(keys, key, (current) => {
      requireNotPendingDeletion(current);
      return { ...current, description: input.Description };
    });
    return {};
  },
});
