import { kmsError } from '../errors/catalogue.js';
import { checkAliasName } from '../keys/aliases.js';
import { aliasArn } from '../keys/arn.js';
import type { KeyRecord } from '../keys/records.js';
import { aliasTargetKey } from './alias-target.js';
import { keyAccess } from './conditions.js';
import { defineOperation } from './definition.js';

interface CreateAliasInput {
  AliasName: string;
  TargetKeyId: string;
}

export const createAlias = defineOperation({
  name: 'CreateAlias',
  readOnly: false,
  async resolve(input: CreateAliasInput, context, keys) {
    checkAliasName(input.AliasName);
    const key = await aliasTargetKey(input.TargetKeyId, context, keys);
    return {
      access: [
        { action: 'kms:CreateAlias', resource: aliasArn(context.scope, input.AliasName) },
        keyAccess('kms:CreateAlias', key),
      ],
      target: key,
    };
  },
  async handle(input, key: KeyRecord, context, keys) {
    const now = keys.now();
    const created = await keys.persistence.insertAlias({
      accountId: context.scope.accountId,
      region: context.scope.region,
      aliasName: input.AliasName,
      targetKeyId: key.keyId,
      createdAt: now,
      updatedAt: now,
    });
    if (!created) {
      throw kmsError(
        'AlreadyExistsException',
        `An alias with the name ${aliasArn(context.scope, input.AliasName)} already exists`,
      );
    }
    return {};
  },
});
