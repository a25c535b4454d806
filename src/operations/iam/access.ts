import type { Identities, RoleRecord, Tag, UserRecord } from '../../identities/identity-service.js';
import { conditionValues, requestTagConditions } from '../conditions.js';
import type { QueryAccess, QueryContext, QueryResolved } from '../query/definition.js';

/**
 * One action on one user or role ARN. Operations that add tags carry aws:RequestTag/<key> and aws:TagKeys,
 * so that a policy can say which tags a caller may set.
 */
export function onResource<Target>(
  action: QueryAccess['action'],
  resource: string,
  target: Target,
  tags?: readonly Tag[],
): QueryResolved<Target> {
  const access: QueryAccess =
    tags === undefined
      ? { action, resource }
      : { action, resource, conditions: conditionValues(requestTagConditions(tags)) };
  return { access: [access], target };
}

/** The caller's account's user of that name (NoSuchEntity before authorization, as IAM finds it). */
export async function onUser(
  action: QueryAccess['action'],
  userName: string,
  context: QueryContext,
  identities: Identities,
): Promise<QueryResolved<UserRecord>> {
  const user = await identities.requireUser(context.caller.accountId, userName);
  return onResource(action, user.arn, user);
}

export async function onRole(
  action: QueryAccess['action'],
  roleName: string,
  context: QueryContext,
  identities: Identities,
): Promise<QueryResolved<RoleRecord>> {
  const role = await identities.requireRole(context.caller.accountId, roleName);
  return onResource(action, role.arn, role);
}
