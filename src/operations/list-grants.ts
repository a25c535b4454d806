import { defineOperation } from './definition.js';
import { grantListEntry } from './grant-records.js';
import { onKey } from './on-key.js';
import { page, pageFields } from './paging.js';

interface ListGrantsInput {
  KeyId: string;
  Limit?: number;
  Marker?: string;
  GrantId?: string;
  GranteePrincipal?: string;
}

export const listGrants = defineOperation({
  name: 'ListGrants',
  readOnly: true,
  resolve: (input: ListGrantsInput, context, keys) => onKey('kms:ListGrants', input.KeyId, 'keyOnly', context, keys),
  async handle(input, key, _context, keys) {
    const result = await page(
      input.Limit ?? 50,
      input.Marker,
      (request) =>
        keys.persistence.listGrants(key, key.keyId, request, {
          grantId: input.GrantId,
          granteePrincipal: input.GranteePrincipal,
        }),
      (grant) => grant.grantId,
    );
    return { Grants: result.items.map(grantListEntry), ...pageFields(result) };
  },
});
