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
  Persistence,
  PrincipalDelete,
  PrincipalId,
  PrincipalWrite,
  RoleRecord,
  Scope,
  Tag,
  UserRecord,
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
  roleToRow,
  rowToAccessKey,
  rowToAccount,
  rowToAlias,
  rowToBackingKey,
  rowToGrant,
  rowToInlinePolicy,
  rowToKey,
  rowToRole,
  rowToTag,
  rowToUser,
  userToRow,
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

  /** The account of a user or role id: the principals inline policies and tags belong to. */
  const identityAccount = (principalId: PrincipalId) =>
    statements().identityAccount.get({ principal_id: principalId })?.account_id;
  /** Access keys may also belong to an account's root, whose principal id is the account id. */
  const accessKeyOwnerAccount = (principalId: PrincipalId) =>
    identityAccount(principalId) ?? statements().getAccount.get(principalId)?.account_id;
  const requireFreePrincipalId = (principalId: PrincipalId) =>
    needs(identityAccount(principalId) === undefined, `principal id ${principalId} is taken`);
  const countAccessKeys = (principalId: PrincipalId) => statements().countAccessKeys.get(principalId)?.count ?? 0;
  const countInlinePolicies = (principalId: PrincipalId) =>
    statements().countInlinePolicies.get(principalId)?.count ?? 0;

  const writePrincipalTags = (principalId: PrincipalId, tags: readonly Tag[]) => {
    for (const tag of tags) statements().putPrincipalTag.run(principalId, tag.TagKey, tag.TagValue);
  };

  // The counts are taken inside the IMMEDIATE transaction, so concurrent writers cannot pass a limit together.
  const insertAccessKey = db.transaction((accessKey: AccessKeyRecord, maxPerPrincipal: number): PrincipalWrite => {
    if (accessKeyOwnerAccount(accessKey.principalId) !== accessKey.accountId) return 'no-such-principal';
    if (countAccessKeys(accessKey.principalId) >= maxPerPrincipal) return 'over-limit';
    statements().insertAccessKey.run(accessKeyToRow(accessKey));
    return 'stored';
  });

  const insertUser = db.transaction((user: UserRecord, tags: readonly Tag[]) => {
    if (statements().findUser.get(user.accountId, nameKey(user.userName)) !== undefined) return false;
    requireFreePrincipalId(user.userId);
    statements().insertUser.run(userToRow(user));
    writePrincipalTags(user.userId, tags);
    return true;
  });

  const deleteUser = db.transaction((accountId: string, userName: string): PrincipalDelete => {
    const user = statements().findUser.get(accountId, nameKey(userName));
    if (user === undefined) return 'no-such-principal';
    if (countAccessKeys(user.user_id) > 0 || countInlinePolicies(user.user_id) > 0) return 'conflict';
    statements().deletePrincipalTags.run(user.user_id);
    statements().deleteUser.run(user.user_id);
    return 'deleted';
  });

  const insertRole = db.transaction((role: RoleRecord, tags: readonly Tag[]) => {
    if (statements().findRole.get(role.accountId, nameKey(role.roleName)) !== undefined) return false;
    requireFreePrincipalId(role.roleId);
    statements().insertRole.run(roleToRow(role));
    writePrincipalTags(role.roleId, tags);
    return true;
  });

  const deleteRole = db.transaction((accountId: string, roleName: string): PrincipalDelete => {
    const role = statements().findRole.get(accountId, nameKey(roleName));
    if (role === undefined) return 'no-such-principal';
    if (countInlinePolicies(role.role_id) > 0) return 'conflict';
    statements().deletePrincipalTags.run(role.role_id);
    statements().deleteRole.run(role.role_id);
    return 'deleted';
  });

  const putInlinePolicy = db.transaction(
    (principalId: PrincipalId, policy: InlinePolicyRecord, maxPolicyChars: number): PrincipalWrite => {
      if (identityAccount(principalId) === undefined) return 'no-such-principal';
      const existing = statements().listInlinePolicies.all(principalId).map(rowToInlinePolicy);
      if (inlinePolicyCharsAfterPut(existing, policy) > maxPolicyChars) return 'over-limit';
      statements().putInlinePolicy.run(principalId, policy.policyName, policy.document);
      return 'stored';
    },
  );

  const putPrincipalTags = db.transaction(
    (principalId: PrincipalId, tags: readonly Tag[], maxTags: number): PrincipalWrite => {
      if (identityAccount(principalId) === undefined) return 'no-such-principal';
      const existingKeys = statements()
        .listPrincipalTags.all(principalId)
        .map((row) => row.tag_key);
      if (tagCountAfterPut(existingKeys, tags) > maxTags) return 'over-limit';
      writePrincipalTags(principalId, tags);
      return 'stored';
    },
  );

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

    async insertAccessKey(accessKey, maxPerPrincipal) {
      return insertAccessKey.immediate(accessKey, maxPerPrincipal);
    },

    async listAccessKeys(principalId) {
      return statements().listAccessKeys.all(principalId).map(rowToAccessKey);
    },

    async updateAccessKeyStatus(principalId, accessKeyId, status) {
      return statements().updateAccessKeyStatus.run(status, principalId, accessKeyId).changes === 1;
    },

    async deleteAccessKey(principalId, accessKeyId) {
      return statements().deleteAccessKey.run(principalId, accessKeyId).changes === 1;
    },

    async insertUser(user, tags) {
      return insertUser.immediate(user, tags);
    },

    async findUser(accountId, userName) {
      const row = statements().findUser.get(accountId, nameKey(userName));
      return row && rowToUser(row);
    },

    async listUsers(accountId, pathPrefix, page) {
      return readPage(statements().listUsers, { account_id: accountId, path_prefix: pathPrefix }, nameCursor(page)).map(
        rowToUser,
      );
    },

    async deleteUser(accountId, userName) {
      return deleteUser.immediate(accountId, userName);
    },

    async insertRole(role, tags) {
      return insertRole.immediate(role, tags);
    },

    async findRole(accountId, roleName) {
      const row = statements().findRole.get(accountId, nameKey(roleName));
      return row && rowToRole(row);
    },

    async listRoles(accountId, pathPrefix, page) {
      return readPage(statements().listRoles, { account_id: accountId, path_prefix: pathPrefix }, nameCursor(page)).map(
        rowToRole,
      );
    },

    async updateTrustPolicy(accountId, roleName, trustPolicy) {
      return statements().updateTrustPolicy.run(trustPolicy, accountId, nameKey(roleName)).changes === 1;
    },

    async deleteRole(accountId, roleName) {
      return deleteRole.immediate(accountId, roleName);
    },

    async putInlinePolicy(principalId, policy, maxPolicyChars) {
      return putInlinePolicy.immediate(principalId, policy, maxPolicyChars);
    },

    async listInlinePolicies(principalId) {
      return statements().listInlinePolicies.all(principalId).map(rowToInlinePolicy);
    },

    async deleteInlinePolicy(principalId, policyName) {
      return statements().deleteInlinePolicy.run(principalId, policyName).changes === 1;
    },

    async putPrincipalTags(principalId, tags, maxTags) {
      return putPrincipalTags.immediate(principalId, tags, maxTags);
    },

    async listPrincipalTags(principalId) {
      return statements().listPrincipalTags.all(principalId).map(rowToTag);
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
