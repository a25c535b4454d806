import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { marker, maxItems, pathPrefix } from './shapes.js';
import { pageView, userView } from './views.js';

interface ListUsersInput {
  readonly PathPrefix?: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export const listUsers = defineQueryOperation({
  service: 'iam',
  name: 'ListUsers',
  readOnly: true,
  input: { PathPrefix: pathPrefix, Marker: marker, MaxItems: maxItems },
  resolve: async (_input: ListUsersInput) => onResource('iam:ListUsers', '*', undefined),
  async handle(input, _target, context, identities) {
    const page = await identities.listUsers(context.caller.accountId, input.PathPrefix, {
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
    // IAM's list operations leave tags out; GetUser returns them.
    return pageView('Users', page, (user) => userView(user));
  },
});
