import type { Scope } from '../persistence/port.js';

/** What a KeyId parameter names: AWS accepts a key id, a key ARN, an alias name or an alias ARN. */
export type KeyReference =
  | { readonly kind: 'keyId'; readonly keyId: string }
  | { readonly kind: 'keyArn'; readonly scope: Scope; readonly keyId: string }
  | { readonly kind: 'aliasName'; readonly aliasName: string }
  | { readonly kind: 'aliasArn'; readonly scope: Scope; readonly aliasName: string }
  | { readonly kind: 'invalid' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z0-9-]+$/;

export function keyArn(scope: Scope, keyId: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
}

/** The ARN of a key record (or anything scoped that carries a key id). */
export function arnOf(key: Scope & { readonly keyId: string }): string {
  return keyArn(key, key.keyId);
}

export function aliasArn(scope: Scope, aliasName: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:${aliasName}`;
}

export function isKeyId(text: string): boolean {
  return UUID.test(text);
}

/** Classifies a KeyId parameter without looking anything up. */
export function parseKeyReference(text: string): KeyReference {
  if (text.startsWith('alias/')) return { kind: 'aliasName', aliasName: text };
  if (isKeyId(text)) return { kind: 'keyId', keyId: text };
  if (!text.startsWith('arn:')) return { kind: 'invalid' };
  const parts = text.split(':');
  if (parts.length !== 6 || parts[1] !== 'aws' || parts[2] !== 'kms') return { kind: 'invalid' };
  const [, , , region = '', accountId = '', resource = ''] = parts;
  if (!REGION.test(region) || !ACCOUNT.test(accountId)) return { kind: 'invalid' };
  const scope = { accountId, region };
  if (resource.startsWith('key/') && isKeyId(resource.slice(4))) {
    return { kind: 'keyArn', scope, keyId: resource.slice(4) };
  }
  if (resource.startsWith('alias/') && resource.length > 6) return { kind: 'aliasArn', scope, aliasName: resource };
  return { kind: 'invalid' };
}
