import { type Principal, userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName, policyDocument, policyName, required } from './shapes.js';

interface PutUserPolicyInput {
  readonly UserName: string;
  readonly PolicyName: string;
  readonly PolicyDocument: string;
}

export const putUserPolicy = defineQueryOperation({
  service: 'iam',
  name: 'PutUserPolicy',
  readOnly: false,
  input: {
    UserName: required(existingUserName),
    PolicyName: required(policyName),
    PolicyDocument: required(policyDocument),
  },
  async resolve(input: PutUserPolicyInput, context, identities) {
    const user = await identities.requireUser(context.caller.accountId, input.UserName);
    return onResource('iam:PutUserPolicy', user.arn, userPrincipal(user));
  },
  async handle(input, principal: Principal, _context, identities) {
    await identities.putInlinePolicy(principal, input.PolicyName, input.PolicyDocument);
    return undefined;
  },
});
