import { accountWide, defineOperation } from './definition.js';
import { grantListEntry } from './grant-records.js';
import { page, pageFields } from './paging.js';

interface ListRetirableGrantsInput {
  RetiringPrincipal: string;
  Limit?: number;
  Marker?: string;
}

export const listRetirableGrants = defineOperation({
  name: 'ListRetirableGrants',
  readOnly: true,
  resolve: async () => accountWide('kms:ListRetirableGrants'),
  async handle(input: ListRetirableGrantsInput, _target, context, keys) {
    const result = await page(
      input.Limit ?? 50,
      input.Marker,
      async (request) =>
        (await keys.persistence.listRetirableGrants(input.RetiringPrincipal, request)).filter(
          (grant) => grant.accountId === context.scope.accountId,
        ),
      (grant) => grant.grantId,
    );
    return { Grants: result.items.map(grantListEntry), ...pageFields(result) };
  },
});
