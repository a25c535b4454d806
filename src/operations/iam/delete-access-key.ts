import type { UserOrRoot } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { accessKeyId, existingUserName, required } from './shapes.js';

interface DeleteAccessKeyInput {
  readonly UserName?: string;
  readonly AccessKeyId: string;
}

export const deleteAccessKey = defineQueryOperation({
  service: 'iam',
  name: 'DeleteAccessKey',
  readOnly: false,
  input: { UserName: existingUserName, AccessKeyId: required(accessKeyId) },
  async resolve(input: DeleteAccessKeyInput, context, identities) {
    const owner = await identities.userOrCaller(context.caller, input.UserName);
    await identities.requireAccessKey(owner, input.AccessKeyId);
    return onResource('iam:DeleteAccessKey', owner.arn, owner);
  },
  async handle(input, owner: UserOrRoot, _context, identities) {
    await identities.deleteAccessKey(owner, input.AccessKeyId);
    return undefined;
  },
});
