/**
 * Users and roles as the holders of inline policies and tags: IAM gives each of them the same operations,
 * differing only in the word of the action (DeleteUserPolicy, DeleteRolePolicy), the member that names the
 * principal, and how it is found. One descriptor a kind lets a single factory serve both.
 */

import {
  type Identities,
  type Principal,
  type RoleRecord,
  rolePrincipal,
  type UserRecord,
  userPrincipal,
} from '../../identities/identity-service.js';
import type { Page, PageInput } from '../../identities/paging.js';
import type { QueryContext } from '../query/definition.js';
import type { MemberShape } from '../query/input.js';
import { existingUserName, roleName } from './shapes.js';
import { roleView, userView } from './views.js';

export interface PrincipalKind<NameMember extends string, Entity> {
  /** The word in the action names (`iam:TagUser`) and, pluralised, the list result element (`Users`). */
  readonly noun: 'User' | 'Role';
  /** The input member that names the principal, and the principal's name in results. */
  readonly nameMember: NameMember;
  readonly nameShape: MemberShape;
  /** The caller's account's principal of that name, or NoSuchEntity as IAM words it for the kind. */
  require(identities: Identities, accountId: string, name: string): Promise<Principal>;
  list(
    identities: Identities,
    accountId: string,
    pathPrefix: string | undefined,
    page: PageInput,
  ): Promise<Page<Entity>>;
  /** How a list result shows one; IAM's list operations leave tags out (GetUser and GetRole return them). */
  listedView(entity: Entity): unknown;
}

/** An operation's input naming a principal of that kind. */
export type NamedBy<NameMember extends string> = { readonly [member in NameMember]: string };

/** The principal the input names, in the caller's account. */
export function requireNamed<NameMember extends string>(
  kind: PrincipalKind<NameMember, unknown>,
  input: NamedBy<NameMember>,
  context: QueryContext,
  identities: Identities,
): Promise<Principal> {
  return kind.require(identities, context.caller.accountId, input[kind.nameMember]);
}

export const USER: PrincipalKind<'UserName', UserRecord> = {
  noun: 'User',
  nameMember: 'UserName',
  nameShape: existingUserName,
  require: async (identities, accountId, name) => userPrincipal(await identities.requireUser(accountId, name)),
  list: (identities, accountId, pathPrefix, page) => identities.listUsers(accountId, pathPrefix, page),
  listedView: (user) => userView(user),
};

export const ROLE: PrincipalKind<'RoleName', RoleRecord> = {
  noun: 'Role',
  nameMember: 'RoleName',
  nameShape: roleName,
  require: async (identities, accountId, name) => rolePrincipal(await identities.requireRole(accountId, name)),
  list: (identities, accountId, pathPrefix, page) => identities.listRoles(accountId, pathPrefix, page),
  listedView: (role) => roleView(role),
};
