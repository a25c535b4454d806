import type { Persistence } from '../persistence/port.js';
import { callerForPrincipal } from './identity.js';
import type { PolicyDocument } from './policy.js';

/** Whether a principal ARN names an identity Trent knows. */
export type PrincipalDirectory = (principalArn: string) => Promise<boolean>;

/** A bare account id names the account's root, as IAM reads it in a Principal element. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Principals as Trent knows them: an account (by id or root ARN) when the account exists; a user or role when
 * it exists under that exact ARN (path included); an assumed-role session ARN when its role exists (sessions
 * come and go, the role is what the policy can check). `acceptUnknown` (a server option, off by default) lets
 * test fixtures written against mocks name principals Trent has never heard of.
 */
export function principalDirectory(persistence: Persistence, acceptUnknown: boolean): PrincipalDirectory {
  if (acceptUnknown) return async () => true;
  return async (principal) => {
    const arn = ACCOUNT_ID.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
    return (await callerForPrincipal(persistence, arn)) !== undefined;
  };
}

/** Every AWS principal a policy names, `*` aside. */
export function namedPrincipals(policy: PolicyDocument): string[] {
  const named = new Set<string>();
  for (const statement of policy.statements) {
    for (const block of [statement.principal, statement.notPrincipal]) {
      if (block === undefined || block === '*') continue;
      for (const arn of block['AWS'] ?? []) if (arn !== '*') named.add(arn);
    }
  }
  return [...named];
}
