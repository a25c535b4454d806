import { type RoleRecord, rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onRole } from './access.js';
import { marker, maxItems, required, roleName } from './shapes.js';
import { pageView } from './views.js';

interface ListRolePoliciesInput {
  readonly RoleName: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export const listRolePolicies = defineQueryOperation({
  service: 'iam',
  name: 'ListRolePolicies',
  readOnly: true,
  input: { RoleName: required(roleName), Marker: marker, MaxItems: maxItems },
  resolve: (input: ListRolePoliciesInput, context, identities) =>
    onRole('iam:ListRolePolicies', input.RoleName, context, identities),
  async handle(input, role: RoleRecord, _context, identities) {
    const page = await identities.listInlinePolicyNames(rolePrincipal(role), {
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
    return pageView('PolicyNames', page, (name) => name);
  },
});
