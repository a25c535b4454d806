import { needs } from '../../shared/needs.js';
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  BackingKeyRecord,
  GrantRecord,
  KeyRecord,
  PageRequest,
  Persistence,
  Scope,
  Tag,
} from '../port.js';

/**
 * The adapter for fast unit tests: the port's semantics over Maps, nothing durable. Each method checks
 * everything before it changes anything, so a rejected call leaves the store as it was, as a rolled-back
 * transaction would. Records go in and come out as frozen copies (byte fields copied each way), so no
 * caller can reach into the store through an object it holds.
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
});

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

function pageOf<T>(items: Iterable<T>, cursorOf: (item: T) => string, page: PageRequest): T[] {
  needs(Number.isSafeInteger(page.limit) && page.limit >= 0, 'page limit must be a non-negative integer');
  const { after } = page;
  return [...items]
    .filter((item) => after === undefined || byCodePoint(cursorOf(item), after) > 0)
    .sort((a, b) => byCodePoint(cursorOf(a), cursorOf(b)))
    .slice(0, page.limit);
}

export function createMemoryPersistence(): Persistence {
  let current: Store | undefined = emptyStore();
  const store = (): Store => {
    needs(current !== undefined, 'the memory persistence is closed');
    return current;
  };

  const keyInScope = (scope: Scope, keyId: string): KeyRecord | undefined => {
    const key = store().keys.get(keyId);
    return key && inScope(key, scope) ? key : undefined;
  };
  const requireKeyInScope = (scope: Scope, keyId: string) =>
    needs(keyInScope(scope, keyId) !== undefined, `key ${keyId} does not exist in ${scope.accountId}/${scope.region}`);

  const writeTags = (keyId: string, tags: readonly Tag[]) => {
    const { tags: tagsByKey } = store();
    const keyTags = tagsByKey.get(keyId) ?? new Map<string, string>();
    for (const tag of tags) keyTags.set(tag.TagKey, tag.TagValue);
    tagsByKey.set(keyId, keyTags);
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
      current = undefined;
    },

    async getSetting(name) {
      return store().settings.get(name);
    },

    async putSettingIfAbsent(name, value) {
      const { settings } = store();
      if (settings.has(name)) return false;
      settings.set(name, value);
      return true;
    },

    async insertAccount(account, rootAccessKey) {
      const { accounts, accessKeys } = store();
      needs(rootAccessKey.accountId === account.accountId, 'the root access key must belong to the new account');
      needs(!accounts.has(account.accountId), `account ${account.accountId} already exists`);
      needs(!accessKeys.has(rootAccessKey.accessKeyId), `access key ${rootAccessKey.accessKeyId} already exists`);
      accounts.set(account.accountId, frozen(account));
      accessKeys.set(rootAccessKey.accessKeyId, copyAccessKey(rootAccessKey));
    },

    async getAccount(accountId) {
      return store().accounts.get(accountId);
    },

    async findAccessKey(accessKeyId) {
      const key = store().accessKeys.get(accessKeyId);
      return key && copyAccessKey(key);
    },

    async insertKey(key, backingKey, tags) {
      const { keys, backingKeys } = store();
      needs(backingKey.keyId === key.keyId, 'the backing key must belong to the key');
      needs(!keys.has(key.keyId), `key ${key.keyId} already exists`);
      keys.set(key.keyId, frozen(key));
      backingKeys.set(key.keyId, new Map([[backingKey.version, copyBackingKey(backingKey)]]));
      writeTags(key.keyId, tags);
    },

    async findKey(scope, keyId) {
      return keyInScope(scope, keyId);
    },

    async listKeys(scope, page) {
      const keys = [...store().keys.values()].filter((key) => inScope(key, scope));
      return pageOf(keys, (key) => key.keyId, page);
    },

    async updateKey(scope, keyId, change) {
      const before = keyInScope(scope, keyId);
      if (before === undefined) return undefined;
      const after = frozen(change(before));
      needs(
        after.keyId === before.keyId && after.accountId === before.accountId && after.region === before.region,
        'updateKey must not change the key id, account or Region',
      );
      store().keys.set(keyId, after);
      return after;
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
      const key = keyInScope(scope, keyId);
      if (key?.state !== 'PendingDeletion' || key.deletionDate === null || key.deletionDate > now) return false;
      const { keys, backingKeys, tags, aliases, grants } = store();
      keys.delete(keyId);
      backingKeys.delete(keyId);
      tags.delete(keyId);
      for (const [name, alias] of aliases) if (alias.targetKeyId === keyId) aliases.delete(name);
      for (const [grantId, grant] of grants) if (grant.keyId === keyId) grants.delete(grantId);
      return true;
    },

    async insertAlias(alias) {
      requireKeyInScope(alias, alias.targetKeyId);
      const { aliases } = store();
      const name = aliasKey(alias, alias.aliasName);
      if (aliases.has(name)) return false;
      aliases.set(name, frozen(alias));
      return true;
    },

    async findAlias(scope, aliasName) {
      return store().aliases.get(aliasKey(scope, aliasName));
    },

    async updateAlias(scope, aliasName, targetKeyId, updatedAt) {
      requireKeyInScope(scope, targetKeyId);
      const { aliases } = store();
      const name = aliasKey(scope, aliasName);
      const alias = aliases.get(name);
      if (alias === undefined) return false;
      aliases.set(name, frozen({ ...alias, targetKeyId, updatedAt }));
      return true;
    },

    async deleteAlias(scope, aliasName) {
      return store().aliases.delete(aliasKey(scope, aliasName));
    },

    async listAliases(scope, page, keyId) {
      const aliases = [...store().aliases.values()].filter(
        (alias) => inScope(alias, scope) && (keyId === undefined || alias.targetKeyId === keyId),
      );
      return pageOf(aliases, (alias) => alias.aliasName, page);
    },

    async insertGrant(grant, maxGrantsPerKey) {
      requireKeyInScope(grant, grant.keyId);
      const { grants } = store();
      const existing = [...grants.values()];
      needs(!grants.has(grant.grantId), `grant ${grant.grantId} already exists`);
      needs(!existing.some((other) => other.tokenHash === grant.tokenHash), 'the grant token hash is taken');
      if (existing.filter((other) => other.keyId === grant.keyId).length >= maxGrantsPerKey) return false;
      grants.set(grant.grantId, copyGrant(grant));
      return true;
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
      const { grants } = store();
      const grant = grants.get(grantId);
      if (grant?.keyId !== keyId || keyInScope(scope, keyId) === undefined) return false;
      return grants.delete(grantId);
    },

    async listTags(scope, keyId, page) {
      const keyTags = keyInScope(scope, keyId) && store().tags.get(keyId);
      const tags = [...(keyTags || [])].map(([TagKey, TagValue]): Tag => Object.freeze({ TagKey, TagValue }));
      return pageOf(tags, (tag) => tag.TagKey, page);
    },

    async putTags(scope, keyId, tags, maxTags) {
      requireKeyInScope(scope, keyId);
      const tagKeys = new Set([...(store().tags.get(keyId)?.keys() ?? []), ...tags.map((tag) => tag.TagKey)]);
      if (tagKeys.size > maxTags) return false;
      writeTags(keyId, tags);
      return true;
    },

    async removeTags(scope, keyId, tagKeys) {
      requireKeyInScope(scope, keyId);
      const keyTags = store().tags.get(keyId);
      for (const tagKey of tagKeys) keyTags?.delete(tagKey);
    },
  };
}
