import { type InlinePolicyRecord, type Principal, userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName, policyName, required } from './shapes.js';

interface DeleteUserPolicyInput {
  readonly UserName: string;
  readonly PolicyName: string;
}

export const deleteUserPolicy = defineQueryOperation({
  service: 'iam',
  name: 'DeleteUserPolicy',
  readOnly: false,
  input: { UserName: required(existingUserName), PolicyName: required(policyName) },
  async resolve(input: DeleteUserPolicyInput, context, identities) {
    const principal = userPrincipal(await identities.requireUser(context.caller.accountId, input.UserName));
    const policy = await identities.requireInlinePolicy(principal, input.PolicyName);
    return onResource('iam:DeleteUserPolicy', principal.arn, { principal, policy });
  },
  async handle(_input, target: { principal: Principal; policy: InlinePolicyRecord }, _context, identities) {
    await identities.deleteInlinePolicy(target.principal, target.policy.policyName);
    return undefined;
  },
});
