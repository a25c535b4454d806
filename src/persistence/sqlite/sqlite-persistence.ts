import { needs } from '../../shared/needs.js';
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  BackingKeyRecord,
  GrantRecord,
  KeyRecord,
  Persistence,
  Scope,
  Tag,
} from '../port.js';
import { openDatabase } from './database.js';
import { migrate, migrations } from './migrations.js';
import {
  accessKeyToRow,
  accountToRow,
  aliasToRow,
  backingKeyToRow,
  grantToRow,
  keyToRow,
  rowToAccessKey,
  rowToAccount,
  rowToAlias,
  rowToBackingKey,
  rowToGrant,
  rowToKey,
  rowToTag,
} from './rows.js';
import { prepareStatements, readPage, type Statements } from './statements.js';

const latestVersion = Math.max(...migrations.map((step) => step.version));

const scoped = (scope: Scope) => ({ account_id: scope.accountId, region: scope.region });

/**
 * The embedded, single-node adapter. better-sqlite3 is synchronous, so each method runs to completion
 * (one transaction) before its promise is even returned: calls cannot interleave within a process, and
 * BEGIN IMMEDIATE makes writers from other processes wait for each other instead of failing on upgrade.
 */
export function openSqlitePersistence(file: string): Persistence {
  const db = openDatabase(file);
  // Prepared on first use rather than here, because the tables exist only after migrate().
  let prepared: Statements | undefined;
  const statements = () => {
    prepared ??= prepareStatements(db);
    return prepared;
  };

  // SQLite's own counter of commits by other connections to this file.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();

  const keyInScope = (scope: Scope, keyId: string) => statements().findKey.get({ ...scoped(scope), key_id: keyId });
  const requireKeyInScope = (scope: Scope, keyId: string) =>
    needs(keyInScope(scope, keyId) !== undefined, `key ${keyId} does not exist in ${scope.accountId}/${scope.region}`);

  const writeTags = (keyId: string, tags: readonly Tag[]) => {
    for (const tag of tags) statements().putTag.run(keyId, tag.TagKey, tag.TagValue);
  };

  const insertAccount = db.transaction((account: AccountRecord, rootAccessKey: AccessKeyRecord) => {
    needs(rootAccessKey.accountId === account.accountId, 'the root access key must belong to the new account');
    statements().insertAccount.run(accountToRow(account));
    statements().insertAccessKey.run(accessKeyToRow(rootAccessKey));
  });

  const insertKey = db.transaction((key: KeyRecord, backingKey: BackingKeyRecord, tags: readonly Tag[]) => {
    needs(backingKey.keyId === key.keyId, 'the backing key must belong to the key');
    statements().insertKey.run(keyToRow(key));
    statements().insertBackingKey.run(backingKeyToRow(backingKey));
    writeTags(key.keyId, tags);
  });

  const updateKey = db.transaction((scope: Scope, keyId: string, change: (current: KeyRecord) => KeyRecord) => {
    const row = keyInScope(scope, keyId);
    if (row === undefined) return undefined;
    const current = rowToKey(row);
    const next = change(current);
    needs(
      next.keyId === current.keyId && next.accountId === current.accountId && next.region === current.region,
      'updateKey must not change the key id, account or Region',
    );
    statements().replaceKey.run(keyToRow(next));
    return rowToKey(keyToRow(next));
  });

  const insertAlias = db.transaction((alias: AliasRecord) => {
    requireKeyInScope(alias, alias.targetKeyId);
    return statements().insertAliasIfAbsent.run(aliasToRow(alias)).changes === 1;
  });

  const updateAlias = db.transaction((scope: Scope, aliasName: string, targetKeyId: string, updatedAt: number) => {
    requireKeyInScope(scope, targetKeyId);
    const params = { ...scoped(scope), alias_name: aliasName, target_key_id: targetKeyId, updated_at: updatedAt };
    return statements().retargetAlias.run(params).changes === 1;
  });

  /** Thrown inside the transaction to roll it back; never leaves this file. */
  class TooManyTags extends Error {}

  const putTags = db.transaction((scope: Scope, keyId: string, tags: readonly Tag[], maxTags: number) => {
    requireKeyInScope(scope, keyId);
    writeTags(keyId, tags);
    if ((statements().countTags.get(keyId)?.count ?? 0) > maxTags) throw new TooManyTags();
  });

  // Counting and inserting in one IMMEDIATE transaction keeps concurrent writers from passing the limit together.
  const insertGrant = db.transaction((grant: GrantRecord, maxGrantsPerKey: number) => {
    requireKeyInScope(grant, grant.keyId);
    if ((statements().countGrants.get(grant.keyId)?.count ?? 0) >= maxGrantsPerKey) return false;
    statements().insertGrant.run(grantToRow(grant));
    return true;
  });

  const removeTags = db.transaction((scope: Scope, keyId: string, tagKeys: readonly string[]) => {
    requireKeyInScope(scope, keyId);
    for (const tagKey of tagKeys) statements().removeTag.run(keyId, tagKey);
  });

  return {
    async migrate() {
      migrate(db);
      prepared = undefined;
    },

    async dataVersion() {
      return dataVersion.get() as number;
    },

    async ping() {
      const version = statements().schemaVersion.get()?.version ?? 0;
      needs(version >= latestVersion, `the SQLite schema is at version ${version}, expected ${latestVersion}`);
    },

    async close() {
      if (!db.open) return;
      // Folding the WAL back into the main file leaves a single self-contained file behind.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },

    async getSetting(name) {
      return statements().getSetting.get(name)?.value;
    },

    async putSettingIfAbsent(name, value) {
      return statements().insertSettingIfAbsent.run(name, value).changes === 1;
    },

    async insertAccount(account, rootAccessKey) {
      insertAccount.immediate(account, rootAccessKey);
    },

    async getAccount(accountId) {
      const row = statements().getAccount.get(accountId);
      return row && rowToAccount(row);
    },

    async findAccessKey(accessKeyId) {
      const row = statements().findAccessKey.get(accessKeyId);
      return row && rowToAccessKey(row);
    },

    async insertKey(key, backingKey, tags) {
      insertKey.immediate(key, backingKey, tags);
    },

    async findKey(scope, keyId) {
      const row = keyInScope(scope, keyId);
      return row && rowToKey(row);
    },

    async listKeys(scope, page) {
      return readPage(statements().listKeys, scoped(scope), page).map(rowToKey);
    },

    async updateKey(scope, keyId, change) {
      return updateKey.immediate(scope, keyId, change);
    },

    async findBackingKey(keyId, version) {
      const row = statements().findBackingKey.get(keyId, version);
      return row && rowToBackingKey(row);
    },

    async keysDueForDeletion(now, limit) {
      needs(Number.isSafeInteger(limit) && limit >= 0, 'limit must be a non-negative integer');
      return statements().keysDueForDeletion.all(now, limit).map(rowToKey);
    },

    async deleteKeyIfDue(scope, keyId, now) {
      return statements().deleteKeyIfDue.run({ ...scoped(scope), key_id: keyId, now }).changes === 1;
    },

    async insertAlias(alias) {
      return insertAlias.immediate(alias);
    },

    async findAlias(scope, aliasName) {
      const row = statements().findAlias.get({ ...scoped(scope), alias_name: aliasName });
      return row && rowToAlias(row);
    },

    async updateAlias(scope, aliasName, targetKeyId, updatedAt) {
      return updateAlias.immediate(scope, aliasName, targetKeyId, updatedAt);
    },

    async deleteAlias(scope, aliasName) {
      return statements().deleteAlias.run({ ...scoped(scope), alias_name: aliasName }).changes === 1;
    },

    async listAliases(scope, page, keyId) {
      const rows =
        keyId === undefined
          ? readPage(statements().listAliases, scoped(scope), page)
          : readPage(statements().listAliasesOfKey, { ...scoped(scope), key_id: keyId }, page);
      return rows.map(rowToAlias);
    },

    async insertGrant(grant, maxGrantsPerKey) {
      return insertGrant.immediate(grant, maxGrantsPerKey);
    },

    async listGrants(scope, keyId, page, filter) {
      const params = {
        ...scoped(scope),
        key_id: keyId,
        grant_id: filter?.grantId ?? null,
        grantee_principal: filter?.granteePrincipal ?? null,
      };
      return readPage(statements().listGrants, params, page).map(rowToGrant);
    },

    async listRetirableGrants(retiringPrincipal, page) {
      return readPage(statements().listRetirableGrants, { retiring_principal: retiringPrincipal }, page).map(
        rowToGrant,
      );
    },

    async findGrantByTokenHash(tokenHash) {
      const row = statements().findGrantByTokenHash.get(tokenHash);
      return row && rowToGrant(row);
    },

    async deleteGrant(scope, keyId, grantId) {
      return statements().deleteGrant.run({ ...scoped(scope), key_id: keyId, grant_id: grantId }).changes === 1;
    },

    async listTags(scope, keyId, page) {
      return readPage(statements().listTags, { ...scoped(scope), key_id: keyId }, page).map(rowToTag);
    },

    async putTags(scope, keyId, tags, maxTags) {
      try {
        putTags.immediate(scope, keyId, tags, maxTags);
        return true;
      } catch (error) {
        if (error instanceof TooManyTags) return false;
        throw error;
      }
    },

    async removeTags(scope, keyId, tagKeys) {
      removeTags.immediate(scope, keyId, tagKeys);
    },
  };
}
