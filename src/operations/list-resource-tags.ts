import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';
import { page, pageFields } from './paging.js';

interface ListResourceTagsInput {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

export const listResourceTags = defineOperation({
  name: 'ListResourceTags',
  readOnly: true,
  resolve: (input: ListResourceTagsInput, context, keys) =>
    onKey('kms:ListResourceTags', input.KeyId, 'keyOnly', context, keys),
  async handle(input, key, _context, keys) {
    const result = await page(
      input.Limit ?? 50,
      input.Marker,
      (request) => keys.persistence.listTags(key, key.keyId, request),
      (tag) => tag.TagKey,
    );
    return { Tags: result.items, ...pageFields(result) };
  },
});
