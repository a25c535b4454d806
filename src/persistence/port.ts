/**
 * The persistence port: everything Trent remembers except the root key. Asynchronous so that a networked
 * adapter (PostgreSQL, several Trent nodes) fits the same shape as the embedded SQLite one.
 *
 * Every method is one atomic unit: it happens entirely or not at all, and once its promise resolves the
 * change is durable (survives kill -9). Read-check-write sequences go through `updateKey`, whose `change`
 * function runs inside the adapter's transaction against the current row (SELECT ... FOR UPDATE on a
 * networked adapter), so two concurrent mutations of one key never interleave. The one exception is a call
 * made inside `mutation`: it is still all or nothing, but it commits (and becomes durable) with the mutation.
 *
 * Times are milliseconds since the Unix epoch. Keys, aliases and tags are scoped by (account, Region).
 */

// One class for the whole process: the pipeline, which may not import persistence, catches it by instanceof.
export { MutationCommitFailed } from '../shared/mutation.js';

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface KeyRecord {
  readonly accountId: string;
  readonly region: string;
  /** A UUID, unique across the whole store. */
  readonly keyId: string;
  readonly createdAt: number;
  readonly description: string;
  readonly keyUsage: string;
  readonly keySpec: string;
  readonly origin: string;
  readonly multiRegion: boolean;
  readonly policy: string;
  readonly state: KeyState;
  /** Set while PendingDeletion: when the deletion job may delete the key. */
  readonly deletionDate: number | null;
  readonly pendingWindowInDays: number | null;
  /** The key store that holds the backing keys ('software' today). */
  readonly keyStore: string;
  /** The backing-key version new ciphertexts use. */
  readonly currentBackingVersion: number;
}

/** One version of a key's material, as the key store returned it (for the software store: wrapped under the root key). */
export interface BackingKeyRecord {
  readonly keyId: string;
  readonly version: number;
  readonly createdAt: number;
  readonly keyStore: string;
  readonly handle: Uint8Array;
}

export interface Tag {
  readonly TagKey: string;
  readonly TagValue: string;
}

export interface AliasRecord {
  readonly accountId: string;
  readonly region: string;
  /** Including the `alias/` prefix. */
  readonly aliasName: string;
  readonly targetKeyId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AccountRecord {
  readonly accountId: string;
  readonly createdAt: number;
}

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** e.g. arn:aws:iam::111122223333:root */
  readonly principalArn: string;
  readonly principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  readonly principalId: string;
  /** The secret, sealed by the key store under the root key; never stored in plaintext. */
  readonly sealedSecret: Uint8Array;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: number;
}

/** An IAM user. Names are unique per account case-insensitively, as IAM's are; the case given is kept. */
export interface UserRecord {
  readonly accountId: string;
  readonly userName: string;
  /** AIDA followed by 17 base-32 characters, unique across the store; aws:userid for the user. */
  readonly userId: string;
  /** '/' or '/a/b/': part of the ARN. */
  readonly path: string;
  /** arn:aws:iam::<account>:user<path><name> */
  readonly arn: string;
  readonly createdAt: number;
}

/** An IAM role, with the trust policy (AssumeRolePolicyDocument) that says who may assume it. */
export interface RoleRecord {
  readonly accountId: string;
  readonly roleName: string;
  /** AROA followed by 17 base-32 characters, unique across the store. */
  readonly roleId: string;
  readonly path: string;
  /** arn:aws:iam::<account>:role<path><name> */
  readonly arn: string;
  readonly trustPolicy: string;
  readonly description: string;
  /** Seconds, 3600 to 43200. */
  readonly maxSessionDuration: number;
  readonly createdAt: number;
}

/** An inline identity policy of a user or role (PutUserPolicy / PutRolePolicy). */
export interface InlinePolicyRecord {
  readonly policyName: string;
  readonly document: string;
}

/** Who an identity child row (access key, inline policy, tag) belongs to: a user's or role's id, or an account id for its root. */
export type PrincipalId = string;

/** Outcome of a write to a principal's children, checked inside the write. */
export type PrincipalWrite = 'stored' | 'no-such-principal' | 'over-limit';

/** Outcome of deleting a user or role: AWS refuses while access keys or inline policies remain. */
export type PrincipalDelete = 'deleted' | 'no-such-principal' | 'conflict';

