import type { EncryptionContext, KeyNaming, Keys } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';
import { keyAccess } from './conditions.js';
import type { AccessRequest, RequestContext, Resolved } from './definition.js';

/**
 * The common case: one action on the one key the KeyId parameter names. An alias used as KeyId is
 * kms:RequestAlias; `conditions` adds the operation's own condition keys.
 */
export async function onKey(
  action: AccessRequest['action'],
  keyIdParameter: string,
  naming: KeyNaming,
  context: RequestContext,
  keys: Keys,
  conditions: Readonly<Record<string, string | readonly string[] | undefined>> = {},
  encryptionContext?: EncryptionContext,
): Promise<Resolved<KeyRecord>> {
  const key = await keys.resolve(context.scope, keyIdParameter, naming);
  const requestAlias = keyIdParameter.includes('alias/')
    ? keyIdParameter.slice(keyIdParameter.indexOf('alias/'))
    : undefined;
  const access = keyAccess(action, key, { 'kms:RequestAlias': requestAlias, ...conditions }, encryptionContext);
  return { access: [access], target: key };
}
