/**
 * IAM users and roles of an account, their access keys, inline policies and tags: the rules IAM applies to
 * them (names unique whatever their case, quotas, what must go before a user or role may be deleted) and
 * AWS's wording when one is broken. Every method acts within the account it is given; the IAM and STS
 * operations pass the caller's, so no account can reach another's identities.
 */

import type { PolicyDocument } from '../authz/policy.js';
import { type PolicyKind, parsePolicy } from '../authz/policy-document.js';
import { namedPrincipals } from '../authz/principals.js';
import { KmsError, queryError } from '../errors/catalogue.js';
import type { KeyStore } from '../keystores/port.js';
import { nameKey, policyChars } from '../persistence/identity-rules.js';
import type {
  AccessKeyRecord,
  InlinePolicyRecord,
  PageRequest,
  Persistence,
  RoleRecord,
  Tag,
  UserRecord,
} from '../persistence/port.js';
import type { Caller } from '../shared/caller.js';
import type { Clock } from '../shared/clock.js';
import type { Random } from '../shared/random.js';
import { accessKeySecretContext, newAccessKeyId, newIdentifier, newSecretAccessKey } from './credentials.js';
import { fetchPage, type Page, type PageInput, pageOfList } from './paging.js';
import { issueSession, type SessionClaims, type SessionCredentials } from './sessions.js';
import { checkNewTags, inStoredCase, MAX_TAGS_PER_PRINCIPAL } from './tags.js';

/** The identity domain's records, as stored: operations name them through this room, not persistence. */
export type { AccessKeyRecord, InlinePolicyRecord, RoleRecord, Tag, UserRecord } from '../persistence/port.js';

/** IAM's quotas, as AWS states them. */
export const MAX_ACCESS_KEYS_PER_USER = 2;
/** Inline policies together, per user and per role: characters, whitespace not counted. */
export const MAX_USER_POLICY_CHARS = 2048;
export const MAX_ROLE_POLICY_CHARS = 10240;
/** A role's trust policy (ACLSizePerRole), counted the same way. */
export const MAX_TRUST_POLICY_CHARS = 2048;
export const DEFAULT_MAX_SESSION_DURATION = 3600;
export const DEFAULT_PATH = '/';

export interface IdentitiesDependencies {
  readonly persistence: Persistence;
  readonly keyStore: KeyStore;
  readonly random: Random;
  readonly clock: Clock;
  /** Whether a principal ARN names an identity Trent knows: what a trust policy may name. */
  readonly principalExists: (arn: string) => Promise<boolean>;
}

/** A user or role, as the holder of inline policies and tags. */
export interface Principal {
  readonly kind: 'user' | 'role';
  /** AIDA… or AROA…: what its policies and tags are stored under. */
  readonly id: string;
  readonly name: string;
  readonly arn: string;
}

export function userPrincipal(user: UserRecord): Principal {
  return { kind: 'user', id: user.userId, name: user.userName, arn: user.arn };
}

export function rolePrincipal(role: RoleRecord): Principal {
  return { kind: 'role', id: role.roleId, name: role.roleName, arn: role.arn };
}

/**
 * What GetUser and the access-key operations act on: a named IAM user or, when they name none, the caller
 * itself, which may be the account root (whose own access keys IAM manages too).
 */
export interface UserOrRoot {
  readonly accountId: string;
  /** The user's id, or the account id for the root: what its access keys are stored under. */
  readonly principalId: string;
  readonly arn: string;
  /** Undefined for the root, which IAM's responses name no user for. */
  readonly user: UserRecord | undefined;
}

