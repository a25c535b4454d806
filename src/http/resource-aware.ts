import type { Identity } from '../authz/identity.js';
import { withResourceConditions } from '../authz/resource-conditions.js';
import type { AccessRequest, Keys } from '../operations/definition.js';

/** An access request's condition keys, with its key's tags and aliases where a deciding policy names them. */
export function resourceAware(keys: Keys, request: AccessRequest, identity: Identity) {
  const key = request.grantable?.key;
  return withResourceConditions(request.conditions, key?.policy, identity, () =>
    key ? keys.resourceConditions(key) : Promise.resolve(new Map()),
  );
}
