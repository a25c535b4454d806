import { kmsError } from '../errors/catalogue.js';

/** A key has one policy, `default`; AWS refuses any other name. */
export function requireDefaultPolicyName(policyName: string | undefined): void {
  if (policyName !== undefined && policyName !== 'default') {
    throw kmsError('NotFoundException', `No such policy exists: ${policyName}`);
  }
}
