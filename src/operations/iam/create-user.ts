import { DEFAULT_PATH, type Tag } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import type { InputTag } from '../query/input.js';
import { onResource } from './access.js';
import { path, permissionsBoundary, required, tags, userName } from './shapes.js';
import { storedTags, userView } from './views.js';

interface CreateUserInput {
  readonly UserName: string;
  readonly Path?: string;
  readonly Tags?: InputTag[];
}

export const createUser = defineQueryOperation({
  service: 'iam',
  name: 'CreateUser',
  readOnly: false,
  input: { Path: path, UserName: required(userName), PermissionsBoundary: permissionsBoundary, Tags: tags },
  async resolve(input: CreateUserInput, context, identities) {
    const newTags = storedTags(input.Tags);
    const arn = identities.userArn(context.caller.accountId, input.Path ?? DEFAULT_PATH, input.UserName);
    return onResource('iam:CreateUser', arn, newTags, newTags);
  },
  async handle(input, newTags: Tag[], context, identities) {
    const user = await identities.createUser(context.caller.accountId, {
      userName: input.UserName,
      path: input.Path,
      tags: newTags,
    });
    return { User: userView(user, newTags) };
  },
});
