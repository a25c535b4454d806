import type Database from 'better-sqlite3';
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
import { WriteGate } from '../write-gate.js';
import { openConnections } from './database.js';
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

export interface SqliteSeams {
  /** Runs on the write connection just before a mutation's COMMIT, so that a test can make the COMMIT fail. */
  readonly atCommit?: (writer: Database.Database) => void;
}

/** Statements prepared on first use rather than at open, because the tables exist only after migrate(). */
function lazyStatements(db: Database.Database) {
  let prepared: Statements | undefined;
  return {
    get: () => {
      prepared ??= prepareStatements(db);
      return prepared;
    },
    forget: () => {
      prepared = undefined;
    },
  };
}

/**
 * The embedded, single-node adapter, over two connections to the file. The write connection takes one
 * writer at a time (WriteGate): better-sqlite3 is synchronous, so a plain method is one transaction that
 * runs to completion, while a mutation keeps its BEGIN IMMEDIATE transaction open across the awaits of its
 * work, whose calls join it (nested transactions become savepoints). Reads go to the read connection, where
 * WAL shows them the last commit and never a mutation in progress; a mutation's own reads go to the write
 * connection, so that it sees its own writes. BEGIN IMMEDIATE makes writers from other processes wait for
 * each other instead of failing on upgrade; such a writer waits in busy_timeout, which blocks its process's
 * event loop for as long as a mutation here stays open.
 */
