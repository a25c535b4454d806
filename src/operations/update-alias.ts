import { kmsError, messages } from '../errors/catalogue.js';
import { aliasArn } from '../keys/arn.js';
import type { KeyRecord } from '../keys/records.js';
import { aliasTargetKey, currentTargetOf, existingAlias } from './alias-target.js';
import { keyAccess } from './conditions.js';
import { defineOperation } from './definition.js';

interface UpdateAliasInput {
  AliasName: string;
  TargetKeyId: string;
}

/** Moving an alias needs kms:UpdateAlias on the alias, on the key it leaves and on the key it joins. */
export const updateAlias = defineOperation({
  name: 'UpdateAlias',
  readOnly: false,
  async resolve(input: UpdateAliasInput, context, keys) {
    const alias = await existingAlias(input.AliasName, context, keys);
    const current = await currentTargetOf(alias, context, keys);
    const key = await aliasTargetKey(input.TargetKeyId, context, keys);
    return {
      access: [
        { action: 'kms:UpdateAlias', resource: aliasArn(context.scope, input.AliasName) },
        keyAccess('kms:UpdateAlias', current),
        keyAccess('kms:UpdateAlias', key),
      ],
      target: key,
    };
  },
  async handle(input, key: KeyRecord, context, keys) {
    const updated = await keys.persistence.updateAlias(context.scope, input.AliasName, key.keyId, keys.now());
    if (!updated) {
      throw kmsError('NotFoundException', messages.aliasNotFound(aliasArn(context.scope, input.AliasName)));
    }
    return {};
  },
});
