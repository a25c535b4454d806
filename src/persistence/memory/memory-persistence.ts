import { needs } from '../../shared/needs.js';
import { inlinePolicyCharsAfterPut, nameCursor, nameKey, tagCountAfterPut } from '../identity-rules.js';
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  BackingKeyRecord,
  GrantRecord,
  InlinePolicyRecord,
  KeyRecord,
  PageRequest,
  Persistence,
  PrincipalId,
  RoleRecord,
  Scope,
  Tag,
  UserRecord,
} from '../port.js';
import { WriteGate } from '../write-gate.js';

/**
 * The adapter for fast unit tests: the port's semantics over Maps, nothing durable. Each method checks
 * everything before it changes anything, so a rejected call leaves the store as it was, as a rolled-back
 * transaction would. Records go in and come out as frozen copies (byte fields copied each way), so no
 * caller can reach into the store through an object it holds. A mutation works on a copy of the store,
 * which replaces the committed one when it commits; everyone else reads the committed one meanwhile.
 */
interface Store {
  readonly settings: Map<string, string>;
  readonly accounts: Map<string, AccountRecord>;
  readonly accessKeys: Map<string, AccessKeyRecord>;
  readonly keys: Map<string, KeyRecord>;
  /** keyId -> version -> backing key */
  readonly backingKeys: Map<string, Map<number, BackingKeyRecord>>;
  /** aliasKey(scope, aliasName) -> alias */
  readonly aliases: Map<string, AliasRecord>;
  /** keyId -> TagKey -> TagValue */
  readonly tags: Map<string, Map<string, string>>;
  /** grantId -> grant */
  readonly grants: Map<string, GrantRecord>;
  /** userId -> user */
  readonly users: Map<string, UserRecord>;
  /** roleId -> role */
  readonly roles: Map<string, RoleRecord>;
  /** principalId -> policyName -> document */
  readonly inlinePolicies: Map<PrincipalId, Map<string, string>>;
  /** principalId -> TagKey -> TagValue */
  readonly principalTags: Map<PrincipalId, Map<string, string>>;
}

const emptyStore = (): Store => ({
  settings: new Map(),
  accounts: new Map(),
  accessKeys: new Map(),
  keys: new Map(),
  backingKeys: new Map(),
  aliases: new Map(),
  tags: new Map(),
  grants: new Map(),
  users: new Map(),
  roles: new Map(),
  inlinePolicies: new Map(),
  principalTags: new Map(),
});

const copyNested = <Outer, Inner, Value>(map: ReadonlyMap<Outer, ReadonlyMap<Inner, Value>>) =>
  new Map([...map].map(([key, inner]) => [key, new Map(inner)]));

/** A copy a mutation may change freely: the maps are new, the frozen records in them shared. */
const copyStore = (store: Store): Store => ({
  settings: new Map(store.settings),
  accounts: new Map(store.accounts),
  accessKeys: new Map(store.accessKeys),
  keys: new Map(store.keys),
  backingKeys: copyNested(store.backingKeys),
  aliases: new Map(store.aliases),
  tags: copyNested(store.tags),
  grants: new Map(store.grants),
  users: new Map(store.users),
  roles: new Map(store.roles),
  inlinePolicies: copyNested(store.inlinePolicies),
  principalTags: copyNested(store.principalTags),
});

export interface MemorySeams {
  /** Runs where a database would commit a mutation: a test makes it throw to see a commit fail. */
  readonly atCommit?: () => void;
}

const frozen = <T extends object>(record: T): T => Object.freeze({ ...record });
const copyAccessKey = (key: AccessKeyRecord): AccessKeyRecord =>
  Object.freeze({ ...key, sealedSecret: Buffer.from(key.sealedSecret) });
const copyBackingKey = (key: BackingKeyRecord): BackingKeyRecord =>
  Object.freeze({ ...key, handle: Buffer.from(key.handle) });

/** A deep, deeply frozen copy: operations and constraints are nested, and no caller may keep a handle on them. */
const copyGrant = (grant: GrantRecord): GrantRecord =>
  JSON.parse(JSON.stringify(grant), (_key, value: unknown) =>
    typeof value === 'object' && value !== null ? Object.freeze(value) : value,
  );

const inScope = (record: Scope, scope: Scope) => record.accountId === scope.accountId && record.region === scope.region;
const aliasKey = (scope: Scope, aliasName: string) => JSON.stringify([scope.accountId, scope.region, aliasName]);

