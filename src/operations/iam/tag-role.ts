import { rolePrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import type { InputTag } from '../query/input.js';
import { onResource } from './access.js';
import { required, roleName, tags } from './shapes.js';
import { storedTags } from './views.js';

interface TagRoleInput {
  readonly RoleName: string;
  readonly Tags: InputTag[];
}

export const tagRole = defineQueryOperation({
  service: 'iam',
  name: 'TagRole',
  readOnly: false,
  input: { RoleName: required(roleName), Tags: required(tags) },
  async resolve(input: TagRoleInput, context, identities) {
    const role = await identities.requireRole(context.caller.accountId, input.RoleName);
    const newTags = storedTags(input.Tags);
    return onResource('iam:TagRole', role.arn, { principal: rolePrincipal(role), newTags }, newTags);
  },
  async handle(_input, target, _context, identities) {
    await identities.tagPrincipal(target.principal, target.newTags);
    return undefined;
  },
});