export function openSqlitePersistence(file: string, seams: SqliteSeams = {}): Persistence {
  const { writer, reader } = openConnections(file);
  const written = lazyStatements(writer);
  const read = lazyStatements(reader);

  /**
   * SQLite rolls a transaction back by itself on some errors (disk full, I/O). A mutation must then stop:
   * there is nothing left to commit, and each further write would commit on its own.
   */
  const requireOpenTransaction = () => {
    if (!writer.inTransaction) throw new Error("SQLite rolled the mutation's transaction back");
  };

  const gate = new WriteGate({
    begin: () => writer.exec('BEGIN IMMEDIATE'),
    commit: () => {
      requireOpenTransaction();
      seams.atCommit?.(writer);
      writer.exec('COMMIT');
    },
    rollback: () => {
      if (writer.inTransaction) writer.exec('ROLLBACK');
    },
  });

  /** Writes, and the checks inside them, use the write connection. */
  const writing = written.get;
  /** Reads see what is committed, except a mutation's own, which see its writes. */
  const reading = () => (gate.inMutation() ? written.get() : read.get());
  const write = <T>(change: () => T) =>
    gate.write(() => {
      if (gate.inMutation()) requireOpenTransaction();
      return change();
    });

  // SQLite's own counter of commits by other connections, the write connection included, as the reads see them.
  const dataVersion = reader.prepare('PRAGMA data_version').pluck();

  const keyInScope = (statements: Statements, scope: Scope, keyId: string) =>
    statements.findKey.get({ ...scoped(scope), key_id: keyId });
  const requireKeyInScope = (scope: Scope, keyId: string) =>
    needs(
      keyInScope(writing(), scope, keyId) !== undefined,
      `key ${keyId} does not exist in ${scope.accountId}/${scope.region}`,
    );

  const writeTags = (keyId: string, tags: readonly Tag[]) => {
    for (const tag of tags) writing().putTag.run(keyId, tag.TagKey, tag.TagValue);
  };

  const insertAccount = writer.transaction((account: AccountRecord, rootAccessKey: AccessKeyRecord) => {
    needs(rootAccessKey.accountId === account.accountId, 'the root access key must belong to the new account');
    writing().insertAccount.run(accountToRow(account));
    writing().insertAccessKey.run(accessKeyToRow(rootAccessKey));
  });

  const insertKey = writer.transaction((key: KeyRecord, backingKey: BackingKeyRecord, tags: readonly Tag[]) => {
    needs(backingKey.keyId === key.keyId, 'the backing key must belong to the key');
    writing().insertKey.run(keyToRow(key));
    writing().insertBackingKey.run(backingKeyToRow(backingKey));
    writeTags(key.keyId, tags);
  });

  const updateKey = writer.transaction((scope: Scope, keyId: string, change: (current: KeyRecord) => KeyRecord) => {
    const row = keyInScope(writing(), scope, keyId);
    if (row === undefined) return undefined;
    const current = rowToKey(row);
    const next = change(current);
    needs(
      next.keyId === current.keyId && next.accountId === current.accountId && next.region === current.region,
      'updateKey must not change the key id, account or Region',
    );
    writing().replaceKey.run(keyToRow(next));
    return rowToKey(keyToRow(next));
  });

  const insertAlias = writer.transaction((alias: AliasRecord) => {
    requireKeyInScope(alias, alias.targetKeyId);
    return writing().insertAliasIfAbsent.run(aliasToRow(alias)).changes === 1;
  });

  const updateAlias = writer.transaction((scope: Scope, aliasName: string, targetKeyId: string, updatedAt: number) => {
    requireKeyInScope(scope, targetKeyId);
    const params = { ...scoped(scope), alias_name: aliasName, target_key_id: targetKeyId, updated_at: updatedAt };
    return writing().retargetAlias.run(params).changes === 1;
  });

  /** The account of a user or role id: the principals inline policies and tags belong to. */
  const identityAccount = (principalId: PrincipalId) =>
    writing().identityAccount.get({ principal_id: principalId })?.account_id;
  /** Access keys may also belong to an account's root, whose principal id is the account id. */
  const accessKeyOwnerAccount = (principalId: PrincipalId) =>
    identityAccount(principalId) ?? writing().getAccount.get(principalId)?.account_id;
  const requireFreePrincipalId = (principalId: PrincipalId) =>
    needs(identityAccount(principalId) === undefined, `principal id ${principalId} is taken`);
  const countAccessKeys = (principalId: PrincipalId) => writing().countAccessKeys.get(principalId)?.count ?? 0;
  const countInlinePolicies = (principalId: PrincipalId) => writing().countInlinePolicies.get(principalId)?.count ?? 0;

  const writePrincipalTags = (principalId: PrincipalId, tags: readonly Tag[]) => {
    for (const tag of tags) writing().putPrincipalTag.run(principalId, tag.TagKey, tag.TagValue);
  };

  // The counts are taken inside the IMMEDIATE transaction, so concurrent writers cannot pass a limit together.
  const insertAccessKey = writer.transaction((accessKey: AccessKeyRecord, maxPerPrincipal: number): PrincipalWrite => {
    if (accessKeyOwnerAccount(accessKey.principalId) !== accessKey.accountId) return 'no-such-principal';
    if (countAccessKeys(accessKey.principalId) >= maxPerPrincipal) return 'over-limit';
    writing().insertAccessKey.run(accessKeyToRow(accessKey));
    return 'stored';
  });

  const insertUser = writer.transaction((user: UserRecord, tags: readonly Tag[]) => {
    if (writing().findUser.get(user.accountId, nameKey(user.userName)) !== undefined) return false;
    requireFreePrincipalId(user.userId);
    writing().insertUser.run(userToRow(user));
    writePrincipalTags(user.userId, tags);
    return true;
  });

  const deleteUser = writer.transaction((accountId: string, userName: string): PrincipalDelete => {
    const user = writing().findUser.get(accountId, nameKey(userName));
    if (user === undefined) return 'no-such-principal';
    if (countAccessKeys(user.user_id) > 0 || countInlinePolicies(user.user_id) > 0) return 'conflict';
    writing().deletePrincipalTags.run(user.user_id);
    writing().deleteUser.run(user.user_id);
    return 'deleted';
  });

  const insertRole = writer.transaction((role: RoleRecord, tags: readonly Tag[]) => {
    if (writing().findRole.get(role.accountId, nameKey(role.roleName)) !== undefined) return false;
    requireFreePrincipalId(role.roleId);
    writing().insertRole.run(roleToRow(role));
    writePrincipalTags(role.roleId, tags);
    return true;
  });

  const deleteRole = writer.transaction((accountId: string, roleName: string): PrincipalDelete => {
    const role = writing().findRole.get(accountId, nameKey(roleName));
    if (role === undefined) return 'no-such-principal';
    if (countInlinePolicies(role.role_id) > 0) return 'conflict';
    writing().deletePrincipalTags.run(role.role_id);
    writing().deleteRole.run(role.role_id);
    return 'deleted';
  });

  const putInlinePolicy = writer.transaction(
    (principalId: PrincipalId, policy: InlinePolicyRecord, maxPolicyChars: number): PrincipalWrite => {
      if (identityAccount(principalId) === undefined) return 'no-such-principal';
      const existing = writing().listInlinePolicies.all(principalId).map(rowToInlinePolicy);
      if (inlinePolicyCharsAfterPut(existing, policy) > maxPolicyChars) return 'over-limit';
      writing().putInlinePolicy.run(principalId, policy.policyName, policy.document);
      return 'stored';
    },
  );

  const putPrincipalTags = writer.transaction(
    (principalId: PrincipalId, tags: readonly Tag[], maxTags: number): PrincipalWrite => {
      if (identityAccount(principalId) === undefined) return 'no-such-principal';
      const existingKeys = writing()
        .listPrincipalTags.all(principalId)
        .map((row) => row.tag_key);
      if (tagCountAfterPut(existingKeys, tags) > maxTags) return 'over-limit';
      writePrincipalTags(principalId, tags);
      return 'stored';
    },
  );

  /** Thrown inside the transaction to roll it back; never leaves this file. */
  class TooManyTags extends Error {}

  const putTags = writer.transaction((scope: Scope, keyId: string, tags: readonly Tag[], maxTags: number) => {
    requireKeyInScope(scope, keyId);
    writeTags(keyId, tags);
    if ((writing().countTags.get(keyId)?.count ?? 0) > maxTags) throw new TooManyTags();
  });

  // Counting and inserting in one IMMEDIATE transaction keeps concurrent writers from passing the limit together.
  const insertGrant = writer.transaction((grant: GrantRecord, maxGrantsPerKey: number) => {
    requireKeyInScope(grant, grant.keyId);
    if ((writing().countGrants.get(grant.keyId)?.count ?? 0) >= maxGrantsPerKey) return false;
    writing().insertGrant.run(grantToRow(grant));
    return true;
  });

  const removeTags = writer.transaction((scope: Scope, keyId: string, tagKeys: readonly string[]) => {
    requireKeyInScope(scope, keyId);
    for (const tagKey of tagKeys) writing().removeTag.run(keyId, tagKey);
  });

  return {
    async migrate() {
      await write(() => {
        migrate(writer);
        written.forget();
        read.forget();
      });
    },

    async dataVersion() {
      return dataVersion.get() as number;
    },

    async ping() {
      const version = reading().schemaVersion.get()?.version ?? 0;
      needs(version >= latestVersion, `the SQLite schema is at version ${version}, expected ${latestVersion}`);
    },

    async close() {
      await gate.write(() => {
        if (!writer.open) return;
        reader.close();
        // Folding the WAL back into the main file leaves a single self-contained file behind.
        writer.pragma('wal_checkpoint(TRUNCATE)');
        writer.close();
      });
    },

    async mutation(work, beforeCommit) {
      return gate.mutation(work, beforeCommit);
    },

    async getSetting(name) {
      return reading().getSetting.get(name)?.value;
    },

    async putSettingIfAbsent(name, value) {
      return write(() => writing().insertSettingIfAbsent.run(name, value).changes === 1);
    },

    async insertAccount(account, rootAccessKey) {
      await write(() => insertAccount.immediate(account, rootAccessKey));
    },

    async getAccount(accountId) {
      const row = reading().getAccount.get(accountId);
      return row && rowToAccount(row);
    },

    async findAccessKey(accessKeyId) {
      const row = reading().findAccessKey.get(accessKeyId);
      return row && rowToAccessKey(row);
    },

    async insertAccessKey(accessKey, maxPerPrincipal) {
      return write(() => insertAccessKey.immediate(accessKey, maxPerPrincipal));
    },

    async listAccessKeys(principalId) {
      return reading().listAccessKeys.all(principalId).map(rowToAccessKey);
    },

    async updateAccessKeyStatus(principalId, accessKeyId, status) {
      return write(() => writing().updateAccessKeyStatus.run(status, principalId, accessKeyId).changes === 1);
    },

    async deleteAccessKey(principalId, accessKeyId) {
      return write(() => writing().deleteAccessKey.run(principalId, accessKeyId).changes === 1);
    },

    async insertUser(user, tags) {
      return write(() => insertUser.immediate(user, tags));
    },

    async findUser(accountId, userName) {
      const row = reading().findUser.get(accountId, nameKey(userName));
      return row && rowToUser(row);
    },

    async listUsers(accountId, pathPrefix, page) {
      return readPage(reading().listUsers, { account_id: accountId, path_prefix: pathPrefix }, nameCursor(page)).map(
        rowToUser,
      );
    },

    async deleteUser(accountId, userName) {
      return write(() => deleteUser.immediate(accountId, userName));
    },

    async insertRole(role, tags) {
      return write(() => insertRole.immediate(role, tags));
    },

    async findRole(accountId, roleName) {
      const row = reading().findRole.get(accountId, nameKey(roleName));
      return row && rowToRole(row);
    },

    async listRoles(accountId, pathPrefix, page) {
      return readPage(reading().listRoles, { account_id: accountId, path_prefix: pathPrefix }, nameCursor(page)).map(
        rowToRole,
      );
    },

    async updateTrustPolicy(accountId, roleName, trustPolicy) {
      return write(() => writing().updateTrustPolicy.run(trustPolicy, accountId, nameKey(roleName)).changes === 1);
    },

    async deleteRole(accountId, roleName) {
      return write(() => deleteRole.immediate(accountId, roleName));
    },

    async putInlinePolicy(principalId, policy, maxPolicyChars) {
      return write(() => putInlinePolicy.immediate(principalId, policy, maxPolicyChars));
    },

    async listInlinePolicies(principalId) {
      return reading().listInlinePolicies.all(principalId).map(rowToInlinePolicy);
    },

    async deleteInlinePolicy(principalId, policyName) {
      return write(() => writing().deleteInlinePolicy.run(principalId, policyName).changes === 1);
    },

    async putPrincipalTags(principalId, tags, maxTags) {
      return write(() => putPrincipalTags.immediate(principalId, tags, maxTags));
    },

    async listPrincipalTags(principalId) {
      return reading().listPrincipalTags.all(principalId).map(rowToTag);
    },

    async insertKey(key, backingKey, tags) {
      await write(() => insertKey.immediate(key, backingKey, tags));
    },

    async findKey(scope, keyId) {
      const row = keyInScope(reading(), scope, keyId);
      return row && rowToKey(row);
    },

    async listKeys(scope, page) {
      return readPage(reading().listKeys, scoped(scope), page).map(rowToKey);
    },

    async updateKey(scope, keyId, change) {
      return write(() => updateKey.immediate(scope, keyId, change));
    },

    async findBackingKey(keyId, version) {
      const row = reading().findBackingKey.get(keyId, version);
      return row && rowToBackingKey(row);
    },

    async keysDueForDeletion(now, limit) {
      needs(Number.isSafeInteger(limit) && limit >= 0, 'limit must be a non-negative integer');
      return reading().keysDueForDeletion.all(now, limit).map(rowToKey);
    },

    async deleteKeyIfDue(scope, keyId, now) {
      return write(() => writing().deleteKeyIfDue.run({ ...scoped(scope), key_id: keyId, now }).changes === 1);
    },

    async insertAlias(alias) {
      return write(() => insertAlias.immediate(alias));
    },

    async findAlias(scope, aliasName) {
      const row = reading().findAlias.get({ ...scoped(scope), alias_name: aliasName });
      return row && rowToAlias(row);
    },

    async updateAlias(scope, aliasName, targetKeyId, updatedAt) {
      return write(() => updateAlias.immediate(scope, aliasName, targetKeyId, updatedAt));
    },

    async deleteAlias(scope, aliasName) {
      return write(() => writing().deleteAlias.run({ ...scoped(scope), alias_name: aliasName }).changes === 1);
    },

    async listAliases(scope, page, keyId) {
      const rows =
        keyId === undefined
          ? readPage(reading().listAliases, scoped(scope), page)
          : readPage(reading().listAliasesOfKey, { ...scoped(scope), key_id: keyId }, page);
      return rows.map(rowToAlias);
    },

    async insertGrant(grant, maxGrantsPerKey) {
      return write(() => insertGrant.immediate(grant, maxGrantsPerKey));
    },

    async listGrants(scope, keyId, page, filter) {
      const params = {
        ...scoped(scope),
        key_id: keyId,
        grant_id: filter?.grantId ?? null,
        grantee_principal: filter?.granteePrincipal ?? null,
      };
      return readPage(reading().listGrants, params, page).map(rowToGrant);
    },

    async listRetirableGrants(retiringPrincipal, page) {
      return readPage(reading().listRetirableGrants, { retiring_principal: retiringPrincipal }, page).map(rowToGrant);
    },

    async findGrantByTokenHash(tokenHash) {
      const row = reading().findGrantByTokenHash.get(tokenHash);
      return row && rowToGrant(row);
    },

    async deleteGrant(scope, keyId, grantId) {
      return write(
        () => writing().deleteGrant.run({ ...scoped(scope), key_id: keyId, grant_id: grantId }).changes === 1,
      );
    },

    async listTags(scope, keyId, page) {
      return readPage(reading().listTags, { ...scoped(scope), key_id: keyId }, page).map(rowToTag);
    },

    async putTags(scope, keyId, tags, maxTags) {
      return write(() => {
        try {
          putTags.immediate(scope, keyId, tags, maxTags);
          return true;
        } catch (error) {
          if (error instanceof TooManyTags) return false;
          throw error;
        }
      });
    },

    async removeTags(scope, keyId, tagKeys) {
      await write(() => removeTags.immediate(scope, keyId, tagKeys));
    },
  };
}
