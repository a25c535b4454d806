import { arnOf } from '../keys/arn.js';
import type { KeyNaming, Keys } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';
import type { AccessRequest, RequestContext, Resolved } from './definition.js';

/** The common case: one action on the one key the KeyId parameter names. */
export async function onKey(
  action: AccessRequest['action'],
  keyIdParameter: string,
  naming: KeyNaming,
  context: RequestContext,
  keys: Keys,
): Promise<Resolved<KeyRecord>> {
  const key = await keys.resolve(context.scope, keyIdParameter, naming);
  return { access: [{ action, resource: arnOf(key) }], target: key };
}
