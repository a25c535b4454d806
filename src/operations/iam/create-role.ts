import { DEFAULT_PATH, type Tag } from '../../identities/identity-service.js';
import { defineQueryOperation } from '../query/definition.js';
import type { InputTag } from '../query/input.js';
import { onResource } from './access.js';
import { path, permissionsBoundary, policyDocument, required, roleName, tags } from './shapes.js';
import { roleView, storedTags } from './views.js';

interface CreateRoleInput {
  readonly RoleName: string;
  readonly Path?: string;
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration?: number;
  readonly Tags?: InputTag[];
}

export const createRole = defineQueryOperation({
  service: 'iam',
  name: 'CreateRole',
  readOnly: false,
  input: {
    Path: path,
    RoleName: required(roleName),
    AssumeRolePolicyDocument: required(policyDocument),
    Description: {
      kind: 'string',
      max: 1000,
      pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
    },
    MaxSessionDuration: { kind: 'integer', min: 3600, max: 43200 },
    PermissionsBoundary: permissionsBoundary,
    Tags: tags,
  },
  async resolve(input: CreateRoleInput, context, identities) {
    const newTags = storedTags(input.Tags);
    const arn = identities.roleArn(context.caller.accountId, input.Path ?? DEFAULT_PATH, input.RoleName);
    return onResource('iam:CreateRole', arn, newTags, newTags);
  },
  async handle(input, newTags: Tag[], context, identities) {
    const role = await identities.createRole(context.caller.accountId, {
      roleName: input.RoleName,
      path: input.Path,
      trustPolicy: input.AssumeRolePolicyDocument,
      description: input.Description,
      maxSessionDuration: input.MaxSessionDuration,
      tags: newTags,
    });
    return { Role: roleView(role, newTags) };
  },
});
