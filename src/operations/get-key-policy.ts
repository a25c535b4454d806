import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';
import { requireDefaultPolicyName } from './policy-name.js';

interface GetKeyPolicyInput {
  KeyId: string;
  PolicyName?: string;
}

export const getKeyPolicy = defineOperation({
  name: 'GetKeyPolicy',
  readOnly: true,
  async resolve(input: GetKeyPolicyInput, context, keys) {
    requireDefaultPolicyName(input.PolicyName);
    return onKey('kms:GetKeyPolicy', input.KeyId, 'keyOnly', context, keys);
  },
  handle: async (_input, key) => ({ Policy: key.policy, PolicyName: 'default' }),
});
