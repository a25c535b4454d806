import { arnOf } from '../keys/arn.js';
import { accountWide, defineOperation } from './definition.js';
import { page, pageFields } from './paging.js';

interface ListKeysInput {
  Limit?: number;
  Marker?: string;
}

export const listKeys = defineOperation({
  name: 'ListKeys',
  readOnly: true,
  resolve: async () => accountWide('kms:ListKeys'),
  async handle(input: ListKeysInput, _target, context, keys) {
    const result = await page(
      input.Limit ?? 100,
      input.Marker,
      (request) => keys.persistence.listKeys(context.scope, request),
      (key) => key.keyId,
    );
    return {
      Keys: result.items.map((key) => ({ KeyId: key.keyId, KeyArn: arnOf(key) })),
      ...pageFields(result),
    };
  },
});