/** Code-point order, which is UTF-8 byte order: what SQLite's BINARY collation gives, unlike JS's `<` (UTF-16). */
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Tags of a key or a principal, in TagKey order. */
const tagsOf = (tagMap: ReadonlyMap<string, string> | undefined): Tag[] =>
  [...(tagMap ?? [])]
    .map(([TagKey, TagValue]): Tag => Object.freeze({ TagKey, TagValue }))
    .sort((a, b) => byCodePoint(a.TagKey, b.TagKey));

const inlinePoliciesOf = (policies: ReadonlyMap<string, string> | undefined): InlinePolicyRecord[] =>
  [...(policies ?? [])]
    .map(([policyName, document]): InlinePolicyRecord => Object.freeze({ policyName, document }))
    .sort((a, b) => byCodePoint(a.policyName, b.policyName));

/** Users or roles of the account under the path prefix, a page of them by lowercase name. */
function identityPage<T extends { readonly accountId: string; readonly path: string }>(
  identities: Iterable<T>,
  nameOf: (identity: T) => string,
  accountId: string,
  pathPrefix: string,
  page: PageRequest,
): T[] {
  const listed = [...identities].filter(
    (identity) => identity.accountId === accountId && identity.path.startsWith(pathPrefix),
  );
  return pageOf(listed, (identity) => nameKey(nameOf(identity)), nameCursor(page));
}

function pageOf<T>(items: Iterable<T>, cursorOf: (item: T) => string, page: PageRequest): T[] {
  needs(Number.isSafeInteger(page.limit) && page.limit >= 0, 'page limit must be a non-negative integer');
  const { after } = page;
  return [...items]
    .filter((item) => after === undefined || byCodePoint(cursorOf(item), after) > 0)
    .sort((a, b) => byCodePoint(cursorOf(a), cursorOf(b)))
    .slice(0, page.limit);
}

