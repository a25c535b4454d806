/**
 * Member shapes of IAM's model (botocore iam/2010-05-08/service-2.json) that several operations share, with the
 * model's limits and patterns as facts; each operation marks which of them it requires.
 */
import type { MemberShape } from '../query/input.js';

const NAME_PATTERN = '[\\w+=,.@-]+';

/** userNameType: the name a new user gets. */
export const userName = { kind: 'string', min: 1, max: 64, pattern: NAME_PATTERN } as const satisfies MemberShape;
/** existingUserNameType: the name of a user that exists. */
export const existingUserName = {
  kind: 'string',
  min: 1,
  max: 128,
  pattern: NAME_PATTERN,
} as const satisfies MemberShape;
/** roleNameType */
export const roleName = { kind: 'string', min: 1, max: 64, pattern: NAME_PATTERN } as const satisfies MemberShape;
/** policyNameType */
export const policyName = { kind: 'string', min: 1, max: 128, pattern: NAME_PATTERN } as const satisfies MemberShape;
/** pathType */
export const path = {
  kind: 'string',
  min: 1,
  max: 512,
  pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
} as const satisfies MemberShape;
/** pathPrefixType */
export const pathPrefix = {
  kind: 'string',
  min: 1,
  max: 512,
  pattern: '\\u002F[\\u0021-\\u007F]*',
} as const satisfies MemberShape;
/** policyDocumentType: never echoed in a validation message. */
export const policyDocument = {
  kind: 'string',
  min: 1,
  max: 131072,
  pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  sensitive: true,
} as const satisfies MemberShape;
/** accessKeyIdType */
export const accessKeyId = { kind: 'string', min: 16, max: 128, pattern: '[\\w]+' } as const satisfies MemberShape;
/** tagListType */
export const tags = { kind: 'tags', max: 50 } as const satisfies MemberShape;
/** markerType */
export const marker = {
  kind: 'string',
  min: 1,
  max: 320,
  pattern: '[\\u0020-\\u00FF]+',
} as const satisfies MemberShape;
/** maxItemsType */
export const maxItems = { kind: 'integer', min: 1, max: 1000 } as const satisfies MemberShape;

/** arnType of PermissionsBoundary (CreateUser, CreateRole): refused, never ignored. */
export const permissionsBoundary: MemberShape = {
  kind: 'unsupported',
  reason: 'Trent has no managed policies, so it cannot set a permissions boundary.',
};

/** Marks a shared shape required for one operation. */
export const required = <Shape extends MemberShape>(shape: Shape): Shape => ({ ...shape, required: true });
