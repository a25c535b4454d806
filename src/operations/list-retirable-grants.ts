import { kmsError } from '../errors/catalogue.js';
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
  // As in AWS: the retiring principal must be of the caller's account; its grants come from any account.
  async resolve(input: ListRetirableGrantsInput, context) {
    if (input.RetiringPrincipal.split(':')[4] !== context.caller.accountId) {
      throw kmsError(
        'AccessDeniedException',
        `User: ${context.caller.arn} is not authorized to perform: kms:ListRetirableGrants for ${input.RetiringPrincipal}`,
      );
    }
    return accountWide('kms:ListRetirableGrants');
  },
  async handle(input: ListRetirableGrantsInput, _target, _context, keys) {
    const result = await page(
      input.Limit ?? 50,
      input.Marker,
      (request) => keys.persistence.listRetirableGrants(input.RetiringPrincipal, request),
      (grant) => grant.grantId,
    );
    return { Grants: result.items.map(grantListEntry), ...pageFields(result) };
  },
});
