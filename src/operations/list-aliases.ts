import { aliasArn } from '../keys/arn.js';
import { epochSeconds } from '../keys/key-metadata.js';
import type { AliasRecord } from '../keys/records.js';
import { accountWide, defineOperation } from './definition.js';
import { page, pageFields } from './paging.js';

interface ListAliasesInput {
  KeyId?: string;
  Limit?: number;
  Marker?: string;
}

function aliasListEntry(alias: AliasRecord) {
  return {
    AliasName: alias.aliasName,
    AliasArn: aliasArn(alias, alias.aliasName),
    TargetKeyId: alias.targetKeyId,
    CreationDate: epochSeconds(alias.createdAt),
    LastUpdatedDate: epochSeconds(alias.updatedAt),
  };
}

export const listAliases = defineOperation({
  name: 'ListAliases',
  readOnly: true,
  resolve: async () => accountWide('kms:ListAliases'),
  async handle(input: ListAliasesInput, _target, context, keys) {
    const keyId =
      input.KeyId === undefined ? undefined : (await keys.resolve(context.scope, input.KeyId, 'keyOnly')).keyId;
    const result = await page(
      input.Limit ?? 50,
      input.Marker,
      (request) => keys.persistence.listAliases(context.scope, request, keyId),
      (alias) => alias.aliasName,
    );
    return { Aliases: result.items.map(aliasListEntry), ...pageFields(result) };
  },
});
