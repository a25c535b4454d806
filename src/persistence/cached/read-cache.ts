import type {
  AccessKeyRecord,
  AliasRecord,
  BackingKeyRecord,
  InlinePolicyRecord,
  KeyRecord,
  Persistence,
  RoleRecord,
  Scope,
  Tag,
} from '../port.js';

/** A bounded map that forgets its oldest entry when full. */
class BoundedMap<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(private readonly capacity: number) {}

  get(key: string): Value | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: Value): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

const NO_LOOK = -1;

function scoped(scope: Scope, name: string): string {
  return `${scope.accountId}\u0000${scope.region}\u0000${name}`;
}

/**
 * Keeps the rows every request reads (its access key, its key, the key's backing key, an alias, and for a
 * user or role the role, the principal's inline policies and tags) in memory, in front of any adapter.
 * Every write through this wrapper drops what it touches before it returns;
 * changes made by anyone else (another process on the same SQLite file) show in the store's dataVersion,
 * which empties the cache when it moved.
 *
 * The dataVersion is read once for every request that started since the last look, not once per cached read
 * (each look takes SQLite's read locks, several microseconds; an IAM user's request makes five cached reads):
 * a cached read is served only after a look that began after the latest `requestStarted()`, so a request
 * sees every commit made before it arrived, by any process. Opening a mutation's transaction demands a new
 * look in the same way: a mutation reads what was committed before its transaction began (which every other
 * process's writer then waits for), not merely what was committed before its request arrived. A look also lapses when the event loop turns,
 * so code that marks no requests (jobs, the command line) sees other processes' commits by its next turn.
 *
 * A read that started before a write never fills the cache with what it read: a generation counter,
 * bumped by every write, must be unchanged between the start of the read and its end.
 *
 * While a `mutation` is open nothing is filled, by anyone: its own reads see its uncommitted writes, and
 * another caller's committed read, once cached, would hide those writes from the mutation's later reads.
 * Hits stay sound, since the look its transaction demands drops whatever others committed before it, and
 * each of its own writes drops what it touches. When it ends, committed or rolled back,
 * everything is dropped.
 */
export interface CachedPersistence extends Persistence {
  /**
   * A request has arrived: cached reads made from now on reflect every commit made before this call, by any
   * process. Call it before anything of the request is read.
   */
  requestStarted(): void;
}

