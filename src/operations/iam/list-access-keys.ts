import type { UserOrRoot } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName, marker, maxItems } from './shapes.js';
import { accessKeyView, pageView } from './views.js';

interface ListAccessKeysInput {
  readonly UserName?: string;
  readonly Marker?: string;
  readonly MaxItems?: number;
}

export const listAccessKeys = defineQueryOperation({
  service: 'iam',
  name: 'ListAccessKeys',
  readOnly: true,
  input: { UserName: existingUserName, Marker: marker, MaxItems: maxItems },
  async resolve(input: ListAccessKeysInput, context, identities) {
    const owner = await identities.userOrCaller(context.caller, input.UserName);
    return onResource('iam:ListAccessKeys', owner.arn, owner);
  },
  async handle(input, owner: UserOrRoot, _context, identities) {
    const page = await identities.listAccessKeys(owner, { marker: input.Marker, maxItems: input.MaxItems });
    return pageView('AccessKeyMetadata', page, (accessKey) => accessKeyView(owner, accessKey));
  },
});
