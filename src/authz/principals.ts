import type { Persistence } from '../persistence/port.js';
import type { PolicyDocument } from './policy.js';

/** Whether a principal ARN names an identity Trent knows. */
export type PrincipalDirectory = (principalArn: string) => Promise<boolean>;

const ROOT = /^arn:aws:iam::(\d{12}):root$/;

/**
 * Principals as Trent knows them: an account root exists when the account does; users, roles and their
 * sessions come with IAM (issue #3), so none exists yet. `acceptUnknown` (a server option, off by default)
 * lets test fixtures written against mocks name principals Trent has never heard of.
 */
export function principalDirectory(persistence: Persistence, acceptUnknown: boolean): PrincipalDirectory {
  if (acceptUnknown) return async () => true;
  return async (principalArn) => {
    const account = ROOT.exec(principalArn)?.[1];
    return account !== undefined && (await persistence.getAccount(account)) !== undefined;
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
