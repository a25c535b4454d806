import type { Caller, PrincipalTag } from '../shared/caller.js';

/** Condition keys by lowercase name (IAM matches key names case-insensitively). */
export type ConditionValues = ReadonlyMap<string, readonly string[]>;

const PRINCIPAL_TYPE: Readonly<Record<Caller['type'], string>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
};

/**
 * The global condition keys every request carries, as AWS supplies them: aws:username for IAM users only,
 * aws:PrincipalTag/<key> for the principal's tags (a role session's include its session tags).
 */
export function globalConditions(
  caller: Caller,
  sourceIp: string | undefined,
  now: number,
  principalTags: readonly PrincipalTag[] = [],
): Map<string, readonly string[]> {
  const values = new Map<string, readonly string[]>([
    // For a role session AWS supplies the role's ARN, not the session's.
    ['aws:principalarn', [caller.session?.roleArn ?? caller.arn]],
    ['aws:principalaccount', [caller.accountId]],
    ['aws:principaltype', [PRINCIPAL_TYPE[caller.type]]],
    ['aws:userid', [caller.principalId]],
    ['aws:currenttime', [new Date(now).toISOString()]],
    ['aws:epochtime', [String(Math.floor(now / 1000))]],
    ['aws:securetransport', ['false']],
    ['kms:calleraccount', [caller.accountId]],
  ]);
  if (sourceIp !== undefined) values.set('aws:sourceip', [sourceIp]);
  if (caller.userName !== undefined) values.set('aws:username', [caller.userName]);
  if (caller.session?.sourceIdentity !== undefined) values.set('aws:sourceidentity', [caller.session.sourceIdentity]);
  for (const tag of principalTags) values.set(`aws:principaltag/${tag.key.toLowerCase()}`, [tag.value]);
  return values;
}

/** The request's global keys with one action's own keys on top. */
export function withActionConditions(global: ConditionValues, action: ConditionValues | undefined): ConditionValues {
  if (action === undefined || action.size === 0) return global;
  return new Map([...global, ...action]);
}
