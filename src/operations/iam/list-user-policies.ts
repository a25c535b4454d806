import { type UserRecord, userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onUser } from './access.js';
import { existingUserName, marker, maxItems, required } from './shapes.js';
import { pageView } from './views.js';

interface ListUserPoliciesInput {
  readonly UserName: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export const listUserPolicies = defineQueryOperation({
  service: 'iam',
  name: 'ListUserPolicies',
  readOnly: true,
  input: { UserName: required(existingUserName), Marker: marker, MaxItems: maxItems },
  resolve: (input: ListUserPoliciesInput, context, identities) =>
    onUser('iam:ListUserPolicies', input.UserName, context, identities),
  async handle(input, user: UserRecord, _context, identities) {
    const page = await identities.listInlinePolicyNames(userPrincipal(user), {
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
    return pageView('PolicyNames', page, (name) => name);
  },
});
