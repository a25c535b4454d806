import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { marker, maxItems, pathPrefix } from './shapes.js';
import { pageView, roleView } from './views.js';

interface ListRolesInput {
  readonly PathPrefix?: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export const listRoles = defineQueryOperation({
  service: 'iam',
  name: 'ListRoles',
  readOnly: true,
  input: { PathPrefix: pathPrefix, Marker: marker, MaxItems: maxItems },
  resolve: async (_input: ListRolesInput) => onResource('iam:ListRoles', '*', undefined),
  async handle(input, _target, context, identities) {
    const page = await identities.listRoles(context.caller.accountId, input.PathPrefix, {
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
    // IAM's list operations leave tags out; GetRole returns them.
    return pageView('Roles', page, (role) => roleView(role));
  },
});
