import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface ListKeyPoliciesInput {
  KeyId: string;
  Limit?: number;
  Marker?: string;
}

/** Every key has exactly one key policy, named `default`. */
export const listKeyPolicies = defineOperation({
  name: 'ListKeyPolicies',
  readOnly: true,
  resolve: (input: ListKeyPoliciesInput, context, keys) =>
    onKey('kms:ListKeyPolicies', input.KeyId, 'keyOnly', context, keys),
  handle: async () => ({ PolicyNames: ['default'], Truncated: false }),
});
