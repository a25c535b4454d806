import { changeKey } from './change-key.js';
import { keyAccess } from './conditions.js';
import { defineOperation } from './definition.js';
import { requireDefaultPolicyName } from './policy-name.js';

interface PutKeyPolicyInput {
  KeyId: string;
  PolicyName?: string;
  Policy: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
}

export const putKeyPolicy = defineOperation({
  name: 'PutKeyPolicy',
  readOnly: false,
  async resolve(input: PutKeyPolicyInput, context, keys) {
    requireDefaultPolicyName(input.PolicyName);
    const key = await keys.resolve(context.scope, input.KeyId, 'keyOnly');
    const bypass = input.BypassPolicyLockoutSafetyCheck ?? false;
    const access = keyAccess('kms:PutKeyPolicy', key, { 'kms:BypassPolicyLockoutSafetyCheck': String(bypass) });
    return {
      access: [
        {
          ...access,
          proposedKeyPolicy: { text: input.Policy, keyArn: access.resource, bypassLockoutSafetyCheck: bypass },
        },
      ],
      target: key,
    };
  },
  async handle(input, key, _context, keys) {
    await changeKey(keys, key, (current) => ({ ...current, policy: input.Policy }));
    return {};
  },
});
