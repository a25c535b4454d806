import type { GrantConstraints, GrantRecord } from '../persistence/port.js';
import type { ProposedGrant } from '../shared/proposed-grant.js';

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

function isSuperset(wider: EncryptionContext, narrower: EncryptionContext): boolean {
  return Object.entries(narrower).every(([key, value]) => wider[key] === value);
}

/**
 * Whether every encryption context the child's constraints admit is one the parent's admit: an
 * EncryptionContextEquals parent admits only a child with the same Equals; an EncryptionContextSubset parent
 * admits a child whose Equals or Subset contains every pair of the parent's subset.
 */
function constraintsNoWider(parent: GrantConstraints | null, child: GrantConstraints | null): boolean {
  if (parent === null) return true;
  const { encryptionContextEquals: parentEquals, encryptionContextSubset: parentSubset } = parent;
  const childEquals = child?.encryptionContextEquals;
  const childSubset = child?.encryptionContextSubset;
  if (parentEquals !== undefined && (childEquals === undefined || !sameContext(parentEquals, childEquals)))
    return false;
  if (parentSubset === undefined) return true;
  return (
    (childEquals !== undefined && isSuperset(childEquals, parentSubset)) ||
    (childSubset !== undefined && isSuperset(childSubset, parentSubset))
  );
}

/**
 * A grant allows CreateGrant only for a grant no wider than itself, as AWS requires: the new grant's
 * operations are among the parent's, and its constraints admit no encryption context the parent's do not.
 */
function allowsChild(grant: GrantRecord, proposed: ProposedGrant | undefined): boolean {
  if (proposed === undefined) return false;
  return (
    proposed.operations.every((operation) => grant.operations.includes(operation)) &&
    constraintsNoWider(grant.constraints, proposed.constraints)
  );
}

/**
 * The grant that lets `principalArn` perform `action` on its key with this encryption context, if any: the
 * grantee must be the caller, the grant must list the operation, and its constraints must hold (exact
 * match for EncryptionContextEquals, a subset for EncryptionContextSubset; keys and values case-sensitive).
 * For CreateGrant, the grant asked for must be no wider than the one that allows it.
 */
export function grantThatAllows(
  grants: readonly GrantRecord[],
  principalArn: string,
  action: string,
  encryptionContext: EncryptionContext | undefined,
  proposed?: ProposedGrant,
): GrantRecord | undefined {
  const operation = action.startsWith('kms:') ? action.slice(4) : action;
  return grants.find(
    (grant) =>
      grant.granteePrincipal === principalArn &&
      grant.operations.includes(operation) &&
      constraintsHold(grant.constraints, operation, encryptionContext ?? {}) &&
      (operation !== 'CreateGrant' || allowsChild(grant, proposed)),
  );
}