export function withReadCache(inner: Persistence, capacity = 10_000): CachedPersistence {
  const accessKeys = new BoundedMap<AccessKeyRecord>(capacity);
  const keys = new BoundedMap<KeyRecord>(capacity);
  const backingKeys = new BoundedMap<BackingKeyRecord>(capacity);
  const aliases = new BoundedMap<AliasRecord>(capacity);
  const roles = new BoundedMap<RoleRecord>(capacity);
  const inlinePolicies = new BoundedMap<InlinePolicyRecord[]>(capacity);
  const principalTags = new BoundedMap<Tag[]>(capacity);
  const identityCaches = [roles, inlinePolicies, principalTags];
  let generation = 0;
  let openMutations = 0;
  let seenVersion: number | undefined;

  function forgetEverything(): void {
    generation += 1;
    for (const cache of [accessKeys, keys, backingKeys, aliases, ...identityCaches]) cache.clear();
  }

  /** Moves whenever later reads must see every commit made before now: a request arrives, a mutation opens. */
  let freshnessEpoch = 0;
  /** `freshnessEpoch` when the last look at the dataVersion began; NO_LOOK once it lapsed. */
  let lookedAfter = NO_LOOK;
  let lapseScheduled = false;

  function lapseWhenTheLoopTurns(): void {
    if (lapseScheduled) return;
    lapseScheduled = true;
    setImmediate(() => {
      lapseScheduled = false;
      lookedAfter = NO_LOOK;
    });
  }

  /** Another process committed since the last look: nothing cached can be trusted any more. */
  async function dropIfChangedElsewhere(): Promise<void> {
    if (lookedAfter === freshnessEpoch) return;
    const startedBefore = freshnessEpoch;
    const version = await inner.dataVersion();
    lookedAfter = startedBefore;
    lapseWhenTheLoopTurns();
    if (version === seenVersion) return;
    seenVersion = version;
    forgetEverything();
  }

  /** Records are frozen, but their byte fields are not: `copy` hands each caller bytes of its own. */
  async function cachedRead<Value>(
    cache: BoundedMap<Value>,
    key: string,
    read: () => Promise<Value | undefined>,
    copy: (value: Value) => Value = (value) => value,
  ): Promise<Value | undefined> {
    await dropIfChangedElsewhere();
    const hit = cache.get(key);
    if (hit !== undefined) return copy(hit);
    const startedAt = generation;
    const value = await read();
    if (value !== undefined && startedAt === generation && openMutations === 0) cache.set(key, copy(value));
    return value;
  }

  /** Each caller gets a list of its own: pushing to one must not change what later readers get. */
  async function cachedList<Item>(
    cache: BoundedMap<Item[]>,
    key: string,
    read: () => Promise<Item[]>,
  ): Promise<Item[]> {
    return (await cachedRead(cache, key, read, (list) => [...list])) ?? [];
  }

  async function write<Result>(change: () => Promise<Result>, forget: () => void): Promise<Result> {
    generation += 1;
    forget();
    try {
      return await change();
    } finally {
      generation += 1;
      forget();
    }
  }

  function forgetKey(keyId: string): void {
    keys.delete(keyId);
  }

  /** Deleting a key cascades to its backing keys and aliases; both maps are small and deletion is rare. */
  function forgetEverythingOfKey(keyId: string): void {
    forgetKey(keyId);
    backingKeys.clear();
    aliases.clear();
  }

  /**
   * Identities change rarely and a change can reach rows cached under other keys (a user's tags are put with
   * the user; deleting a role deletes its tags), so any change to one drops everything cached about them all.
   */
  function forgetIdentities(): void {
    for (const cache of identityCaches) cache.clear();
  }

  function forgetAccessKey(accessKeyId: string): void {
    accessKeys.delete(accessKeyId);
  }

  return {
    requestStarted() {
      freshnessEpoch += 1;
    },
    migrate: () => inner.migrate(),
    ping: () => inner.ping(),
    dataVersion: () => inner.dataVersion(),
    close: () => inner.close(),
    async mutation(work, beforeCommit) {
      openMutations += 1;
      try {
        // The transaction is open once `work` runs: from here on no other process commits until it ends.
        const freshWork = () => {
          freshnessEpoch += 1;
          return work();
        };
        return await inner.mutation(freshWork, beforeCommit);
      } finally {
        openMutations -= 1;
        forgetEverything();
      }
    },
    getSetting: (name) => inner.getSetting(name),
    putSettingIfAbsent: (name, value) => inner.putSettingIfAbsent(name, value),
    insertAccount: (account, rootAccessKey) =>
      write(
        () => inner.insertAccount(account, rootAccessKey),
        () => forgetAccessKey(rootAccessKey.accessKeyId),
      ),
    getAccount: (accountId) => inner.getAccount(accountId),
    insertAccessKey: (accessKey, maxPerPrincipal) =>
      write(
        () => inner.insertAccessKey(accessKey, maxPerPrincipal),
        () => forgetAccessKey(accessKey.accessKeyId),
      ),
    listAccessKeys: (principalId) => inner.listAccessKeys(principalId),
    // A deactivated or deleted key must stop authenticating with the next request, not when it is evicted.
    updateAccessKeyStatus: (principalId, accessKeyId, status) =>
      write(
        () => inner.updateAccessKeyStatus(principalId, accessKeyId, status),
        () => forgetAccessKey(accessKeyId),
      ),
    deleteAccessKey: (principalId, accessKeyId) =>
      write(
        () => inner.deleteAccessKey(principalId, accessKeyId),
        () => forgetAccessKey(accessKeyId),
      ),
    insertUser: (user, tags) => write(() => inner.insertUser(user, tags), forgetIdentities),
    findUser: (accountId, userName) => inner.findUser(accountId, userName),
    listUsers: (accountId, pathPrefix, page) => inner.listUsers(accountId, pathPrefix, page),
    deleteUser: (accountId, userName) => write(() => inner.deleteUser(accountId, userName), forgetIdentities),
    insertRole: (role, tags) => write(() => inner.insertRole(role, tags), forgetIdentities),
    findRole: (accountId, roleName) =>
      cachedRead(roles, `${accountId}\u0000${roleName}`, () => inner.findRole(accountId, roleName)),
    listRoles: (accountId, pathPrefix, page) => inner.listRoles(accountId, pathPrefix, page),
    updateTrustPolicy: (accountId, roleName, trustPolicy) =>
      write(() => inner.updateTrustPolicy(accountId, roleName, trustPolicy), forgetIdentities),
    deleteRole: (accountId, roleName) => write(() => inner.deleteRole(accountId, roleName), forgetIdentities),
    putInlinePolicy: (principalId, policy, maxPolicyChars) =>
      write(() => inner.putInlinePolicy(principalId, policy, maxPolicyChars), forgetIdentities),
    listInlinePolicies: (principalId) =>
      cachedList(inlinePolicies, principalId, () => inner.listInlinePolicies(principalId)),
    deleteInlinePolicy: (principalId, policyName) =>
      write(() => inner.deleteInlinePolicy(principalId, policyName), forgetIdentities),
    putPrincipalTags: (principalId, tags, maxTags) =>
      write(() => inner.putPrincipalTags(principalId, tags, maxTags), forgetIdentities),
    listPrincipalTags: (principalId) =>
      cachedList(principalTags, principalId, () => inner.listPrincipalTags(principalId)),
    findAccessKey: (accessKeyId) =>
      cachedRead(
        accessKeys,
        accessKeyId,
        () => inner.findAccessKey(accessKeyId),
        (record) => Object.freeze({ ...record, sealedSecret: Uint8Array.from(record.sealedSecret) }),
      ),
    insertKey: (key, backingKey, tags) =>
      write(
        () => inner.insertKey(key, backingKey, tags),
        () => forgetKey(key.keyId),
      ),
    async findKey(scope, keyId) {
      const key = await cachedRead(keys, keyId, () => inner.findKey(scope, keyId));
      return key && key.accountId === scope.accountId && key.region === scope.region ? key : undefined;
    },
    listKeys: (scope, page) => inner.listKeys(scope, page),
    updateKey: (scope, keyId, change) =>
      write(
        () => inner.updateKey(scope, keyId, change),
        () => forgetKey(keyId),
      ),
    findBackingKey: (keyId, version) =>
      cachedRead(
        backingKeys,
        `${keyId}\u0000${version}`,
        () => inner.findBackingKey(keyId, version),
        (record) => Object.freeze({ ...record, handle: Uint8Array.from(record.handle) }),
      ),
    keysDueForDeletion: (now, limit) => inner.keysDueForDeletion(now, limit),
    deleteKeyIfDue: (scope, keyId, now) =>
      write(
        () => inner.deleteKeyIfDue(scope, keyId, now),
        () => forgetEverythingOfKey(keyId),
      ),
    insertAlias: (alias) =>
      write(
        () => inner.insertAlias(alias),
        () => aliases.delete(scoped(alias, alias.aliasName)),
      ),
    findAlias: (scope, aliasName) =>
      cachedRead(aliases, scoped(scope, aliasName), () => inner.findAlias(scope, aliasName)),
    updateAlias: (scope, aliasName, targetKeyId, updatedAt) =>
      write(
        () => inner.updateAlias(scope, aliasName, targetKeyId, updatedAt),
        () => aliases.delete(scoped(scope, aliasName)),
      ),
    deleteAlias: (scope, aliasName) =>
      write(
        () => inner.deleteAlias(scope, aliasName),
        () => aliases.delete(scoped(scope, aliasName)),
      ),
    listAliases: (scope, page, keyId) => inner.listAliases(scope, page, keyId),
    // Grants are not cached: every grant call reaches the store, so there is nothing to forget.
    insertGrant: (grant, maxGrantsPerKey) => inner.insertGrant(grant, maxGrantsPerKey),
    listGrants: (scope, keyId, page, filter) => inner.listGrants(scope, keyId, page, filter),
    listRetirableGrants: (retiringPrincipal, page) => inner.listRetirableGrants(retiringPrincipal, page),
    findGrantByTokenHash: (tokenHash) => inner.findGrantByTokenHash(tokenHash),
    deleteGrant: (scope, keyId, grantId) => inner.deleteGrant(scope, keyId, grantId),
    listTags: (scope, keyId, page) => inner.listTags(scope, keyId, page),
    putTags: (scope, keyId, tags, maxTags) => inner.putTags(scope, keyId, tags, maxTags),
    removeTags: (scope, keyId, tagKeys) => inner.removeTags(scope, keyId, tagKeys),
  };
}
