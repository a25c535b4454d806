import { nameKey } from '../identity-rules.js';
import type {
  AccessKeyRecord,
  AccountRecord,
  AliasRecord,
  BackingKeyRecord,
  GrantConstraints,
  GrantRecord,
  InlinePolicyRecord,
  KeyRecord,
  KeyState,
  RoleRecord,
  Tag,
  UserRecord,
} from '../port.js';

/**
 * The tables' rows as better-sqlite3 reads and binds them (column names as property names), and the
 * conversions to and from the port's records. Records handed out are frozen, as the memory adapter's are,
 * so code that mutates one fails the same way on every adapter.
 */

export interface AccountRow {
  account_id: string;
  created_at: number;
}

export interface AccessKeyRow {
  access_key_id: string;
  account_id: string;
  principal_arn: string;
  principal_type: string;
  principal_id: string;
  sealed_secret: Uint8Array;
  status: string;
  created_at: number;
}

export interface KeyRow {
  key_id: string;
  account_id: string;
  region: string;
  created_at: number;
  description: string;
  key_usage: string;
  key_spec: string;
  origin: string;
  multi_region: number;
  policy: string;
  state: string;
  deletion_date: number | null;
  pending_window_days: number | null;
  key_store: string;
  current_backing_version: number;
}

export interface BackingKeyRow {
  key_id: string;
  version: number;
  created_at: number;
  key_store: string;
  handle: Uint8Array;
}

export interface AliasRow {
  account_id: string;
  region: string;
  alias_name: string;
  target_key_id: string;
  created_at: number;
  updated_at: number;
}

export interface GrantRow {
  grant_id: string;
  account_id: string;
  region: string;
  key_id: string;
  name: string | null;
  grantee_principal: string;
  retiring_principal: string | null;
  issuing_account: string;
  operations: string;
  constraints: string | null;
  token_hash: string;
  created_at: number;
}

export interface TagRow {
  tag_key: string;
  tag_value: string;
}

export interface UserRow {
  user_id: string;
  account_id: string;
  user_name: string;
  name_lower: string;
  path: string;
  arn: string;
  created_at: number;
}

export interface RoleRow {
  role_id: string;
  account_id: string;
  role_name: string;
  name_lower: string;
  path: string;
  arn: string;
  trust_policy: string;
  description: string;
  max_session_duration: number;
  created_at: number;
}

export interface InlinePolicyRow {
  policy_name: string;
  document: string;
}

export const accountToRow = (account: AccountRecord): AccountRow => ({
  account_id: account.accountId,
  created_at: account.createdAt,
});

export const rowToAccount = (row: AccountRow): AccountRecord =>
  Object.freeze({ accountId: row.account_id, createdAt: row.created_at });

export const accessKeyToRow = (key: AccessKeyRecord): AccessKeyRow => ({
  access_key_id: key.accessKeyId,
  account_id: key.accountId,
  principal_arn: key.principalArn,
  principal_type: key.principalType,
  principal_id: key.principalId,
  sealed_secret: key.sealedSecret,
  status: key.status,
  created_at: key.createdAt,
});

// The casts below are safe because the tables' CHECK constraints admit only the port's values.
export const rowToAccessKey = (row: AccessKeyRow): AccessKeyRecord =>
  Object.freeze({
    accessKeyId: row.access_key_id,
    accountId: row.account_id,
    principalArn: row.principal_arn,
    principalType: row.principal_type as AccessKeyRecord['principalType'],
    principalId: row.principal_id,
    sealedSecret: row.sealed_secret,
    status: row.status as AccessKeyRecord['status'],
    createdAt: row.created_at,
  });

export const keyToRow = (key: KeyRecord): KeyRow => ({
  key_id: key.keyId,
  account_id: key.accountId,
  region: key.region,
  created_at: key.createdAt,
  description: key.description,
  key_usage: key.keyUsage,
  key_spec: key.keySpec,
  origin: key.origin,
  multi_region: key.multiRegion ? 1 : 0,
  policy: key.policy,
  state: key.state,
  deletion_date: key.deletionDate,
  pending_window_days: key.pendingWindowInDays,
  key_store: key.keyStore,
  current_backing_version: key.currentBackingVersion,
});

