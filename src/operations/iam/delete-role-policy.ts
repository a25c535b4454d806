import { type InlinePolicyRecord, type Principal, rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { policyName, required, roleName } from './shapes.js';

interface DeleteRolePolicyInput {
  readonly RoleName: string;
  readonly PolicyName: string;
}

export const deleteRolePolicy = defineQueryOperation({
  service: 'iam',
  name: 'DeleteRolePolicy',
  readOnly: false,
  input: { RoleName: required(roleName), PolicyName: required(policyName) },
  async resolve(input: DeleteRolePolicyInput, context, identities) {
    const principal = rolePrincipal(await identities.requireRole(context.caller.accountId, input.RoleName));
    const policy = await identities.requireInlinePolicy(principal, input.PolicyName);
    return onResource('iam:DeleteRolePolicy', principal.arn, { principal, policy });
  },
  async handle(_input, target: { principal: Principal; policy: InlinePolicyRecord }, _context, identities) {
    await identities.deleteInlinePolicy(target.principal, target.policy.policyName);
    return undefined;
  },
});
