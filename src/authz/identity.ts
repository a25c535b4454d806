/**
 * The identity side of a decision: what the caller's identity-based policies are, as authorization reads them.
 * Loaded per request through the store's read cache, which every change to a policy, tag, user or role
 * passes, so a changed identity policy applies to the very next request.
 */
import type { Persistence } from '../persistence/port.js';
import type { Caller, PrincipalTag } from '../shared/caller.js';
import type { PolicyDocument } from './policy.js';
import { parsedPolicy } from './policy-cache.js';

export interface Identity {
  /**
   * 'root': the account root, which holds every permission in its own account. Otherwise the user's or role's
   * inline policies; `null` stands for a stored policy that no longer parses, which denies everything.
   */
  readonly policies: 'root' | readonly (PolicyDocument | null)[];
  /** A role session's session policy: the session may do only what it allows as well (null: unparsable, denies). */
  readonly sessionPolicy?: PolicyDocument | null;
  /** aws:PrincipalTag/<key>: a user's tags, or a role's tags overridden by its session's tags. */
  readonly principalTags: readonly PrincipalTag[];
}

export const ROOT_IDENTITY: Identity = { policies: 'root', principalTags: [] };

/** An identity with no policies: allowed only what resource policies grant it by name. */
export const NO_IDENTITY: Identity = { policies: [], principalTags: [] };

/** Session tags replace role tags of the same key; IAM compares tag keys case-insensitively. */
function mergeTags(base: readonly PrincipalTag[], overriding: readonly PrincipalTag[]): PrincipalTag[] {
  const byKey = new Map(base.map((tag) => [tag.key.toLowerCase(), tag]));
  for (const tag of overriding) byKey.set(tag.key.toLowerCase(), tag);
  return [...byKey.values()];
}

async function principalPolicies(persistence: Persistence, principalId: string) {
  const [policies, tags] = await Promise.all([
    persistence.listInlinePolicies(principalId),
    persistence.listPrincipalTags(principalId),
  ]);
  return {
    policies: policies.map((policy) => parsedPolicy(policy.document, 'identity')),
    tags: tags.map((tag) => ({ key: tag.TagKey, value: tag.TagValue })),
  };
}

/** The identity-based policies that apply to the caller. */
export async function loadIdentity(persistence: Persistence, caller: Caller): Promise<Identity> {
  if (caller.type === 'Root') return ROOT_IDENTITY;
  if (caller.type === 'IAMUser') {
    const { policies, tags } = await principalPolicies(persistence, caller.principalId);
    return { policies, principalTags: tags };
  }
  const session = caller.session;
  if (session === undefined) return NO_IDENTITY;
  const { policies, tags } = await principalPolicies(persistence, session.roleId);
  const principalTags = mergeTags(tags, session.sessionTags);
  if (session.sessionPolicy === undefined) return { policies, principalTags };
  return { policies, principalTags, sessionPolicy: parsedPolicy(session.sessionPolicy, 'identity') };
}

/** Splits an IAM/STS principal ARN: account, kind and the resource after it (path and name, or role/session). */
const PRINCIPAL_ARN = /^arn:aws:(iam|sts)::(\d{12}):(root|user\/.+|role\/.+|assumed-role\/[^/]+\/[^/]+)$/;

function lastSegment(text: string): string {
  return text.slice(text.lastIndexOf('/') + 1);
}

/**
 * The caller a principal ARN stands for, as authentication would make it, for `trent policy simulate`:
 * undefined when Trent knows no such principal. A role ARN stands for a session of the role.
 */
export async function callerForPrincipal(persistence: Persistence, principalArn: string): Promise<Caller | undefined> {
  const [, service, accountId = '', resource = ''] = PRINCIPAL_ARN.exec(principalArn) ?? [];
  if (service === undefined || (await persistence.getAccount(accountId)) === undefined) return undefined;
  const base = { accountId, accessKeyId: '' };
  if (resource === 'root')
    return service === 'iam' ? { ...base, arn: principalArn, type: 'Root', principalId: accountId } : undefined;
  if (service === 'iam' && resource.startsWith('user/')) {
    const user = await persistence.findUser(accountId, lastSegment(resource));
    if (user?.arn !== principalArn) return undefined;
    return { ...base, arn: user.arn, type: 'IAMUser', principalId: user.userId, userName: user.userName };
  }
  const [roleName, sessionName] =
    service === 'sts' ? resource.split('/').slice(1) : [lastSegment(resource), 'trent-policy-simulation'];
  const role = roleName === undefined ? undefined : await persistence.findRole(accountId, roleName);
  if (role === undefined || (service === 'iam' && role.arn !== principalArn) || sessionName === undefined)
    return undefined;
  return {
    ...base,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`,
    type: 'AssumedRole',
    principalId: `${role.roleId}:${sessionName}`,
    session: {
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      sessionName,
      expiresAt: Number.POSITIVE_INFINITY,
      sessionTags: [],
    },
  };
}

/** Identities as authorization reads them, over one store. */
export interface IdentityDirectory {
  /** The identity-based policies that apply to the caller. */
  load(caller: Caller): Promise<Identity>;
  /** The caller a principal ARN stands for; undefined when Trent knows no such principal. */
  callerFor(principalArn: string): Promise<Caller | undefined>;
}

export function identityDirectory(persistence: Persistence): IdentityDirectory {
  return {
    load: (caller) => loadIdentity(persistence, caller),
    callerFor: (principalArn) => callerForPrincipal(persistence, principalArn),
  };
}
