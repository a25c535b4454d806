import type { RoleRecord } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onRole } from './access.js';
import { policyDocument, required, roleName } from './shapes.js';

interface UpdateAssumeRolePolicyInput {
  readonly RoleName: string;
  readonly PolicyDocument: string;
}

export const updateAssumeRolePolicy = defineQueryOperation({
  service: 'iam',
  name: 'UpdateAssumeRolePolicy',
  readOnly: false,
  input: { RoleName: required(roleName), PolicyDocument: required(policyDocument) },
  resolve: (input: UpdateAssumeRolePolicyInput, context, identities) =>
    onRole('iam:UpdateAssumeRolePolicy', input.RoleName, context, identities),
  async handle(input, role: RoleRecord, _context, identities) {
    await identities.updateTrustPolicy(role, input.PolicyDocument);
    return undefined;
  },
});
