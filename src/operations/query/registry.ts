import { createAccessKey } from '../iam/create-access-key.js';
import { createRole } from '../iam/create-role.js';
import { createUser } from '../iam/create-user.js';
import { deleteAccessKey } from '../iam/delete-access-key.js';
import { deleteRole } from '../iam/delete-role.js';
import { deleteRolePolicy } from '../iam/delete-role-policy.js';
import { deleteUser } from '../iam/delete-user.js';
import { deleteUserPolicy } from '../iam/delete-user-policy.js';
import { getRole } from '../iam/get-role.js';
import { getRolePolicy } from '../iam/get-role-policy.js';
import { getUser } from '../iam/get-user.js';
import { getUserPolicy } from '../iam/get-user-policy.js';
import { listAccessKeys } from '../iam/list-access-keys.js';
import { listRolePolicies } from '../iam/list-role-policies.js';
import { listRoles } from '../iam/list-roles.js';
import { listUserPolicies } from '../iam/list-user-policies.js';
import { listUsers } from '../iam/list-users.js';
import { putRolePolicy } from '../iam/put-role-policy.js';
import { putUserPolicy } from '../iam/put-user-policy.js';
import { tagRole } from '../iam/tag-role.js';
import { tagUser } from '../iam/tag-user.js';
import { updateAccessKey } from '../iam/update-access-key.js';
import { updateAssumeRolePolicy } from '../iam/update-assume-role-policy.js';
import { assumeRole } from '../sts/assume-role.js';
import { getCallerIdentity } from '../sts/get-caller-identity.js';
import type { QueryOperation } from './definition.js';

const iamOperations: readonly QueryOperation[] = [
  createAccessKey,
  createRole,
  createUser,
  deleteAccessKey,
  deleteRole,
  deleteRolePolicy,
  deleteUser,
  deleteUserPolicy,
  getRole,
  getRolePolicy,
  getUser,
  getUserPolicy,
  listAccessKeys,
  listRolePolicies,
  listRoles,
  listUserPolicies,
  listUsers,
  putRolePolicy,
  putUserPolicy,
  tagRole,
  tagUser,
  updateAccessKey,
  updateAssumeRolePolicy,
];

const stsOperations: readonly QueryOperation[] = [assumeRole, getCallerIdentity];

/** Every IAM and STS action Trent serves, keyed `${service}:${Action}`. Nothing unlisted is reachable. */
export const queryOperations: ReadonlyMap<string, QueryOperation> = new Map(
  [...iamOperations, ...stsOperations].map((operation) => [`${operation.service}:${operation.name}`, operation]),
);
