import { userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName, policyName, required } from './shapes.js';
import { encodedDocument } from './views.js';

interface GetUserPolicyInput {
  readonly UserName: string;
  readonly PolicyName: string;
}

export const getUserPolicy = defineQueryOperation({
  service: 'iam',
  name: 'GetUserPolicy',
  readOnly: true,
  input: { UserName: required(existingUserName), PolicyName: required(policyName) },
  async resolve(input: GetUserPolicyInput, context, identities) {
    const user = await identities.requireUser(context.caller.accountId, input.UserName);
    const policy = await identities.requireInlinePolicy(userPrincipal(user), input.PolicyName);
    return onResource('iam:GetUserPolicy', user.arn, { user, policy });
  },
  handle: async (_input, { user, policy }) => ({
    UserName: user.userName,
    PolicyName: policy.policyName,
    PolicyDocument: encodedDocument(policy.document),
  }),
});
