import { queryError } from '../../errors/catalogue.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { accessKeyId, existingUserName, required } from './shapes.js';

interface UpdateAccessKeyInput {
  readonly UserName?: string;
  readonly AccessKeyId: string;
  readonly Status: 'Active' | 'Inactive' | 'Expired';
}

export const updateAccessKey = defineQueryOperation({
  service: 'iam',
  name: 'UpdateAccessKey',
  readOnly: false,
  input: {
    UserName: existingUserName,
    AccessKeyId: required(accessKeyId),
    Status: { kind: 'string', required: true, enum: ['Active', 'Inactive', 'Expired'] },
  },
  async resolve(input: UpdateAccessKeyInput, context, identities) {
    // The model lists Expired, but a long-term key is either in use or not: Trent keeps those two states.
    const status = input.Status;
    if (status === 'Expired') {
      throw queryError('InvalidInput', 'Trent supports the access key statuses Active and Inactive, not Expired.');
    }
    const owner = await identities.userOrCaller(context.caller, input.UserName);
    await identities.requireAccessKey(owner, input.AccessKeyId);
    return onResource('iam:UpdateAccessKey', owner.arn, { owner, status });
  },
  async handle(input, { owner, status }, _context, identities) {
    await identities.updateAccessKey(owner, input.AccessKeyId, status);
    return undefined;
  },
});
