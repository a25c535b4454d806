import { arnOf } from '../keys/arn.js';
import { deletionCancelled } from '../keys/key-state.js';
import { changeKey } from './change-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface CancelKeyDeletionInput {
  KeyId: string;
}

export const cancelKeyDeletion = defineOperation({
  name: 'CancelKeyDeletion',
  readOnly: false,
  resolve: (input: CancelKeyDeletionInput, context, keys) =>
    onKey('kms:CancelKeyDeletion', input.KeyId, 'keyOnly', context, keys),
  async handle(_input, key, _context, keys) {
    const updated = await changeKey(keys, key, deletionCancelled);
    return { KeyId: arnOf(updated) };
  },
});
