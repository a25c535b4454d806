import { type UserOrRoot, userPrincipal } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onResource } from './access.js';
import { existingUserName } from './shapes.js';
import { userView } from './views.js';

interface GetUserInput {
  readonly UserName?: string;
}

export const getUser = defineQueryOperation({
  service: 'iam',
  name: 'GetUser',
  readOnly: true,
  input: { UserName: existingUserName },
  async resolve(input: GetUserInput, context, identities) {
    const subject = await identities.userOrCaller(context.caller, input.UserName);
    return onResource('iam:GetUser', subject.arn, subject);
  },
  async handle(_input, subject: UserOrRoot, _context, identities) {
    if (subject.user !== undefined) {
      return { User: userView(subject.user, await identities.tagsOf(userPrincipal(subject.user))) };
    }
    // The root, as IAM describes it: its account id as UserId, neither a name nor a path.
    const createdAt = await identities.accountCreatedAt(subject.accountId);
    return { User: { UserId: subject.accountId, Arn: subject.arn, CreateDate: new Date(createdAt) } };
  },
});