export const rowToKey = (row: KeyRow): KeyRecord =>
  Object.freeze({
    accountId: row.account_id,
    region: row.region,
    keyId: row.key_id,
    createdAt: row.created_at,
    description: row.description,
    keyUsage: row.key_usage,
    keySpec: row.key_spec,
    origin: row.origin,
    multiRegion: row.multi_region === 1,
    policy: row.policy,
    state: row.state as KeyState,
    deletionDate: row.deletion_date,
    pendingWindowInDays: row.pending_window_days,
    keyStore: row.key_store,
    currentBackingVersion: row.current_backing_version,
  });

export const backingKeyToRow = (key: BackingKeyRecord): BackingKeyRow => ({
  key_id: key.keyId,
  version: key.version,
  created_at: key.createdAt,
  key_store: key.keyStore,
  handle: key.handle,
});

export const rowToBackingKey = (row: BackingKeyRow): BackingKeyRecord =>
  Object.freeze({
    keyId: row.key_id,
    version: row.version,
    createdAt: row.created_at,
    keyStore: row.key_store,
    handle: row.handle,
  });

export const aliasToRow = (alias: AliasRecord): AliasRow => ({
  account_id: alias.accountId,
  region: alias.region,
  alias_name: alias.aliasName,
  target_key_id: alias.targetKeyId,
  created_at: alias.createdAt,
  updated_at: alias.updatedAt,
});

export const rowToAlias = (row: AliasRow): AliasRecord =>
  Object.freeze({
    accountId: row.account_id,
    region: row.region,
    aliasName: row.alias_name,
    targetKeyId: row.target_key_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

export const rowToTag = (row: TagRow): Tag => Object.freeze({ TagKey: row.tag_key, TagValue: row.tag_value });

export const userToRow = (user: UserRecord): UserRow => ({
  user_id: user.userId,
  account_id: user.accountId,
  user_name: user.userName,
  name_lower: nameKey(user.userName),
  path: user.path,
  arn: user.arn,
  created_at: user.createdAt,
});

export const rowToUser = (row: UserRow): UserRecord =>
  Object.freeze({
    accountId: row.account_id,
    userName: row.user_name,
    userId: row.user_id,
    path: row.path,
    arn: row.arn,
    createdAt: row.created_at,
  });

export const roleToRow = (role: RoleRecord): RoleRow => ({
  role_id: role.roleId,
  account_id: role.accountId,
  role_name: role.roleName,
  name_lower: nameKey(role.roleName),
  path: role.path,
  arn: role.arn,
  trust_policy: role.trustPolicy,
  description: role.description,
  max_session_duration: role.maxSessionDuration,
  created_at: role.createdAt,
});

export const rowToRole = (row: RoleRow): RoleRecord =>
  Object.freeze({
    accountId: row.account_id,
    roleName: row.role_name,
    roleId: row.role_id,
    path: row.path,
    arn: row.arn,
    trustPolicy: row.trust_policy,
    description: row.description,
    maxSessionDuration: row.max_session_duration,
    createdAt: row.created_at,
  });

export const rowToInlinePolicy = (row: InlinePolicyRow): InlinePolicyRecord =>
  Object.freeze({ policyName: row.policy_name, document: row.document });

export const grantToRow = (grant: GrantRecord): GrantRow => ({
  grant_id: grant.grantId,
  account_id: grant.accountId,
  region: grant.region,
  key_id: grant.keyId,
  name: grant.name,
  grantee_principal: grant.granteePrincipal,
  retiring_principal: grant.retiringPrincipal,
  issuing_account: grant.issuingAccount,
  operations: JSON.stringify(grant.operations),
  constraints: grant.constraints === null ? null : JSON.stringify(grant.constraints),
  token_hash: grant.tokenHash,
  created_at: grant.createdAt,
});

/** Parses JSON into deeply frozen values, so grant records are as immutable as the other records. */
const parseFrozen = (json: string): unknown =>
  JSON.parse(json, (_key, value: unknown) =>
    typeof value === 'object' && value !== null ? Object.freeze(value) : value,
  );

/** The JSON columns were written by grantToRow, so they parse back to the port's shapes. */
export const rowToGrant = (row: GrantRow): GrantRecord =>
  Object.freeze({
    grantId: row.grant_id,
    accountId: row.account_id,
    region: row.region,
    keyId: row.key_id,
    name: row.name,
    granteePrincipal: row.grantee_principal,
    retiringPrincipal: row.retiring_principal,
    issuingAccount: row.issuing_account,
    operations: parseFrozen(row.operations) as readonly string[],
    constraints: row.constraints === null ? null : (parseFrozen(row.constraints) as GrantConstraints),
    tokenHash: row.token_hash,
    createdAt: row.created_at,
  });
