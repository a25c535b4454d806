import { queryError } from '../../errors/catalogue.js';
import type { Identities, RoleRecord } from '../../identities/identity-service.js';
import { conditionValues, requestTagConditions } from '../conditions.js';
import { defineQueryOperation, type QueryAccess, type QueryContext } from '../query/definition.js';
import type { InputTag } from '../query/input.js';

interface AssumeRoleInput {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly DurationSeconds?: number;
  readonly Policy?: string;
  readonly Tags?: readonly InputTag[];
  readonly ExternalId?: string;
  readonly SourceIdentity?: string;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007e]+\/)?([\w+=,.@-]{1,64})$/;
const DEFAULT_DURATION_SECONDS = 3600;
/** AWS caps a session that assumes another role (role chaining) at one hour, whatever the role allows. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** AWS's limit on a session policy and session tags together, packed; Trent counts their characters. */
const PACKED_POLICY_LIMIT = 2048;

/** A role that does not exist has no trust policy, which nobody satisfies: AssumeRole then answers AccessDenied, as AWS does. */
const NO_TRUST_POLICY = '';

/** The condition keys AssumeRole carries (sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity, request tags). */
function assumeRoleConditions(input: AssumeRoleInput) {
  const tags = (input.Tags ?? []).map(({ Key, Value }) => ({ TagKey: Key, TagValue: Value }));
  return conditionValues({
    'sts:RoleSessionName': input.RoleSessionName,
    'sts:ExternalId': input.ExternalId,
    'sts:SourceIdentity': input.SourceIdentity,
    ...requestTagConditions(tags),
  });
}

/** Each permission AssumeRole needs from the trust policy and the caller's identity policies. */
function accessFor(input: AssumeRoleInput, role: RoleRecord | undefined): QueryAccess[] {
  const resource = role?.arn ?? input.RoleArn;
  const trust = {
    resource,
    resourcePolicy: role?.trustPolicy ?? NO_TRUST_POLICY,
    resourcePolicyKind: 'trust' as const,
    conditions: assumeRoleConditions(input),
  };
  const access: QueryAccess[] = [{ action: 'sts:AssumeRole', ...trust }];
  if (input.Tags !== undefined && input.Tags.length > 0) access.push({ action: 'sts:TagSession', ...trust });
  if (input.SourceIdentity !== undefined) access.push({ action: 'sts:SetSourceIdentity', ...trust });
  return access;
}

function nonWhitespaceLength(text: string): number {
  return text.replace(/\s/g, '').length;
}

function sessionDuration(input: AssumeRoleInput, role: RoleRecord, context: QueryContext): number {
  const seconds = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (context.caller.type === 'AssumedRole' && seconds > ROLE_CHAINING_MAX_SECONDS) {
    throw queryError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (seconds > role.maxSessionDuration) {
    throw queryError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }
  return seconds;
}

/** Session tag keys are unique case-insensitively, and the aws: prefix is AWS's own. */
function checkSessionTags(tags: readonly InputTag[]): void {
  const keys = new Set<string>();
  for (const { Key } of tags) {
    if (Key.toLowerCase().startsWith('aws:')) {
      throw queryError('InvalidParameterValue', `Tag key ${Key} uses the reserved prefix aws:.`);
    }
    if (keys.has(Key.toLowerCase())) {
      throw queryError(
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    keys.add(Key.toLowerCase());
  }
}

/** How much of AWS's packed-policy allowance the session policy and tags use, in percent (PackedPolicySize). */
function packedPolicySize(input: AssumeRoleInput): number | undefined {
  if (input.Policy === undefined && input.Tags === undefined) return undefined;
  const tagChars = (input.Tags ?? []).reduce((sum, tag) => sum + tag.Key.length + tag.Value.length, 0);
  const percent = Math.ceil((100 * (nonWhitespaceLength(input.Policy ?? '') + tagChars)) / PACKED_POLICY_LIMIT);
  if (percent > 100) {
    throw queryError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    );
  }
  return percent;
}

/**
 * A session of a role: allowed when the role's trust policy lets the caller in (and, where the trust policy
 * names only the caller's account, or across accounts, the caller's identity policies allow sts:AssumeRole).
 * A session policy and session tags are enforced on every later call of the session, never ignored.
 */
export const assumeRole = defineQueryOperation<AssumeRoleInput, RoleRecord | undefined>({
  service: 'sts',
  name: 'AssumeRole',
  // It writes nothing (sessions are stateless), and CloudTrail records it as read-only.
  readOnly: true,
  input: {
    RoleArn: { kind: 'string', required: true, min: 20, max: 2048 },
    RoleSessionName: { kind: 'string', required: true, min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
    DurationSeconds: { kind: 'integer', min: 900, max: 43200 },
    Policy: { kind: 'string', min: 1, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', sensitive: true },
    Tags: { kind: 'tags', max: 50 },
    ExternalId: { kind: 'string', min: 2, max: 1224, pattern: '[\\w+=,.@:\\/-]*' },
    SourceIdentity: { kind: 'string', min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
    PolicyArns: {
      kind: 'unsupported',
      reason: 'Trent has no managed policies: pass the session policy inline in Policy.',
    },
    TransitiveTagKeys: { kind: 'unsupported', reason: 'Trent does not pass session tags on through role chaining.' },
    SerialNumber: { kind: 'unsupported', reason: 'Trent does not support MFA (SerialNumber, TokenCode).' },
    TokenCode: { kind: 'unsupported', reason: 'Trent does not support MFA (SerialNumber, TokenCode).' },
    ProvidedContexts: {
      kind: 'unsupported',
      reason: 'Trent does not support trusted context providers (ProvidedContexts).',
    },
  },
  async resolve(input, context, identities: Identities) {
    if (context.caller.type === 'Root') throw queryError('AccessDenied', 'Roles may not be assumed by root accounts.');
    const [, accountId, roleName] = ROLE_ARN.exec(input.RoleArn) ?? [];
    if (accountId === undefined || roleName === undefined) {
      throw queryError('ValidationError', `${input.RoleArn} is not a valid role ARN.`);
    }
    const found = await identities.findRole(accountId, roleName);
    const role = found?.arn === input.RoleArn ? found : undefined;
    return { access: accessFor(input, role), target: role };
  },
  async handle(input, role, context, identities) {
    // Authorization has passed, which an absent role never does.
    if (role === undefined) throw queryError('AccessDenied', `Role ${input.RoleArn} cannot be assumed.`);
    if (input.Policy !== undefined) identities.parseIdentityPolicy(input.Policy);
    checkSessionTags(input.Tags ?? []);
    const packed = packedPolicySize(input);
    const expiresAt = identities.now() + sessionDuration(input, role, context) * 1000;
    const credentials = await identities.issueSession({
      accountId: role.accountId,
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      sessionName: input.RoleSessionName,
      expiresAt,
      sessionTags: (input.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value })),
      ...(input.Policy === undefined ? {} : { sessionPolicy: input.Policy }),
      ...(input.SourceIdentity === undefined ? {} : { sourceIdentity: input.SourceIdentity }),
    });
    return {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: new Date(credentials.expiresAt),
      },
      AssumedRoleUser: {
        AssumedRoleId: `${role.roleId}:${input.RoleSessionName}`,
        Arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${input.RoleSessionName}`,
      },
      PackedPolicySize: packed,
      SourceIdentity: input.SourceIdentity,
    };
  },
});
