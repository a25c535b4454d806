import { requireNotPendingDeletion } from '../keys/key-state.js';
import type { Tag } from '../keys/records.js';
import { checkNewTags, MAX_TAGS_PER_KEY, tooManyTags } from '../keys/tags.js';
import { requestTagConditions } from './conditions.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface TagResourceInput {
  KeyId: string;
  Tags: Tag[];
}

export const tagResource = defineOperation({
  name: 'TagResource',
  readOnly: false,
  resolve: (input: TagResourceInput, context, keys) =>
    onKey('kms:TagResource', input.KeyId, 'keyOnly', context, keys, requestTagConditions(input.Tags)),
  async handle(input, key, _context, keys) {
    requireNotPendingDeletion(key);
    checkNewTags(input.Tags);
    const stored = await keys.persistence.putTags(key, key.keyId, input.Tags, MAX_TAGS_PER_KEY);
    if (!stored) throw tooManyTags();
    return {};
  },
});
