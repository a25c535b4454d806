import { kmsError } from '../errors/catalogue.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface RevokeGrantInput {
  KeyId: string;
  GrantId: string;
}

/** Revoking takes effect at once: the next request the grant would have allowed is refused. */
export const revokeGrant = defineOperation({
  name: 'RevokeGrant',
  readOnly: false,
  resolve: (input: RevokeGrantInput, context, keys) => onKey('kms:RevokeGrant', input.KeyId, 'keyOnly', context, keys),
  async handle(input, key, _context, keys) {
    if (!(await keys.persistence.deleteGrant(key, key.keyId, input.GrantId))) {
      throw kmsError('NotFoundException', `Grant ${input.GrantId} not found.`);
    }
    return {};
  },
});
