import { userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import type { InputTag } from '../query/input.js';
import { onResource } from './access.js';
import { existingUserName, required, tags } from './shapes.js';
import { storedTags } from './views.js';

interface TagUserInput {
  readonly UserName: string;
  readonly Tags: InputTag[];
}

export const tagUser = defineQueryOperation({
  service: 'iam',
  name: 'TagUser',
  readOnly: false,
  input: { UserName: required(existingUserName), Tags: required(tags) },
  async resolve(input: TagUserInput, context, identities) {
    const user = await identities.requireUser(context.caller.accountId, input.UserName);
    const newTags = storedTags(input.Tags);
    return onResource('iam:TagUser', user.arn, { principal: userPrincipal(user), newTags }, newTags);
  },
  async handle(_input, target, _context, identities) {
    await identities.tagPrincipal(target.principal, target.newTags);
    return undefined;
  },
});
