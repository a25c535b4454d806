import type { GrantConstraints, GrantRecord } from '../persistence/port.js';

type EncryptionContext = Readonly<Record<string, string>>;

/** The operations that take an encryption context: grant constraints apply to these only, as in AWS. */
const CONTEXT_OPERATIONS = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

function sameContext(a: EncryptionContext, b: EncryptionContext): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function constraintsHold(constraints: GrantConstraints | null, operation: string, context: EncryptionContext): boolean {
  if (constraints === null || !CONTEXT_OPERATIONS.has(operation)) return true;
  const { encryptionContextEquals: equals, encryptionContextSubset: subset } = constraints;
  if (equals !== undefined && !sameContext(equals, context)) return false;
  if (subset !== undefined && !Object.entries(subset).every(([key, value]) => context[key] === value)) return false;
  return true;
}

/**
 * CreateGrant through a grant would let a grantee mint itself wider grants unless every new grant were
 * checked to be no wider than its parent (AWS's rule). Until that check exists, grants do not allow
 * CreateGrant at all: it fails closed.
 */
const NOT_GRANTABLE_YET = new Set(['CreateGrant']);

/**
 * The grant that lets `principalArn` perform `action` on its key with this encryption context, if any: the
 * grantee must be the caller, the grant must list the operation, and its constraints must hold (exact
 * match for EncryptionContextEquals, a subset for EncryptionContextSubset; keys and values case-sensitive).
 */
export function grantThatAllows(
  grants: readonly GrantRecord[],
  principalArn: string,
  action: string,
  encryptionContext: EncryptionContext | undefined,
): GrantRecord | undefined {
  const operation = action.startsWith('kms:') ? action.slice(4) : action;
  if (NOT_GRANTABLE_YET.has(operation)) return undefined;
  return grants.find(
    (grant) =>
      grant.granteePrincipal === principalArn &&
      grant.operations.includes(operation) &&
      constraintsHold(grant.constraints, operation, encryptionContext ?? {}),
  );
}
