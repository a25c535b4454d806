import type { UserRecord } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import { onUser } from './access.js';
import { existingUserName, required } from './shapes.js';

interface DeleteUserInput {
  readonly UserName: string;
}

export const deleteUser = defineQueryOperation({
  service: 'iam',
  name: 'DeleteUser',
  readOnly: false,
  input: { UserName: required(existingUserName) },
  resolve: (input: DeleteUserInput, context, identities) =>
    onUser('iam:DeleteUser', input.UserName, context, identities),
  async handle(_input, user: UserRecord, _context, identities) {
    await identities.deleteUser(user);
    return undefined;
  },
});
