import type { Identity } from './identity.js';
import type { PolicyDocument } from './policy.js';
import { parsedPolicy } from './policy-cache.js';
import type { ConditionValues } from './request-context.js';

/**
 * Condition keys that describe the key itself beyond its record (its tags, its aliases): reading them costs
 * two more lookups per request, so they are supplied only when a policy the decision reads names them.
 */
const RESOURCE_KEY = /^(aws:resourcetag\/|kms:resourcealiases$)/i;

const namesResourceKeys = new WeakMap<PolicyDocument, boolean>();

function policyNamesResourceKeys(policy: PolicyDocument | null | undefined): boolean {
  if (policy === null || policy === undefined) return false;
  let names = namesResourceKeys.get(policy);
  if (names === undefined) {
    names = policy.statements.some((statement) =>
      statement.conditions.some((condition) => RESOURCE_KEY.test(condition.key)),
    );
    namesResourceKeys.set(policy, names);
  }
  return names;
}

/** Whether the key policy, the identity policies or the session policy have a condition on aws:ResourceTag/* or kms:ResourceAliases. */
export function needsResourceConditions(keyPolicy: string, identity: Identity): boolean {
  if (policyNamesResourceKeys(parsedPolicy(keyPolicy, 'resource'))) return true;
  if (policyNamesResourceKeys(identity.sessionPolicy)) return true;
  return identity.policies !== 'root' && identity.policies.some(policyNamesResourceKeys);
}

/**
 * An access check's condition keys, plus the key's tags and aliases (read by `load`) where a policy that
 * decides names them.
 */
export async function withResourceConditions(
  conditions: ConditionValues | undefined,
  keyPolicy: string | undefined,
  identity: Identity,
  load: () => Promise<ConditionValues>,
): Promise<ConditionValues | undefined> {
  if (keyPolicy === undefined || !needsResourceConditions(keyPolicy, identity)) return conditions;
  return new Map([...(conditions ?? []), ...(await load())]);
}
