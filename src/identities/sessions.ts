/**
 * STS role-session credentials, stateless: the session token is the session itself (role, name, expiry,
 * session policy and tags, and the session's secret) sealed under the root key and bound to the session's
 * access key id. AssumeRole therefore writes nothing, every process of a cluster can verify every session, and
 * a token cannot be edited (AES-GCM) or moved to another access key id (the sealing context). A session ends at
 * its expiry, or earlier when its role is deleted (the verifier checks the role's id on every request).
 */
import type { KeyStore } from '../keystores/port.js';
import type { PrincipalTag, RoleSession } from '../shared/caller.js';
import type { Random } from '../shared/random.js';
import { newIdentifier, newSecretAccessKey } from './credentials.js';

/** What a session token holds: the session and the secret its requests are signed with. */
export interface SessionClaims extends RoleSession {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
}

const TOKEN_VERSION = 1;

function tokenContext(accessKeyId: string): string {
  return `trent/session-token/v${TOKEN_VERSION}/${accessKeyId}`;
}

/** Session access key ids start ASIA, as AWS's temporary ones do: long-term keys (AKIA) are never sessions. */
export function isSessionAccessKeyId(accessKeyId: string): boolean {
  return accessKeyId.startsWith('ASIA');
}

export async function issueSession(
  deps: { keyStore: KeyStore; random: Random },
  session: Omit<SessionClaims, 'accessKeyId' | 'secretAccessKey'>,
): Promise<SessionCredentials> {
  const accessKeyId = newIdentifier(deps.random, 'ASIA', 16);
  const secretAccessKey = newSecretAccessKey(deps.random);
  const claims: SessionClaims = { ...session, accessKeyId, secretAccessKey };
  const sealed = await deps.keyStore.sealSecret(tokenContext(accessKeyId), Buffer.from(JSON.stringify(claims)));
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: Buffer.from(sealed).toString('base64'),
    expiresAt: session.expiresAt,
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';

function isTagList(value: unknown): value is PrincipalTag[] {
  return Array.isArray(value) && value.every((tag) => isString(tag?.key) && isString(tag?.value));
}

/** The claims, when they have exactly the shape issueSession writes; anything else is not a session. */
function asClaims(value: unknown, accessKeyId: string): SessionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const claims = value as Record<string, unknown>;
  const strings = ['accountId', 'accessKeyId', 'secretAccessKey', 'roleArn', 'roleId', 'roleName', 'sessionName'];
  if (!strings.every((name) => isString(claims[name]))) return undefined;
  if (typeof claims['expiresAt'] !== 'number' || !isTagList(claims['sessionTags'])) return undefined;
  if (claims['sessionPolicy'] !== undefined && !isString(claims['sessionPolicy'])) return undefined;
  if (claims['sourceIdentity'] !== undefined && !isString(claims['sourceIdentity'])) return undefined;
  return claims['accessKeyId'] === accessKeyId ? (claims as unknown as SessionClaims) : undefined;
}

/** The session a token carries for this access key id, or undefined when the token is not one Trent issued for it. */
export async function openSession(
  keyStore: KeyStore,
  accessKeyId: string,
  sessionToken: string,
): Promise<SessionClaims | undefined> {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sessionToken)) return undefined;
  try {
    const opened = await keyStore.openSecret(tokenContext(accessKeyId), Buffer.from(sessionToken, 'base64'));
    return asClaims(JSON.parse(opened.toString('utf8')), accessKeyId);
  } catch {
    return undefined;
  }
}