export interface NewUser {
  readonly userName: string;
  readonly path?: string | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

export interface NewRole {
  readonly roleName: string;
  readonly path?: string | undefined;
  readonly trustPolicy: string;
  readonly description?: string | undefined;
  readonly maxSessionDuration?: number | undefined;
  readonly tags?: readonly Tag[] | undefined;
}

/** A new access key: the only time its secret exists outside the key store's seal. */
export interface NewAccessKey {
  readonly accessKey: AccessKeyRecord;
  readonly secretAccessKey: string;
}

const noSuchUser = (userName: string) => queryError('NoSuchEntity', `The user with name ${userName} cannot be found.`);
const noSuchRole = (roleName: string) => queryError('NoSuchEntity', `The role with name ${roleName} cannot be found.`);
const noSuchPolicy = (principal: Principal, policyName: string) =>
  queryError('NoSuchEntity', `The ${principal.kind} policy with name ${policyName} cannot be found.`);
const noSuchAccessKey = (accessKeyId: string) =>
  queryError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found`);
const noSuchPrincipal = (principal: Principal) =>
  principal.kind === 'user' ? noSuchUser(principal.name) : noSuchRole(principal.name);
const tooManyTags = (principal: Principal) =>
  queryError(
    'LimitExceeded',
    `Cannot exceed quota for TagsPer${principal.kind === 'user' ? 'User' : 'Role'}: ${MAX_TAGS_PER_PRINCIPAL}`,
  );
const mustDeleteFirst = (what: 'access keys' | 'policies') =>
  queryError('DeleteConflict', `Cannot delete entity, must delete ${what} first.`);

const maxPolicyChars = (principal: Principal) =>
  principal.kind === 'user' ? MAX_USER_POLICY_CHARS : MAX_ROLE_POLICY_CHARS;

/** The order ListAccessKeys pages in (the port's: creation time, then id) as one comparable string. */
const accessKeySortKey = (key: AccessKeyRecord) => `${String(key.createdAt).padStart(16, '0')}/${key.accessKeyId}`;

/** A policy document as parsed for storing, its refusal reworded in IAM's dialect. */
function parseAs(text: string, kind: PolicyKind): PolicyDocument {
  try {
    return parsePolicy(text, kind);
  } catch (error) {
    if (error instanceof KmsError && error.type === 'MalformedPolicyDocumentException') {
      throw queryError('MalformedPolicyDocument', error.clientMessage ?? error.message);
    }
    throw error;
  }
}

export class Identities {
  constructor(private readonly deps: IdentitiesDependencies) {}

  /** The identity domain's clock: session expiry is measured on it. */
  now(): number {
    return this.deps.clock.now();
  }

  // -------------------------------------------------------------------------------------------------
  // ARNs and policies

  userArn(accountId: string, path: string, userName: string): string {
    return `arn:aws:iam::${accountId}:user${path}${userName}`;
  }

  roleArn(accountId: string, path: string, roleName: string): string {
    return `arn:aws:iam::${accountId}:role${path}${roleName}`;
  }

  rootArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:root`;
  }

  /** An identity policy (inline user or role policy, STS session policy): MalformedPolicyDocument unless valid. */
  parseIdentityPolicy(text: string): void {
    parseAs(text, 'identity');
  }

  /** A role's trust policy: valid (principals, no Resource) and naming only AWS principals that exist. */
  async parseTrustPolicy(text: string): Promise<void> {
    for (const arn of namedPrincipals(parseAs(text, 'trust'))) {
      if (!(await this.deps.principalExists(arn))) {
        throw queryError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${arn}"`);
      }
    }
  }

  /** Size is checked first, as IAM's quota is, so that an oversized document is LimitExceeded, not malformed. */
  private async acceptTrustPolicy(text: string): Promise<void> {
    if (policyChars(text) > MAX_TRUST_POLICY_CHARS) {
      throw queryError('LimitExceeded', `Cannot exceed quota for ACLSizePerRole: ${MAX_TRUST_POLICY_CHARS}`);
    }
    await this.parseTrustPolicy(text);
  }

  // -------------------------------------------------------------------------------------------------
  // Users

  findUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    return this.deps.persistence.findUser(accountId, userName);
  }

  async requireUser(accountId: string, userName: string): Promise<UserRecord> {
    const user = await this.findUser(accountId, userName);
    if (user === undefined) throw noSuchUser(userName);
    return user;
  }

  async createUser(accountId: string, request: NewUser): Promise<UserRecord> {
    const tags = request.tags ?? [];
    checkNewTags(tags);
    const path = request.path ?? DEFAULT_PATH;
    const user: UserRecord = {
      accountId,
      userName: request.userName,
      userId: newIdentifier(this.deps.random, 'AIDA', 17),
      path,
      arn: this.userArn(accountId, path, request.userName),
      createdAt: this.deps.clock.now(),
    };
    if (!(await this.deps.persistence.insertUser(user, tags))) {
      throw queryError('EntityAlreadyExists', `User with name ${request.userName} already exists.`);
    }
    return user;
  }

  listUsers(accountId: string, pathPrefix: string | undefined, page: PageInput): Promise<Page<UserRecord>> {
    return fetchPage(
      page,
      (request: PageRequest) => this.deps.persistence.listUsers(accountId, pathPrefix ?? DEFAULT_PATH, request),
      (user) => nameKey(user.userName),
    );
  }

  async deleteUser(user: UserRecord): Promise<void> {
    const outcome = await this.deps.persistence.deleteUser(user.accountId, user.userName);
    if (outcome === 'no-such-principal') throw noSuchUser(user.userName);
    if (outcome === 'conflict') {
      const keys = await this.deps.persistence.listAccessKeys(user.userId);
      throw mustDeleteFirst(keys.length > 0 ? 'access keys' : 'policies');
    }
  }

  /**
   * The user a GetUser or access-key request names or, naming none, the caller: an IAM user itself, the root
   * its own account. A role session has no user to default to, as in IAM.
   */
  async userOrCaller(caller: Caller, userName: string | undefined): Promise<UserOrRoot> {
    const name = userName ?? caller.userName;
    if (name !== undefined) {
      const user = await this.requireUser(caller.accountId, name);
      return { accountId: user.accountId, principalId: user.userId, arn: user.arn, user };
    }
    if (caller.type !== 'Root') {
      throw queryError('ValidationError', 'Must specify userName when calling with non-User credentials');
    }
    return {
      accountId: caller.accountId,
      principalId: caller.accountId,
      arn: this.rootArn(caller.accountId),
      user: undefined,
    };
  }

  /** When the account (and so its root user) was created: GetUser's CreateDate for the root. */
  async accountCreatedAt(accountId: string): Promise<number> {
    const account = await this.deps.persistence.getAccount(accountId);
    if (account === undefined) throw new Error(`account ${accountId} of an authenticated caller does not exist`);
    return account.createdAt;
  }

  // -------------------------------------------------------------------------------------------------
  // Roles

  /** The role STS AssumeRole and session verification look up (by name, case-insensitively). */
  findRole(accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    return this.deps.persistence.findRole(accountId, roleName);
  }

  async requireRole(accountId: string, roleName: string): Promise<RoleRecord> {
    const role = await this.findRole(accountId, roleName);
    if (role === undefined) throw noSuchRole(roleName);
    return role;
  }

  async createRole(accountId: string, request: NewRole): Promise<RoleRecord> {
    const tags = request.tags ?? [];
    checkNewTags(tags);
    await this.acceptTrustPolicy(request.trustPolicy);
    const path = request.path ?? DEFAULT_PATH;
    const role: RoleRecord = {
      accountId,
      roleName: request.roleName,
      roleId: newIdentifier(this.deps.random, 'AROA', 17),
      path,
      arn: this.roleArn(accountId, path, request.roleName),
      trustPolicy: request.trustPolicy,
      description: request.description ?? '',
      maxSessionDuration: request.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      createdAt: this.deps.clock.now(),
    };
    if (!(await this.deps.persistence.insertRole(role, tags))) {
      throw queryError('EntityAlreadyExists', `Role with name ${request.roleName} already exists.`);
    }
    return role;
  }

  listRoles(accountId: string, pathPrefix: string | undefined, page: PageInput): Promise<Page<RoleRecord>> {
    return fetchPage(
      page,
      (request: PageRequest) => this.deps.persistence.listRoles(accountId, pathPrefix ?? DEFAULT_PATH, request),
      (role) => nameKey(role.roleName),
    );
  }

  async updateTrustPolicy(role: RoleRecord, trustPolicy: string): Promise<void> {
    await this.acceptTrustPolicy(trustPolicy);
    if (!(await this.deps.persistence.updateTrustPolicy(role.accountId, role.roleName, trustPolicy))) {
      throw noSuchRole(role.roleName);
    }
  }

  async deleteRole(role: RoleRecord): Promise<void> {
    const outcome = await this.deps.persistence.deleteRole(role.accountId, role.roleName);
    if (outcome === 'no-such-principal') throw noSuchRole(role.roleName);
    if (outcome === 'conflict') throw mustDeleteFirst('policies');
  }

  /** STS session credentials for a role session (AssumeRole), sealed into their token by the key store. */
  issueSession(session: Omit<SessionClaims, 'accessKeyId' | 'secretAccessKey'>): Promise<SessionCredentials> {
    return issueSession(this.deps, session);
  }

  // -------------------------------------------------------------------------------------------------
  // Tags

  tagsOf(principal: Principal): Promise<Tag[]> {
    return this.deps.persistence.listPrincipalTags(principal.id);
  }

  async tagPrincipal(principal: Principal, tags: readonly Tag[]): Promise<void> {
    checkNewTags(tags);
    const stored = inStoredCase(await this.tagsOf(principal), tags);
    const outcome = await this.deps.persistence.putPrincipalTags(principal.id, stored, MAX_TAGS_PER_PRINCIPAL);
    if (outcome === 'no-such-principal') throw noSuchPrincipal(principal);
    if (outcome === 'over-limit') throw tooManyTags(principal);
  }

  // -------------------------------------------------------------------------------------------------
  // Inline policies

  async putInlinePolicy(principal: Principal, policyName: string, document: string): Promise<void> {
    const limit = maxPolicyChars(principal);
    const overLimit = () =>
      queryError(
        'LimitExceeded',
        `Maximum policy size of ${limit} bytes exceeded for ${principal.kind} ${principal.name}`,
      );
    // Measured before parsing so that a document over the quota is refused as IAM refuses it, whatever else it holds.
    if (policyChars(document) > limit) throw overLimit();
    this.parseIdentityPolicy(document);
    const outcome = await this.deps.persistence.putInlinePolicy(principal.id, { policyName, document }, limit);
    if (outcome === 'no-such-principal') throw noSuchPrincipal(principal);
    if (outcome === 'over-limit') throw overLimit();
  }

  async requireInlinePolicy(principal: Principal, policyName: string): Promise<InlinePolicyRecord> {
    const policies = await this.deps.persistence.listInlinePolicies(principal.id);
    const policy = policies.find((candidate) => candidate.policyName === policyName);
    if (policy === undefined) throw noSuchPolicy(principal, policyName);
    return policy;
  }

  async listInlinePolicyNames(principal: Principal, page: PageInput): Promise<Page<string>> {
    const policies = await this.deps.persistence.listInlinePolicies(principal.id);
    return pageOfList(
      policies.map((policy) => policy.policyName),
      page,
      (name) => name,
    );
  }

  async deleteInlinePolicy(principal: Principal, policyName: string): Promise<void> {
    if (!(await this.deps.persistence.deleteInlinePolicy(principal.id, policyName))) {
      throw noSuchPolicy(principal, policyName);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Access keys

  async createAccessKey(owner: UserOrRoot): Promise<NewAccessKey> {
    const accessKeyId = newAccessKeyId(this.deps.random);
    const secretAccessKey = newSecretAccessKey(this.deps.random);
    const sealedSecret = await this.deps.keyStore.sealSecret(
      accessKeySecretContext(accessKeyId),
      Buffer.from(secretAccessKey, 'utf8'),
    );
    const accessKey: AccessKeyRecord = {
      accessKeyId,
      accountId: owner.accountId,
      principalArn: owner.arn,
      principalType: owner.user === undefined ? 'Root' : 'IAMUser',
      principalId: owner.principalId,
      sealedSecret,
      status: 'Active',
      createdAt: this.deps.clock.now(),
    };
    const outcome = await this.deps.persistence.insertAccessKey(accessKey, MAX_ACCESS_KEYS_PER_USER);
    if (outcome === 'no-such-principal') throw noSuchUser(owner.user?.userName ?? owner.accountId);
    if (outcome === 'over-limit') {
      throw queryError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`);
    }
    return { accessKey, secretAccessKey };
  }

  async listAccessKeys(owner: UserOrRoot, page: PageInput): Promise<Page<AccessKeyRecord>> {
    return pageOfList(await this.deps.persistence.listAccessKeys(owner.principalId), page, accessKeySortKey);
  }

  /** The owner's access key: one of another user, root or account is as absent as one that never existed. */
  async requireAccessKey(owner: UserOrRoot, accessKeyId: string): Promise<AccessKeyRecord> {
    const accessKey = await this.deps.persistence.findAccessKey(accessKeyId);
    if (accessKey?.accountId !== owner.accountId || accessKey.principalId !== owner.principalId) {
      throw noSuchAccessKey(accessKeyId);
    }
    return accessKey;
  }

  async updateAccessKey(owner: UserOrRoot, accessKeyId: string, status: AccessKeyRecord['status']): Promise<void> {
    if (!(await this.deps.persistence.updateAccessKeyStatus(owner.principalId, accessKeyId, status))) {
      throw noSuchAccessKey(accessKeyId);
    }
  }

  async deleteAccessKey(owner: UserOrRoot, accessKeyId: string): Promise<void> {
    if (!(await this.deps.persistence.deleteAccessKey(owner.principalId, accessKeyId))) {
      throw noSuchAccessKey(accessKeyId);
    }
  }
}
