import { kmsError } from '../errors/catalogue.js';
import type { Caller } from '../shared/caller.js';
import type { ProposedKeyPolicy } from '../shared/proposed-key-policy.js';
import { decide } from './decide.js';
import type { Identity } from './identity.js';
import { parsePolicy } from './policy-document.js';
import { namedPrincipals, type PrincipalDirectory } from './principals.js';
import type { ConditionLookup } from './request-context.js';

export const LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';

/**
 * A key policy about to be set (CreateKey, PutKeyPolicy): it must parse, name only principals that exist
 * (as AWS refuses unknown ones), and, unless the caller bypasses the policy lockout safety check, let the
 * caller call PutKeyPolicy on the key afterwards, so that nobody locks themselves out of a key by mistake.
 * Each failure is MalformedPolicyDocumentException.
 */
export async function checkProposedKeyPolicy(
  caller: Caller,
  proposed: ProposedKeyPolicy,
  conditions: ConditionLookup,
  principals: PrincipalDirectory,
  identity: Identity,
): Promise<void> {
  const policy = parsePolicy(proposed.text, 'resource');
  for (const principal of namedPrincipals(policy)) {
    if (!(await principals(principal))) {
      throw kmsError(
        'MalformedPolicyDocumentException',
        `Policy contains a statement with one or more invalid principals. ${principal} does not exist.`,
      );
    }
  }
  if (proposed.bypassLockoutSafetyCheck) return;
  const check = { action: 'kms:PutKeyPolicy', resource: proposed.keyArn, resourcePolicy: proposed.text };
  if (!decide(caller, check, conditions, identity).allowed)
    throw kmsError('MalformedPolicyDocumentException', LOCKOUT_MESSAGE);
}
