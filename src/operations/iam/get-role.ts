import { type RoleRecord, rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onRole } from './access.js';
import { required, roleName } from './shapes.js';
import { roleView } from './views.js';

interface GetRoleInput {
  readonly RoleName: string;
}

export const getRole = defineQueryOperation({
  service: 'iam',
  name: 'GetRole',
  readOnly: true,
  input: { RoleName: required(roleName) },
  resolve: (input: GetRoleInput, context, identities) => onRole('iam:GetRole', input.RoleName, context, identities),
  handle: async (_input, role: RoleRecord, _context, identities) => ({
    Role: roleView(role, await identities.tagsOf(rolePrincipal(role))),
  }),
});
