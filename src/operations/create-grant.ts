import { kmsError } from '../errors/catalogue.js';
import { requireNotPendingDeletion } from '../keys/key-state.js';
import type { GrantRecord, KeyRecord } from '../keys/records.js';
import { keyAccess } from './conditions.js';
import { defineOperation } from './definition.js';
import { type ConstraintsInput, constraintsOf, tokenHash } from './grant-records.js';

interface CreateGrantInput {
  KeyId: string;
  GranteePrincipal: string;
  RetiringPrincipal?: string;
  Operations: string[];
  Constraints?: ConstraintsInput;
  Name?: string;
}

/** AWS's limit of grants per key. */
export const MAX_GRANTS_PER_KEY = 50_000;

/** What a grant on a symmetric encryption key may allow; the asymmetric and HMAC operations may not. */
const SYMMETRIC_GRANT_OPERATIONS = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
]);

const PRINCIPAL = /^arn:aws:(iam|sts)::\d{12}:(root|user\/.+|role\/.+|assumed-role\/.+)$/;

function checkRequest(input: CreateGrantInput): void {
  for (const principal of [input.GranteePrincipal, input.RetiringPrincipal]) {
    if (principal !== undefined && !PRINCIPAL.test(principal)) {
      throw kmsError('ValidationException', `${principal} is not a valid principal ARN.`);
    }
  }
  const invalid = input.Operations.filter((operation) => !SYMMETRIC_GRANT_OPERATIONS.has(operation));
  if (invalid.length > 0) {
    throw kmsError(
      'ValidationException',
      `Grant operations ${invalid.join(', ')} are not valid for a symmetric encryption key.`,
    );
  }
}

function sameGrant(grant: GrantRecord, input: CreateGrantInput): boolean {
  return (
    grant.granteePrincipal === input.GranteePrincipal &&
    grant.retiringPrincipal === (input.RetiringPrincipal ?? null) &&
    JSON.stringify([...grant.operations].sort()) === JSON.stringify([...input.Operations].sort()) &&
    JSON.stringify(grant.constraints) === JSON.stringify(constraintsOf(input.Constraints))
  );
}

export const createGrant = defineOperation({
  name: 'CreateGrant',
  readOnly: false,
  async resolve(input: CreateGrantInput, context, keys) {
    const key = await keys.resolve(context.scope, input.KeyId, 'keyOnly');
    const access = keyAccess('kms:CreateGrant', key, {
      'kms:GrantOperations': input.Operations,
      'kms:GranteePrincipal': input.GranteePrincipal,
      'kms:RetiringPrincipal': input.RetiringPrincipal,
      'kms:GrantIsForAWSResource': 'false',
    });
    const proposedGrant = { operations: input.Operations, constraints: constraintsOf(input.Constraints) };
    return { access: [{ ...access, grantable: { key, proposedGrant } }], target: key };
  },
  check(input, key: KeyRecord) {
    checkRequest(input);
    requireNotPendingDeletion(key);
  },
  async handle(input, key: KeyRecord, context, keys) {
    const token = keys.randomBytes(32).toString('base64url');
    if (input.Name !== undefined) {
      // Name makes CreateGrant idempotent: the same request again names the grant it made (with a new token).
      const existing = await keys.persistence.listGrants(key, key.keyId, { limit: MAX_GRANTS_PER_KEY });
      const same = existing.find((grant) => grant.name === input.Name && sameGrant(grant, input));
      if (same) return { GrantId: same.grantId };
    }
    const grantId = keys.randomBytes(32).toString('hex');
    const stored = await keys.persistence.insertGrant(
      {
        grantId,
        accountId: key.accountId,
        region: key.region,
        keyId: key.keyId,
        name: input.Name ?? null,
        granteePrincipal: input.GranteePrincipal,
        retiringPrincipal: input.RetiringPrincipal ?? null,
        issuingAccount: `arn:aws:iam::${context.caller.accountId}:root`,
        operations: input.Operations,
        constraints: constraintsOf(input.Constraints),
        tokenHash: tokenHash(token),
        createdAt: keys.now(),
      },
      MAX_GRANTS_PER_KEY,
    );
    if (!stored) throw kmsError('LimitExceededException', `A key can have at most ${MAX_GRANTS_PER_KEY} grants.`);
    return { GrantToken: token, GrantId: grantId };
  },
});
