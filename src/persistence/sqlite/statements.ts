import type Database from 'better-sqlite3';
import { needs } from '../../shared/needs.js';
import type { PageRequest } from '../port.js';
import type {
  AccessKeyRow,
  AccountRow,
  AliasRow,
  BackingKeyRow,
  GrantRow,
  InlinePolicyRow,
  KeyRow,
  RoleRow,
  TagRow,
  UserRow,
} from './rows.js';

type Named = Record<string, string | number | null>;
type Statement<Params extends unknown[], Row = unknown> = Database.Statement<Params, Row>;

/**
 * A paged listing as two statements: the first page has no cursor to compare with, and a single
 * `(@after IS NULL OR col > @after)` would stop SQLite from seeking the index to the cursor, turning a full
 * listing into a quadratic scan.
 */
export interface PagedQuery<Row> {
  readonly first: Statement<[Named], Row>;
  readonly next: Statement<[Named], Row>;
}

/** `where` must end in a condition; the cursor is ANDed onto it. */
function pagedQuery<Row>(db: Database.Database, select: string, where: string, orderColumn: string): PagedQuery<Row> {
  const prepare = (cursor: string) =>
    db.prepare<Named, Row>(`${select} WHERE ${where}${cursor} ORDER BY ${orderColumn} LIMIT @limit`);
  return { first: prepare(''), next: prepare(` AND ${orderColumn} > @after`) };
}

export function readPage<Row>(query: PagedQuery<Row>, params: Named, page: PageRequest): Row[] {
  // SQLite reads a negative LIMIT as "no limit": refuse it rather than return everything.
  needs(Number.isSafeInteger(page.limit) && page.limit >= 0, 'page limit must be a non-negative integer');
  return page.after === undefined
    ? query.first.all({ ...params, limit: page.limit })
    : query.next.all({ ...params, limit: page.limit, after: page.after });
}

const keyColumns = `key_id, account_id, region, created_at, description, key_usage, key_spec, origin, multi_region,
  policy, state, deletion_date, pending_window_days, key_store, current_backing_version`;
const keyValues = `@key_id, @account_id, @region, @created_at, @description, @key_usage, @key_spec, @origin,
  @multi_region, @policy, @state, @deletion_date, @pending_window_days, @key_store, @current_backing_version`;
const accessKeyColumns =
  'access_key_id, account_id, principal_arn, principal_type, principal_id, sealed_secret, status, created_at';
const aliasColumns = 'account_id, region, alias_name, target_key_id, created_at, updated_at';
const grantColumns = `grant_id, account_id, region, key_id, name, grantee_principal, retiring_principal,
  issuing_account, operations, constraints, token_hash, created_at`;
const userColumns = 'user_id, account_id, user_name, name_lower, path, arn, created_at';
const roleColumns = `role_id, account_id, role_name, name_lower, path, arn, trust_policy, description,
  max_session_duration, created_at`;
/** substr rather than LIKE: a path may hold '_', which LIKE would read as a wildcard. */
const inAccountUnderPath = 'account_id = @account_id AND substr(path, 1, length(@path_prefix)) = @path_prefix';
const inScope = 'account_id = @account_id AND region = @region';
/** The grants of a key of the scope: the join keeps a key id from another account or Region from matching. */
const selectGrantsOfKey = `SELECT ${grantColumns
  .split(',')
  .map((column) => `g.${column.trim()}`)
  .join(', ')} FROM grants g JOIN keys k ON k.key_id = g.key_id`;
const grantsOfKeyInScope = 'g.key_id = @key_id AND k.account_id = @account_id AND k.region = @region';

