import type { Caller } from '../shared/caller.js';

/** One action on one resource ARN ('*' for operations without a resource). */
export interface AccessCheck {
  readonly action: string;
  readonly resource: string;
}

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'no-resource-policy-allows' | 'no-identity-policy-allows' };

function accountOfArn(arn: string): string | undefined {
  return arn.split(':')[4];
}

/**
 * The authorization decision, a pure function that fails closed.
 *
 * Today every key carries AWS's default key policy (the account root may kms:*, which delegates to the
 * account's identity policies) and the only principals are account roots, which hold every permission in
 * their own account. So: the root of the resource's account is allowed; anyone else, and any resource of
 * another account, is denied. Key policies, identity policies and grants replace this body (issue #4)
 * behind the same signature.
 */
export function decide(caller: Caller, check: AccessCheck): Decision {
  if (caller.type !== 'Root') return { allowed: false, reason: 'no-identity-policy-allows' };
  if (check.resource === '*') return { allowed: true };
  if (accountOfArn(check.resource) === caller.accountId) return { allowed: true };
  return { allowed: false, reason: 'no-resource-policy-allows' };
}

/** AWS's wording for a denial. */
export function denialMessage(caller: Caller, check: AccessCheck, decision: Decision): string {
  const because =
    !decision.allowed && decision.reason === 'no-identity-policy-allows'
      ? `because no identity-based policy allows the ${check.action} action`
      : `because no resource-based policy allows the ${check.action} action`;
  return `User: ${caller.arn} is not authorized to perform: ${check.action} on resource: ${check.resource} ${because}`;
}
