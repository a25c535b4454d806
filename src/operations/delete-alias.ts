import { kmsError, messages } from '../errors/catalogue.js';
import { aliasArn } from '../keys/arn.js';
import { currentTargetOf, existingAlias } from './alias-target.js';
import { keyAccess } from './conditions.js';
import { defineOperation } from './definition.js';

interface DeleteAliasInput {
  AliasName: string;
}

export const deleteAlias = defineOperation({
  name: 'DeleteAlias',
  readOnly: false,
  async resolve(input: DeleteAliasInput, context, keys) {
    const alias = await existingAlias(input.AliasName, context, keys);
    const key = await currentTargetOf(alias, context, keys);
    return {
      access: [
        { action: 'kms:DeleteAlias', resource: aliasArn(context.scope, alias.aliasName) },
        keyAccess('kms:DeleteAlias', key),
      ],
      target: undefined,
    };
  },
  async handle(input, _target, context, keys) {
    const deleted = await keys.persistence.deleteAlias(context.scope, input.AliasName);
    if (!deleted) {
      throw kmsError('NotFoundException', messages.aliasNotFound(aliasArn(context.scope, input.AliasName)));
    }
    return {};
  },
});