/** Every statement the adapter runs, prepared once per connection (after the schema exists). */
export function prepareStatements(db: Database.Database) {
  return {
    schemaVersion: db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations'),

    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?'),
    insertSettingIfAbsent: db.prepare<[string, string]>(
      'INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    ),

    insertAccount: db.prepare<AccountRow>(
      'INSERT INTO accounts (account_id, created_at) VALUES (@account_id, @created_at)',
    ),
    getAccount: db.prepare<[string], AccountRow>('SELECT account_id, created_at FROM accounts WHERE account_id = ?'),
    insertAccessKey: db.prepare<AccessKeyRow>(
      `INSERT INTO access_keys (${accessKeyColumns}) VALUES (@access_key_id, @account_id, @principal_arn,
        @principal_type, @principal_id, @sealed_secret, @status, @created_at)`,
    ),
    findAccessKey: db.prepare<[string], AccessKeyRow>(
      `SELECT ${accessKeyColumns} FROM access_keys WHERE access_key_id = ?`,
    ),
    listAccessKeys: db.prepare<[string], AccessKeyRow>(
      `SELECT ${accessKeyColumns} FROM access_keys WHERE principal_id = ? ORDER BY created_at, access_key_id`,
    ),
    countAccessKeys: db.prepare<[string], { count: number }>(
      'SELECT count(*) AS count FROM access_keys WHERE principal_id = ?',
    ),
    updateAccessKeyStatus: db.prepare<[string, string, string]>(
      'UPDATE access_keys SET status = ? WHERE principal_id = ? AND access_key_id = ?',
    ),
    deleteAccessKey: db.prepare<[string, string]>(
      'DELETE FROM access_keys WHERE principal_id = ? AND access_key_id = ?',
    ),

    /** The account a user or role id belongs to. */
    identityAccount: db.prepare<Named, { account_id: string }>(
      `SELECT account_id FROM iam_users WHERE user_id = @principal_id
       UNION ALL SELECT account_id FROM iam_roles WHERE role_id = @principal_id`,
    ),
    insertUser: db.prepare<UserRow>(
      `INSERT INTO iam_users (${userColumns})
       VALUES (@user_id, @account_id, @user_name, @name_lower, @path, @arn, @created_at)`,
    ),
    findUser: db.prepare<[string, string], UserRow>(
      `SELECT ${userColumns} FROM iam_users WHERE account_id = ? AND name_lower = ?`,
    ),
    listUsers: pagedQuery<UserRow>(db, `SELECT ${userColumns} FROM iam_users`, inAccountUnderPath, 'name_lower'),
    deleteUser: db.prepare<[string]>('DELETE FROM iam_users WHERE user_id = ?'),

    insertRole: db.prepare<RoleRow>(
      `INSERT INTO iam_roles (${roleColumns})
       VALUES (@role_id, @account_id, @role_name, @name_lower, @path, @arn, @trust_policy, @description,
        @max_session_duration, @created_at)`,
    ),
    findRole: db.prepare<[string, string], RoleRow>(
      `SELECT ${roleColumns} FROM iam_roles WHERE account_id = ? AND name_lower = ?`,
    ),
    listRoles: pagedQuery<RoleRow>(db, `SELECT ${roleColumns} FROM iam_roles`, inAccountUnderPath, 'name_lower'),
    updateTrustPolicy: db.prepare<[string, string, string]>(
      'UPDATE iam_roles SET trust_policy = ? WHERE account_id = ? AND name_lower = ?',
    ),
    deleteRole: db.prepare<[string]>('DELETE FROM iam_roles WHERE role_id = ?'),

    putInlinePolicy: db.prepare<[string, string, string]>(
      `INSERT INTO iam_inline_policies (principal_id, policy_name, document) VALUES (?, ?, ?)
       ON CONFLICT (principal_id, policy_name) DO UPDATE SET document = excluded.document`,
    ),
    listInlinePolicies: db.prepare<[string], InlinePolicyRow>(
      'SELECT policy_name, document FROM iam_inline_policies WHERE principal_id = ? ORDER BY policy_name',
    ),
    countInlinePolicies: db.prepare<[string], { count: number }>(
      'SELECT count(*) AS count FROM iam_inline_policies WHERE principal_id = ?',
    ),
    deleteInlinePolicy: db.prepare<[string, string]>(
      'DELETE FROM iam_inline_policies WHERE principal_id = ? AND policy_name = ?',
    ),

    putPrincipalTag: db.prepare<[string, string, string]>(
      `INSERT INTO iam_principal_tags (principal_id, tag_key, tag_value) VALUES (?, ?, ?)
       ON CONFLICT (principal_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
    ),
    listPrincipalTags: db.prepare<[string], TagRow>(
      'SELECT tag_key, tag_value FROM iam_principal_tags WHERE principal_id = ? ORDER BY tag_key',
    ),
    deletePrincipalTags: db.prepare<[string]>('DELETE FROM iam_principal_tags WHERE principal_id = ?'),

    insertKey: db.prepare<KeyRow>(`INSERT INTO keys (${keyColumns}) VALUES (${keyValues})`),
    findKey: db.prepare<Named, KeyRow>(`SELECT ${keyColumns} FROM keys WHERE key_id = @key_id AND ${inScope}`),
    listKeys: pagedQuery<KeyRow>(db, `SELECT ${keyColumns} FROM keys`, inScope, 'key_id'),
    replaceKey: db.prepare<KeyRow>(
      `UPDATE keys SET created_at = @created_at, description = @description, key_usage = @key_usage,
        key_spec = @key_spec, origin = @origin, multi_region = @multi_region, policy = @policy, state = @state,
        deletion_date = @deletion_date, pending_window_days = @pending_window_days, key_store = @key_store,
        current_backing_version = @current_backing_version
       WHERE key_id = @key_id AND ${inScope}`,
    ),
    keysDueForDeletion: db.prepare<[number, number], KeyRow>(
      `SELECT ${keyColumns} FROM keys WHERE state = 'PendingDeletion' AND deletion_date <= ?
       ORDER BY deletion_date, key_id LIMIT ?`,
    ),
    // Backing keys, aliases, tags and grants go with it through ON DELETE CASCADE.
    deleteKeyIfDue: db.prepare<Named>(
      `DELETE FROM keys WHERE key_id = @key_id AND ${inScope}
        AND state = 'PendingDeletion' AND deletion_date <= @now`,
    ),

    insertBackingKey: db.prepare<BackingKeyRow>(
      `INSERT INTO backing_keys (key_id, version, created_at, key_store, handle)
       VALUES (@key_id, @version, @created_at, @key_store, @handle)`,
    ),
    findBackingKey: db.prepare<[string, number], BackingKeyRow>(
      'SELECT key_id, version, created_at, key_store, handle FROM backing_keys WHERE key_id = ? AND version = ?',
    ),

    insertAliasIfAbsent: db.prepare<AliasRow>(
      `INSERT INTO aliases (${aliasColumns})
       VALUES (@account_id, @region, @alias_name, @target_key_id, @created_at, @updated_at)
       ON CONFLICT (account_id, region, alias_name) DO NOTHING`,
    ),
    findAlias: db.prepare<Named, AliasRow>(
      `SELECT ${aliasColumns} FROM aliases WHERE alias_name = @alias_name AND ${inScope}`,
    ),
    retargetAlias: db.prepare<Named>(
      `UPDATE aliases SET target_key_id = @target_key_id, updated_at = @updated_at
       WHERE alias_name = @alias_name AND ${inScope}`,
    ),
    deleteAlias: db.prepare<Named>(`DELETE FROM aliases WHERE alias_name = @alias_name AND ${inScope}`),
    listAliases: pagedQuery<AliasRow>(db, `SELECT ${aliasColumns} FROM aliases`, inScope, 'alias_name'),
    listAliasesOfKey: pagedQuery<AliasRow>(
      db,
      `SELECT ${aliasColumns} FROM aliases`,
      `target_key_id = @key_id AND ${inScope}`,
      'alias_name',
    ),

    // The join keeps tags scoped: a key id from another account or Region lists nothing.
    listTags: pagedQuery<TagRow>(
      db,
      'SELECT t.tag_key, t.tag_value FROM key_tags t JOIN keys k ON k.key_id = t.key_id',
      't.key_id = @key_id AND k.account_id = @account_id AND k.region = @region',
      't.tag_key',
    ),
    putTag: db.prepare<[string, string, string]>(
      `INSERT INTO key_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)
       ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
    ),
    removeTag: db.prepare<[string, string]>('DELETE FROM key_tags WHERE key_id = ? AND tag_key = ?'),
    countTags: db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM key_tags WHERE key_id = ?'),

    insertGrant: db.prepare<GrantRow>(
      `INSERT INTO grants (${grantColumns}) VALUES (@grant_id, @account_id, @region, @key_id, @name,
        @grantee_principal, @retiring_principal, @issuing_account, @operations, @constraints, @token_hash, @created_at)`,
    ),
    countGrants: db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM grants WHERE key_id = ?'),
    // The optional filters are residual tests on rows the (key_id, grant_id) index already seeks to: a key
    // has at most maxGrantsPerKey grants, so they never turn a listing into a scan of the table.
    listGrants: pagedQuery<GrantRow>(
      db,
      selectGrantsOfKey,
      `${grantsOfKeyInScope} AND (@grant_id IS NULL OR g.grant_id = @grant_id)
        AND (@grantee_principal IS NULL OR g.grantee_principal = @grantee_principal)`,
      'g.grant_id',
    ),
    listRetirableGrants: pagedQuery<GrantRow>(
      db,
      `SELECT ${grantColumns} FROM grants`,
      'retiring_principal = @retiring_principal',
      'grant_id',
    ),
    findGrantByTokenHash: db.prepare<[string], GrantRow>(`SELECT ${grantColumns} FROM grants WHERE token_hash = ?`),
    deleteGrant: db.prepare<Named>(
      `DELETE FROM grants WHERE grant_id = @grant_id AND key_id = @key_id
        AND key_id IN (SELECT key_id FROM keys WHERE ${inScope})`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
