import { createHash } from 'node:crypto';
import { arnOf } from '../keys/arn.js';
import { epochSeconds } from '../keys/key-metadata.js';
import type { GrantConstraints, GrantRecord } from '../keys/records.js';

export interface ConstraintsInput {
  EncryptionContextSubset?: Record<string, string>;
  EncryptionContextEquals?: Record<string, string>;
}

/** Grant tokens are bearer secrets: only their SHA-256 is stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function constraintsOf(input: ConstraintsInput | undefined): GrantConstraints | null {
  if (input === undefined) return null;
  return {
    ...(input.EncryptionContextEquals ? { encryptionContextEquals: input.EncryptionContextEquals } : {}),
    ...(input.EncryptionContextSubset ? { encryptionContextSubset: input.EncryptionContextSubset } : {}),
  };
}

/** A GrantListEntry as ListGrants and ListRetirableGrants return it. */
export function grantListEntry(grant: GrantRecord) {
  const constraints = grant.constraints && {
    EncryptionContextEquals: grant.constraints.encryptionContextEquals,
    EncryptionContextSubset: grant.constraints.encryptionContextSubset,
  };
  return {
    KeyId: arnOf(grant),
    GrantId: grant.grantId,
    Name: grant.name ?? undefined,
    CreationDate: epochSeconds(grant.createdAt),
    GranteePrincipal: grant.granteePrincipal,
    RetiringPrincipal: grant.retiringPrincipal ?? undefined,
    IssuingAccount: grant.issuingAccount,
    Operations: grant.operations,
    Constraints: constraints ?? undefined,
  };
}
