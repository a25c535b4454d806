import { rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { policyName, required, roleName } from './shapes.js';
import { encodedDocument } from './views.js';

interface GetRolePolicyInput {
  readonly RoleName: string;
  readonly PolicyName: string;
}

export const getRolePolicy = defineQueryOperation({
  service: 'iam',
  name: 'GetRolePolicy',
  readOnly: true,
  input: { RoleName: required(roleName), PolicyName: required(policyName) },
  async resolve(input: GetRolePolicyInput, context, identities) {
    const role = await identities.requireRole(context.caller.accountId, input.RoleName);
    const policy = await identities.requireInlinePolicy(rolePrincipal(role), input.PolicyName);
    return onResource('iam:GetRolePolicy', role.arn, { role, policy });
  },
  handle: async (_input, { role, policy }) => ({
    RoleName: role.roleName,
    PolicyName: policy.policyName,
    PolicyDocument: encodedDocument(policy.document),
  }),
});
