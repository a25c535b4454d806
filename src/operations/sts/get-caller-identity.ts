import { defineQueryOperation } from '../query/definition.js';

/** Who the caller is. AWS requires no permission for it, and an explicit Deny cannot stop it either. */
export const getCallerIdentity = defineQueryOperation<Record<string, never>, undefined>({
  service: 'sts',
  name: 'GetCallerIdentity',
  readOnly: true,
  input: {},
  async resolve() {
    return { access: [], target: undefined };
  },
  async handle(_input, _target, context) {
    const { caller } = context;
    return { UserId: caller.principalId, Account: caller.accountId, Arn: caller.arn };
  },
});
