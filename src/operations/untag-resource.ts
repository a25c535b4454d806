import { requireNotPendingDeletion } from '../keys/key-state.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface UntagResourceInput {
  KeyId: string;
  TagKeys: string[];
}

export const untagResource = defineOperation({
  name: 'UntagResource',
  readOnly: false,
  resolve: (input: UntagResourceInput, context, keys) =>
    onKey('kms:UntagResource', input.KeyId, 'keyOnly', context, keys, { 'aws:TagKeys': input.TagKeys }),
  async handle(input, key, _context, keys) {
    requireNotPendingDeletion(key);
    await keys.persistence.removeTags(key, key.keyId, input.TagKeys);
    return {};
  },
});
