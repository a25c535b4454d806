import { kmsError, messages } from '../errors/catalogue.js';
import { aliasArn, arnOf, keyArn } from '../keys/arn.js';
import type { Keys } from '../keys/key-service.js';
import { requireNotPendingDeletion } from '../keys/key-state.js';
import type { AliasRecord, KeyRecord } from '../keys/records.js';
import type { RequestContext } from './definition.js';

/** An alias lives in the caller's account and Region and points at a key of that same account and Region. */
export async function aliasTargetKey(targetKeyId: string, context: RequestContext, keys: Keys): Promise<KeyRecord> {
  const key = await keys.resolve(context.scope, targetKeyId, 'keyOnly');
  if (key.accountId !== context.scope.accountId || key.region !== context.scope.region) {
    throw kmsError('NotFoundException', messages.keyNotFound(arnOf(key)));
  }
  requireNotPendingDeletion(key);
  return key;
}

/** The key an existing alias points at now (the alias operations need permission on it too). */
export async function currentTargetOf(alias: AliasRecord, context: RequestContext, keys: Keys): Promise<KeyRecord> {
  const key = await keys.persistence.findKey(context.scope, alias.targetKeyId);
  if (!key) throw kmsError('NotFoundException', messages.keyNotFound(keyArn(context.scope, alias.targetKeyId)));
  return key;
}

export async function existingAlias(aliasName: string, context: RequestContext, keys: Keys): Promise<AliasRecord> {
  const alias = await keys.persistence.findAlias(context.scope, aliasName);
  if (!alias) throw kmsError('NotFoundException', messages.aliasNotFound(aliasArn(context.scope, aliasName)));
  return alias;
}
