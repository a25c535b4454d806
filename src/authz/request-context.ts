import type { Caller, PrincipalTag } from '../shared/caller.js';

/** Condition keys by lowercase name (IAM matches key names case-insensitively): what an operation supplies. */
export type ConditionValues = ReadonlyMap<string, readonly string[]>;

/**
 * The request context as evaluation reads it: one key at a time, by lowercase name. Reading is all evaluation
 * does with it, so the request's own keys need not be gathered into a map before a policy asks for one (most
 * policies ask for none), and an action's keys can sit on top of the request's without being copied.
 */
export interface ConditionLookup {
  get(name: string): readonly string[] | undefined;
}

const PRINCIPAL_TYPE: Readonly<Record<Caller['type'], string>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
};

const PRINCIPAL_TAG = 'aws:principaltag/';

/**
 * The global condition keys every request carries, as AWS supplies them: aws:username for IAM users only,
 * aws:PrincipalTag/<key> for the principal's tags (a role session's include its session tags).
 * Each value is worked out when a policy asks for it.
 */
class GlobalConditions implements ConditionLookup {
  constructor(
    private readonly caller: Caller,
    private readonly sourceIp: string | undefined,
    private readonly now: number,
    private readonly principalTags: readonly PrincipalTag[],
  ) {}

  get(name: string): readonly string[] | undefined {
    const value = this.value(name);
    return value === undefined ? undefined : [value];
  }

  private value(name: string): string | undefined {
    const { caller } = this;
    switch (name) {
      // For a role session AWS supplies the role's ARN, not the session's.
      case 'aws:principalarn':
        return caller.session?.roleArn ?? caller.arn;
      case 'aws:principalaccount':
      case 'kms:calleraccount':
        return caller.accountId;
      case 'aws:principaltype':
        return PRINCIPAL_TYPE[caller.type];
      case 'aws:userid':
        return caller.principalId;
      case 'aws:currenttime':
        return new Date(this.now).toISOString();
      case 'aws:epochtime':
        return String(Math.floor(this.now / 1000));
      case 'aws:securetransport':
        return 'false';
      case 'aws:sourceip':
        return this.sourceIp;
      case 'aws:username':
        return caller.userName;
      case 'aws:sourceidentity':
        return caller.session?.sourceIdentity;
      default:
        return name.startsWith(PRINCIPAL_TAG) ? this.principalTag(name.slice(PRINCIPAL_TAG.length)) : undefined;
    }
  }

  /** Tag keys compare case-insensitively; of two that differ only in case, the later one counts. */
  private principalTag(lowercaseKey: string): string | undefined {
    let found: string | undefined;
    for (const tag of this.principalTags) if (tag.key.toLowerCase() === lowercaseKey) found = tag.value;
    return found;
  }
}

export function globalConditions(
  caller: Caller,
  sourceIp: string | undefined,
  now: number,
  principalTags: readonly PrincipalTag[] = [],
): ConditionLookup {
  return new GlobalConditions(caller, sourceIp, now, principalTags);
}

/** The request's global keys with one action's own keys on top. */
export function withActionConditions(global: ConditionLookup, action: ConditionValues | undefined): ConditionLookup {
  if (action === undefined || action.size === 0) return global;
  return { get: (name) => action.get(name) ?? global.get(name) };
}
