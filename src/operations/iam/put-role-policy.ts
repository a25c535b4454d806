import { type Principal, rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { policyDocument, policyName, required, roleName } from './shapes.js';

interface PutRolePolicyInput {
  readonly RoleName: string;
  readonly PolicyName: string;
  readonly PolicyDocument: string;
}

export const putRolePolicy = defineQueryOperation({
  service: 'iam',
  name: 'PutRolePolicy',
  readOnly: false,
  input: {
    RoleName: required(roleName),
    PolicyName: required(policyName),
    PolicyDocument: required(policyDocument),
  },
  async resolve(input: PutRolePolicyInput, context, identities) {
    const role = await identities.requireRole(context.caller.accountId, input.RoleName);
    return onResource('iam:PutRolePolicy', role.arn, rolePrincipal(role));
  },
  async handle(input, principal: Principal, _context, identities) {
    await identities.putInlinePolicy(principal, input.PolicyName, input.PolicyDocument);
    return undefined;
  },
});
