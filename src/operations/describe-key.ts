import { keyMetadata } from '../keys/key-metadata.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface DescribeKeyInput {
  KeyId: string;
}

export const describeKey = defineOperation({
  name: 'DescribeKey',
  readOnly: true,
  resolve: (input: DescribeKeyInput, context, keys) =>
    onKey('kms:DescribeKey', input.KeyId, 'keyOrAlias', context, keys),
  handle: async (_input, key) => ({ KeyMetadata: keyMetadata(key) }),
});