export function createMemoryPersistence(seams: MemorySeams = {}): Persistence {
  let committed: Store | undefined = emptyStore();
  let mutated: Store | undefined;
  const committedStore = (): Store => {
    needs(committed !== undefined, 'the memory persistence is closed');
    return committed;
  };
  const gate = new WriteGate({
    begin: () => {
      mutated = copyStore(committedStore());
    },
    commit: () => {
      seams.atCommit?.();
      committed = mutated;
      mutated = undefined;
    },
    rollback: () => {
      mutated = undefined;
    },
  });
  /** What the caller sees: a mutation its own writes, everyone else what is committed. */
  const store = (): Store => {
    if (!gate.inMutation()) return committedStore();
    needs(mutated !== undefined, 'the mutation has ended');
    return mutated;
  };

  const keyInScope = (scope: Scope, keyId: string): KeyRecord | undefined => {
    const key = store().keys.get(keyId);
    return key && inScope(key, scope) ? key : undefined;
  };
  const requireKeyInScope = (scope: Scope, keyId: string) =>
    needs(keyInScope(scope, keyId) !== undefined, `key ${keyId} does not exist in ${scope.accountId}/${scope.region}`);

  /** Adds or overwrites tags of a key (in `tags`) or of a principal (in `principalTags`). */
  const writeTags = (tagsByOwner: Map<string, Map<string, string>>, ownerId: string, tags: readonly Tag[]) => {
    const ownerTags = tagsByOwner.get(ownerId) ?? new Map<string, string>();
    for (const tag of tags) ownerTags.set(tag.TagKey, tag.TagValue);
    tagsByOwner.set(ownerId, ownerTags);
  };

  const userNamed = (accountId: string, userName: string): UserRecord | undefined =>
    [...store().users.values()].find(
      (user) => user.accountId === accountId && nameKey(user.userName) === nameKey(userName),
    );
  const roleNamed = (accountId: string, roleName: string): RoleRecord | undefined =>
    [...store().roles.values()].find(
      (role) => role.accountId === accountId && nameKey(role.roleName) === nameKey(roleName),
    );

  /** The account of a user or role id: the principals inline policies and tags belong to. */
  const identityAccount = (principalId: PrincipalId): string | undefined =>
    store().users.get(principalId)?.accountId ?? store().roles.get(principalId)?.accountId;
  /** Access keys may also belong to an account's root, whose principal id is the account id. */
  const accessKeyOwnerAccount = (principalId: PrincipalId): string | undefined =>
    identityAccount(principalId) ?? (store().accounts.has(principalId) ? principalId : undefined);
  const requireFreePrincipalId = (principalId: PrincipalId) =>
    needs(identityAccount(principalId) === undefined, `principal id ${principalId} is taken`);

  const accessKeysOf = (principalId: PrincipalId): AccessKeyRecord[] =>
    [...store().accessKeys.values()].filter((key) => key.principalId === principalId);
  const hasInlinePolicies = (principalId: PrincipalId) => (store().inlinePolicies.get(principalId)?.size ?? 0) > 0;

  /** Removes an identity (already known to exist) with its tags. */
  const forgetIdentity = (identities: Map<string, unknown>, principalId: PrincipalId) => {
    identities.delete(principalId);
    store().principalTags.delete(principalId);
  };

  return {
    async migrate() {
      store();
    },

    async ping() {
      store();
    },

    async dataVersion() {
      store();
      return 0;
    },

    async close() {
      return gate.write(() => {
        committed = undefined;
      });
    },

    async mutation(work, beforeCommit) {
      return gate.mutation(work, beforeCommit);
    },

    async getSetting(name) {
      return store().settings.get(name);
    },

    async putSettingIfAbsent(name, value) {
      return gate.write(() => {
        const { settings } = store();
        if (settings.has(name)) return false;
        settings.set(name, value);
        return true;
      });
    },

    async insertAccount(account, rootAccessKey) {
      return gate.write(() => {
        const { accounts, accessKeys } = store();
        needs(rootAccessKey.accountId === account.accountId, 'the root access key must belong to the new account');
        needs(!accounts.has(account.accountId), `account ${account.accountId} already exists`);
        needs(!accessKeys.has(rootAccessKey.accessKeyId), `access key ${rootAccessKey.accessKeyId} already exists`);
        accounts.set(account.accountId, frozen(account));
        accessKeys.set(rootAccessKey.accessKeyId, copyAccessKey(rootAccessKey));
      });
    },

    async getAccount(accountId) {
      return store().accounts.get(accountId);
    },

    async findAccessKey(accessKeyId) {
      const key = store().accessKeys.get(accessKeyId);
      return key && copyAccessKey(key);
    },

    async insertAccessKey(accessKey, maxPerPrincipal) {
      return gate.write(() => {
        const { accounts, accessKeys } = store();
        if (accessKeyOwnerAccount(accessKey.principalId) !== accessKey.accountId) return 'no-such-principal';
        if (accessKeysOf(accessKey.principalId).length >= maxPerPrincipal) return 'over-limit';
        // What SQLite's primary and foreign keys refuse.
        needs(!accessKeys.has(accessKey.accessKeyId), `access key ${accessKey.accessKeyId} already exists`);
        needs(accounts.has(accessKey.accountId), `account ${accessKey.accountId} does not exist`);
        accessKeys.set(accessKey.accessKeyId, copyAccessKey(accessKey));
        return 'stored';
      });
    },

    async listAccessKeys(principalId) {
      return accessKeysOf(principalId)
        .sort((a, b) => a.createdAt - b.createdAt || byCodePoint(a.accessKeyId, b.accessKeyId))
        .map(copyAccessKey);
    },

    async updateAccessKeyStatus(principalId, accessKeyId, status) {
      return gate.write(() => {
        const { accessKeys } = store();
        const key = accessKeys.get(accessKeyId);
        if (key?.principalId !== principalId) return false;
        accessKeys.set(accessKeyId, Object.freeze({ ...key, status }));
        return true;
      });
    },

    async deleteAccessKey(principalId, accessKeyId) {
      return gate.write(() => {
        const { accessKeys } = store();
        if (accessKeys.get(accessKeyId)?.principalId !== principalId) return false;
        return accessKeys.delete(accessKeyId);
      });
    },

    async insertUser(user, tags) {
      return gate.write(() => {
        if (userNamed(user.accountId, user.userName) !== undefined) return false;
        requireFreePrincipalId(user.userId);
        store().users.set(user.userId, frozen(user));
        writeTags(store().principalTags, user.userId, tags);
        return true;
      });
    },

    async findUser(accountId, userName) {
      return userNamed(accountId, userName);
    },

    async listUsers(accountId, pathPrefix, page) {
      return identityPage(store().users.values(), (user) => user.userName, accountId, pathPrefix, page);
    },

    async deleteUser(accountId, userName) {
      return gate.write(() => {
        const user = userNamed(accountId, userName);
        if (user === undefined) return 'no-such-principal';
        if (accessKeysOf(user.userId).length > 0 || hasInlinePolicies(user.userId)) return 'conflict';
        forgetIdentity(store().users, user.userId);
        return 'deleted';
      });
    },

    async insertRole(role, tags) {
      return gate.write(() => {
        if (roleNamed(role.accountId, role.roleName) !== undefined) return false;
        requireFreePrincipalId(role.roleId);
        store().roles.set(role.roleId, frozen(role));
        writeTags(store().principalTags, role.roleId, tags);
        return true;
      });
    },

    async findRole(accountId, roleName) {
      return roleNamed(accountId, roleName);
    },

    async listRoles(accountId, pathPrefix, page) {
      return identityPage(store().roles.values(), (role) => role.roleName, accountId, pathPrefix, page);
    },

    async updateTrustPolicy(accountId, roleName, trustPolicy) {
      return gate.write(() => {
        const role = roleNamed(accountId, roleName);
        if (role === undefined) return false;
        store().roles.set(role.roleId, frozen({ ...role, trustPolicy }));
        return true;
      });
    },

    async deleteRole(accountId, roleName) {
      return gate.write(() => {
        const role = roleNamed(accountId, roleName);
        if (role === undefined) return 'no-such-principal';
        if (hasInlinePolicies(role.roleId)) return 'conflict';
        forgetIdentity(store().roles, role.roleId);
        return 'deleted';
      });
    },

    async putInlinePolicy(principalId, policy, maxPolicyChars) {
      return gate.write(() => {
        if (identityAccount(principalId) === undefined) return 'no-such-principal';
        const { inlinePolicies } = store();
        const policies = inlinePolicies.get(principalId) ?? new Map<string, string>();
        if (inlinePolicyCharsAfterPut(inlinePoliciesOf(policies), policy) > maxPolicyChars) return 'over-limit';
        policies.set(policy.policyName, policy.document);
        inlinePolicies.set(principalId, policies);
        return 'stored';
      });
    },

    async listInlinePolicies(principalId) {
      return inlinePoliciesOf(store().inlinePolicies.get(principalId));
    },

    async deleteInlinePolicy(principalId, policyName) {
      return gate.write(() => {
        return store().inlinePolicies.get(principalId)?.delete(policyName) ?? false;
      });
    },

    async putPrincipalTags(principalId, tags, maxTags) {
      return gate.write(() => {
        if (identityAccount(principalId) === undefined) return 'no-such-principal';
        const { principalTags } = store();
        if (tagCountAfterPut(principalTags.get(principalId)?.keys() ?? [], tags) > maxTags) return 'over-limit';
        writeTags(principalTags, principalId, tags);
        return 'stored';
      });
    },

    async listPrincipalTags(principalId) {
      return tagsOf(store().principalTags.get(principalId));
    },

    async insertKey(key, backingKey, tags) {
      return gate.write(() => {
        const { keys, backingKeys } = store();
        needs(backingKey.keyId === key.keyId, 'the backing key must belong to the key');
        needs(!keys.has(key.keyId), `key ${key.keyId} already exists`);
        keys.set(key.keyId, frozen(key));
        backingKeys.set(key.keyId, new Map([[backingKey.version, copyBackingKey(backingKey)]]));
        writeTags(store().tags, key.keyId, tags);
      });
    },

    async findKey(scope, keyId) {
      return keyInScope(scope, keyId);
    },

    async listKeys(scope, page) {
      const keys = [...store().keys.values()].filter((key) => inScope(key, scope));
      return pageOf(keys, (key) => key.keyId, page);
    },

    async updateKey(scope, keyId, change) {
      return gate.write(() => {
        const before = keyInScope(scope, keyId);
        if (before === undefined) return undefined;
        const after = frozen(change(before));
        needs(
          after.keyId === before.keyId && after.accountId === before.accountId && after.region === before.region,
          'updateKey must not change the key id, account or Region',
        );
        store().keys.set(keyId, after);
        return after;
      });
    },

    async findBackingKey(keyId, version) {
      const key = store().backingKeys.get(keyId)?.get(version);
      return key && copyBackingKey(key);
    },

    async keysDueForDeletion(now, limit) {
      needs(Number.isSafeInteger(limit) && limit >= 0, 'limit must be a non-negative integer');
      const isDue = (key: KeyRecord) =>
        key.state === 'PendingDeletion' && key.deletionDate !== null && key.deletionDate <= now;
      return [...store().keys.values()]
        .filter(isDue)
        .sort((a, b) => (a.deletionDate ?? 0) - (b.deletionDate ?? 0) || byCodePoint(a.keyId, b.keyId))
        .slice(0, limit);
    },

    async deleteKeyIfDue(scope, keyId, now) {
      return gate.write(() => {
        const key = keyInScope(scope, keyId);
        if (key?.state !== 'PendingDeletion' || key.deletionDate === null || key.deletionDate > now) return false;
        const { keys, backingKeys, tags, aliases, grants } = store();
        keys.delete(keyId);
        backingKeys.delete(keyId);
        tags.delete(keyId);
        for (const [name, alias] of aliases) if (alias.targetKeyId === keyId) aliases.delete(name);
        for (const [grantId, grant] of grants) if (grant.keyId === keyId) grants.delete(grantId);
        return true;
      });
    },

    async insertAlias(alias) {
      return gate.write(() => {
        requireKeyInScope(alias, alias.targetKeyId);
        const { aliases } = store();
        const name = aliasKey(alias, alias.aliasName);
        if (aliases.has(name)) return false;
        aliases.set(name, frozen(alias));
        return true;
      });
    },

    async findAlias(scope, aliasName) {
      return store().aliases.get(aliasKey(scope, aliasName));
    },

    async updateAlias(scope, aliasName, targetKeyId, updatedAt) {
      return gate.write(() => {
        requireKeyInScope(scope, targetKeyId);
        const { aliases } = store();
        const name = aliasKey(scope, aliasName);
        const alias = aliases.get(name);
        if (alias === undefined) return false;
        aliases.set(name, frozen({ ...alias, targetKeyId, updatedAt }));
        return true;
      });
    },

    async deleteAlias(scope, aliasName) {
      return gate.write(() => {
        return store().aliases.delete(aliasKey(scope, aliasName));
      });
    },

    async listAliases(scope, page, keyId) {
      const aliases = [...store().aliases.values()].filter(
        (alias) => inScope(alias, scope) && (keyId === undefined || alias.targetKeyId === keyId),
      );
      return pageOf(aliases, (alias) => alias.aliasName, page);
    },

    async insertGrant(grant, maxGrantsPerKey) {
      return gate.write(() => {
        requireKeyInScope(grant, grant.keyId);
        const { grants } = store();
        const existing = [...grants.values()];
        needs(!grants.has(grant.grantId), `grant ${grant.grantId} already exists`);
        needs(!existing.some((other) => other.tokenHash === grant.tokenHash), 'the grant token hash is taken');
        if (existing.filter((other) => other.keyId === grant.keyId).length >= maxGrantsPerKey) return false;
        grants.set(grant.grantId, copyGrant(grant));
        return true;
      });
    },

    async listGrants(scope, keyId, page, filter) {
      const matches = (grant: GrantRecord) =>
        grant.keyId === keyId &&
        (filter?.grantId === undefined || grant.grantId === filter.grantId) &&
        (filter?.granteePrincipal === undefined || grant.granteePrincipal === filter.granteePrincipal);
      const grants = keyInScope(scope, keyId) ? [...store().grants.values()].filter(matches) : [];
      return pageOf(grants, (grant) => grant.grantId, page);
    },

    async listRetirableGrants(retiringPrincipal, page) {
      const grants = [...store().grants.values()].filter((grant) => grant.retiringPrincipal === retiringPrincipal);
      return pageOf(grants, (grant) => grant.grantId, page);
    },

    async findGrantByTokenHash(tokenHash) {
      return [...store().grants.values()].find((grant) => grant.tokenHash === tokenHash);
    },

    async deleteGrant(scope, keyId, grantId) {
      return gate.write(() => {
        const { grants } = store();
        const grant = grants.get(grantId);
        if (grant?.keyId !== keyId || keyInScope(scope, keyId) === undefined) return false;
        return grants.delete(grantId);
      });
    },

    async listTags(scope, keyId, page) {
      const tags = keyInScope(scope, keyId) ? tagsOf(store().tags.get(keyId)) : [];
      return pageOf(tags, (tag) => tag.TagKey, page);
    },

    async putTags(scope, keyId, tags, maxTags) {
      return gate.write(() => {
        requireKeyInScope(scope, keyId);
        if (tagCountAfterPut(store().tags.get(keyId)?.keys() ?? [], tags) > maxTags) return false;
        writeTags(store().tags, keyId, tags);
        return true;
      });
    },

    async removeTags(scope, keyId, tagKeys) {
      return gate.write(() => {
        requireKeyInScope(scope, keyId);
        const keyTags = store().tags.get(keyId);
        for (const tagKey of tagKeys) keyTags?.delete(tagKey);
      });
    },
  };
}