export interface GrantConstraints {
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

/** A grant on a key (CreateGrant). The token is a bearer secret: only its SHA-256 is stored. */
export interface GrantRecord {
  readonly grantId: string;
  readonly accountId: string;
  readonly region: string;
  readonly keyId: string;
  readonly name: string | null;
  readonly granteePrincipal: string;
  readonly retiringPrincipal: string | null;
  /** arn:aws:iam::<account>:root of the account that created the grant. */
  readonly issuingAccount: string;
  readonly operations: readonly string[];
  readonly constraints: GrantConstraints | null;
  /** Hex SHA-256 of the grant token. */
  readonly tokenHash: string;
  readonly createdAt: number;
}

/** Ascending paging by a string cursor: items strictly after `after`, at most `limit`. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: string | undefined;
}

export interface Persistence {
  /** Creates or upgrades the schema; idempotent. */
  migrate(): Promise<void>;
  /** Throws when the store cannot serve reads and writes (for /readyz). */
  ping(): Promise<void>;
  /**
   * A number that moves whenever a change committed by anyone else (another connection, another Trent
   * process) becomes visible to this store's reads. It may move for the store's own commits too (the SQLite
   * adapter reads through a connection of its own). A cache in front of the store drops everything when it
   * moves, so several processes can share one store.
   */
  dataVersion(): Promise<number>;
  /** Waits for an open mutation to end. */
  close(): Promise<void>;

