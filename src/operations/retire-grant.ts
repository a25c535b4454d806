import { kmsError } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import type { GrantRecord } from '../keys/records.js';
import type { Caller } from '../shared/caller.js';
import { accountWide, defineOperation } from './definition.js';
import { tokenHash } from './grant-records.js';

interface RetireGrantInput {
  GrantToken?: string;
  KeyId?: string;
  GrantId?: string;
}

/** Who may retire a grant, as AWS documents it: its retiring principal, its grantee if the grant allows
 * RetireGrant, or the account that created it. */
function mayRetire(caller: Caller, grant: GrantRecord): boolean {
  return (
    caller.arn === grant.retiringPrincipal ||
    (caller.arn === grant.granteePrincipal && grant.operations.includes('RetireGrant')) ||
    (caller.type === 'Root' && grant.issuingAccount === caller.arn)
  );
}

export const retireGrant = defineOperation({
  name: 'RetireGrant',
  readOnly: false,
  async resolve(input: RetireGrantInput, context, keys) {
    let grant: GrantRecord | undefined;
    if (input.GrantToken !== undefined) {
      grant = await keys.persistence.findGrantByTokenHash(tokenHash(input.GrantToken));
      if (!grant) throw kmsError('InvalidGrantTokenException', 'The grant token is not valid.');
    } else if (input.KeyId !== undefined && input.GrantId !== undefined) {
      const key = await keys.resolve(context.scope, input.KeyId, 'keyOnly');
      [grant] = await keys.persistence.listGrants(key, key.keyId, { limit: 1 }, { grantId: input.GrantId });
      if (!grant) throw kmsError('NotFoundException', `Grant ${input.GrantId} not found.`);
    } else {
      throw kmsError('ValidationException', 'Specify either GrantToken, or KeyId and GrantId.');
    }
    // The grant itself says who may retire it, whatever the key policy says (as in AWS): decided here,
    // before a DryRun could answer for someone who may not.
    if (!mayRetire(context.caller, grant)) {
      throw kmsError(
        'AccessDeniedException',
        `User: ${context.caller.arn} is not authorized to perform: kms:RetireGrant on resource: ${arnOf(grant)}`,
      );
    }
    return { ...accountWide('kms:RetireGrant'), target: grant, resources: [arnOf(grant)] };
  },
  async handle(_input, grant: GrantRecord, _context, keys) {
    await keys.persistence.deleteGrant(grant, grant.keyId, grant.grantId);
    return {};
  },
});
