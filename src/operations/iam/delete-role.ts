import type { RoleRecord } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onRole } from './access.js';
import { required, roleName } from './shapes.js';

interface DeleteRoleInput {
  readonly RoleName: string;
}

export const deleteRole = defineQueryOperation({
  service: 'iam',
  name: 'DeleteRole',
  readOnly: false,
  input: { RoleName: required(roleName) },
  resolve: (input: DeleteRoleInput, context, identities) =>
    onRole('iam:DeleteRole', input.RoleName, context, identities),
  async handle(_input, role: RoleRecord, _context, identities) {
    await identities.deleteRole(role);
    return undefined;
  },
});