  /**
   * Runs `work` (which calls this store's methods) so that all of its writes commit together, and only after
   * `beforeCommit(result)` resolves; if `work` or `beforeCommit` throws, none of its writes happen. Writes made by
   * other callers while a mutation is open wait for it (they are never part of it, never lost by its rollback);
   * reads by other callers see only committed data. Resolves with work's result once committed; if the commit
   * itself fails, rejects with MutationCommitFailed (the caller records that the change did not happen).
   *
   * Inside `work` and `beforeCommit`, reads see the mutation's own writes and a call that rejects changes
   * nothing, so work may go on after it. Mutations do not nest: calling `mutation` from inside one rejects.
   */
  mutation<T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>): Promise<T>;

  /** Small named values the server keeps for itself (e.g. the root key's check value). */
  getSetting(name: string): Promise<string | undefined>;
  /** Stores the value unless the name exists; returns whether it stored it. */
  putSettingIfAbsent(name: string, value: string): Promise<boolean>;

  /** The first-start bootstrap in one transaction: the account and its root access key. */
  insertAccount(account: AccountRecord, rootAccessKey: AccessKeyRecord): Promise<void>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  findAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /**
   * Stores an access key of an existing principal (a user, or an account's root: principalId = accountId),
   * unless the principal already has `maxPerPrincipal` keys (counted inside the write).
   */
  insertAccessKey(accessKey: AccessKeyRecord, maxPerPrincipal: number): Promise<PrincipalWrite>;
  /** The principal's access keys, ordered by createdAt then accessKeyId. */
  listAccessKeys(principalId: PrincipalId): Promise<AccessKeyRecord[]>;
  /** Returns false when the principal has no such key. */
  updateAccessKeyStatus(
    principalId: PrincipalId,
    accessKeyId: string,
    status: AccessKeyRecord['status'],
  ): Promise<boolean>;
  /** Returns false when the principal has no such key. */
  deleteAccessKey(principalId: PrincipalId, accessKeyId: string): Promise<boolean>;

  /** The user and its tags, all or nothing; false (nothing stored) when the name is taken in the account, in any case. */
  insertUser(user: UserRecord, tags: readonly Tag[]): Promise<boolean>;
  /** By name, case-insensitively. */
  findUser(accountId: string, userName: string): Promise<UserRecord | undefined>;
  /** Users of the account whose path starts with `pathPrefix`, ordered by lowercase name (the cursor). */
  listUsers(accountId: string, pathPrefix: string, page: PageRequest): Promise<UserRecord[]>;
  /** Deletes the user with its tags; 'conflict' (nothing deleted) while it has access keys or inline policies. */
  deleteUser(accountId: string, userName: string): Promise<PrincipalDelete>;

  /** The role and its tags, all or nothing; false when the name is taken in the account, in any case. */
  insertRole(role: RoleRecord, tags: readonly Tag[]): Promise<boolean>;
  findRole(accountId: string, roleName: string): Promise<RoleRecord | undefined>;
  listRoles(accountId: string, pathPrefix: string, page: PageRequest): Promise<RoleRecord[]>;
  /** Returns false when the role does not exist. */
  updateTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Promise<boolean>;
  /** Deletes the role with its tags; 'conflict' while it has inline policies. */
  deleteRole(accountId: string, roleName: string): Promise<PrincipalDelete>;

  /**
   * Adds or replaces an inline policy of an existing user or role; 'over-limit' when the principal's inline
   * policies together would pass `maxPolicyChars` characters, whitespace not counted (as IAM counts).
   */
  putInlinePolicy(
    principalId: PrincipalId,
    policy: InlinePolicyRecord,
    maxPolicyChars: number,
  ): Promise<PrincipalWrite>;
  /** Ordered by policyName. */
  listInlinePolicies(principalId: PrincipalId): Promise<InlinePolicyRecord[]>;
  /** Returns false when there is no such policy. */
  deleteInlinePolicy(principalId: PrincipalId, policyName: string): Promise<boolean>;
  /** Adds or overwrites tags of an existing user or role; 'over-limit' when it would end with more than `maxTags`. */
  putPrincipalTags(principalId: PrincipalId, tags: readonly Tag[], maxTags: number): Promise<PrincipalWrite>;
  /** Ordered by TagKey. */
  listPrincipalTags(principalId: PrincipalId): Promise<Tag[]>;

  /** The key, its first backing key and its tags, all or nothing. */
  insertKey(key: KeyRecord, backingKey: BackingKeyRecord, tags: readonly Tag[]): Promise<void>;
  findKey(scope: Scope, keyId: string): Promise<KeyRecord | undefined>;
  /** Ordered by keyId. */
  listKeys(scope: Scope, page: PageRequest): Promise<KeyRecord[]>;
  /**
   * Replaces the key row with `change(current)` inside one transaction. Returns undefined (and changes
   * nothing) when the key does not exist; whatever `change` throws aborts the transaction and propagates.
   */
  updateKey(scope: Scope, keyId: string, change: (current: KeyRecord) => KeyRecord): Promise<KeyRecord | undefined>;
  findBackingKey(keyId: string, version: number): Promise<BackingKeyRecord | undefined>;
  /** Keys in PendingDeletion whose deletionDate is at or before `now`, across all scopes. */
  keysDueForDeletion(now: number, limit: number): Promise<KeyRecord[]>;
  /**
   * Deletes the key with its backing keys, aliases and tags, but only if it is still PendingDeletion with a
   * deletionDate at or before `now`; returns whether it deleted it.
   */
  deleteKeyIfDue(scope: Scope, keyId: string, now: number): Promise<boolean>;

  /** Returns false (and stores nothing) when the alias name is taken in that scope. */
  insertAlias(alias: AliasRecord): Promise<boolean>;
  findAlias(scope: Scope, aliasName: string): Promise<AliasRecord | undefined>;
  /** Returns false when the alias does not exist. */
  updateAlias(scope: Scope, aliasName: string, targetKeyId: string, updatedAt: number): Promise<boolean>;
  /** Returns false when the alias does not exist. */
  deleteAlias(scope: Scope, aliasName: string): Promise<boolean>;
  /** Ordered by aliasName; only aliases of `keyId` when it is given. */
  listAliases(scope: Scope, page: PageRequest, keyId?: string): Promise<AliasRecord[]>;

  /**
   * Stores a grant of an existing key of the scope, unless the key already has `maxGrantsPerKey` grants
   * (counted inside the write). Returns false, storing nothing, at the limit.
   */
  insertGrant(grant: GrantRecord, maxGrantsPerKey: number): Promise<boolean>;
  /** The grants of a key, ordered by grantId; only those of `granteePrincipal` / `grantId` when given. */
  listGrants(
    scope: Scope,
    keyId: string,
    page: PageRequest,
    filter?: { readonly grantId?: string | undefined; readonly granteePrincipal?: string | undefined },
  ): Promise<GrantRecord[]>;
  /** Grants whose retiring principal is `retiringPrincipal`, across keys and scopes, ordered by grantId. */
  listRetirableGrants(retiringPrincipal: string, page: PageRequest): Promise<GrantRecord[]>;
  findGrantByTokenHash(tokenHash: string): Promise<GrantRecord | undefined>;
  /** Returns false when there is no such grant on that key of the scope. */
  deleteGrant(scope: Scope, keyId: string, grantId: string): Promise<boolean>;

  /** Ordered by TagKey. */
  listTags(scope: Scope, keyId: string, page: PageRequest): Promise<Tag[]>;
  /**
   * Adds or overwrites tags of an existing key, all or nothing. Returns false, changing nothing, when the
   * key would end up with more than `maxTags` tags: the count is checked inside the write, so concurrent
   * callers (other processes included) cannot pass the limit together.
   */
  putTags(scope: Scope, keyId: string, tags: readonly Tag[], maxTags: number): Promise<boolean>;
  /** Removes the named tag keys; absent ones are ignored. */
  removeTags(scope: Scope, keyId: string, tagKeys: readonly string[]): Promise<void>;
}
