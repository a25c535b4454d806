import type { UserOrRoot } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName } from './shapes.js';
import { accessKeyView } from './views.js';

interface CreateAccessKeyInput {
  readonly UserName?: string;
}

export const createAccessKey = defineQueryOperation({
  service: 'iam',
  name: 'CreateAccessKey',
  readOnly: false,
  input: { UserName: existingUserName },
  async resolve(input: CreateAccessKeyInput, context, identities) {
    const owner = await identities.userOrCaller(context.caller, input.UserName);
    return onResource('iam:CreateAccessKey', owner.arn, owner);
  },
  async handle(_input, owner: UserOrRoot, _context, identities) {
    const created = await identities.createAccessKey(owner);
    // The one response that carries the secret: it is never stored or shown again.
    const { UserName, AccessKeyId, Status, CreateDate } = accessKeyView(owner, created.accessKey);
    return { AccessKey: { UserName, AccessKeyId, Status, SecretAccessKey: created.secretAccessKey, CreateDate } };
  },
});
