import type { Caller } from '../shared/caller.js';
import { evaluatePolicy } from './evaluate.js';
import type { PolicyDocument, PolicyStatement } from './policy.js';
import { parseStoredPolicy } from './policy-document.js';
import { type ConditionValues, withActionConditions } from './request-context.js';

/** One action on one resource ARN ('*' for operations without a resource), as an operation declares it. */
export interface AccessCheck {
  readonly action: string;
  readonly resource: string;
  /** The key policy when the resource is a key. */
  readonly keyPolicy?: string;
  readonly conditions?: ConditionValues;
}

export type DenialReason =
  | 'no-resource-policy-allows'
  | 'explicit-deny-in-resource-policy'
  | 'no-identity-policy-allows';

/** The key-policy statement that decided, for explanations (`trent policy simulate`). */
export interface DecidingStatement {
  readonly sid: string | undefined;
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
}

export type Decision =
  | { readonly allowed: true; readonly decidedBy?: DecidingStatement }
  | { readonly allowed: false; readonly reason: DenialReason; readonly decidedBy?: DecidingStatement };

const ALLOW: Decision = { allowed: true };
const deny = (reason: DenialReason): Decision => ({ allowed: false, reason });

function decidingStatement(statement: PolicyStatement | undefined): { decidedBy?: DecidingStatement } {
  return statement ? { decidedBy: { sid: statement.sid, index: statement.index, effect: statement.effect } } : {};
}

/** Parsed key policies by their text: a changed policy is a different text, so nothing goes stale. */
const parsedPolicies = new Map<string, PolicyDocument | null>();
const PARSED_POLICY_CACHE = 1_000;

function parsedKeyPolicy(text: string): PolicyDocument | null {
  const known = parsedPolicies.get(text);
  if (known !== undefined) return known;
  let parsed: PolicyDocument | null;
  try {
    parsed = parseStoredPolicy(text, 'resource');
  } catch {
    parsed = null;
  }
  if (parsedPolicies.size >= PARSED_POLICY_CACHE) parsedPolicies.delete(parsedPolicies.keys().next().value as string);
  parsedPolicies.set(text, parsed);
  return parsed;
}

/**
 * What the caller's identity policies allow. Until IAM identities exist (issue #3) every caller is an
 * account root, which holds every permission of its account; anyone else has none.
 */
function identityAllows(caller: Caller, check: AccessCheck): boolean {
  if (caller.type !== 'Root') return false;
  return check.keyPolicy !== undefined || check.resource === '*' || check.resource.split(':')[4] === caller.accountId;
}

/**
 * The authorization decision, a pure function that fails closed, in IAM's order: an explicit Deny in the
 * key policy wins; then an Allow in the key policy for this very principal allows; an Allow for the
 * principal's account (`arn:aws:iam::<account>:root`) hands the decision to the caller's identity
 * policies; otherwise nothing allows it. A key policy that cannot be parsed allows nothing. Resources that
 * are not keys (CreateKey, ListKeys, aliases) are decided by identity policies alone.
 */
export function decide(caller: Caller, check: AccessCheck, requestConditions: ConditionValues): Decision {
  if (check.keyPolicy === undefined) return identityAllows(caller, check) ? ALLOW : deny('no-identity-policy-allows');
  const policy = parsedKeyPolicy(check.keyPolicy);
  if (policy === null) return deny('no-resource-policy-allows');
  const evaluation = evaluatePolicy(policy, {
    principal: { arn: caller.arn, accountId: caller.accountId },
    action: check.action,
    resource: check.resource,
    context: withActionConditions(requestConditions, check.conditions),
  });
  const decidedBy = decidingStatement(evaluation.decidingStatement);
  if (evaluation.outcome === 'Deny')
    return { allowed: false, reason: 'explicit-deny-in-resource-policy', ...decidedBy };
  if (evaluation.outcome !== 'Allow') return deny('no-resource-policy-allows');
  if (evaluation.allowKind === 'principal' || identityAllows(caller, check)) return { allowed: true, ...decidedBy };
  return { allowed: false, reason: 'no-identity-policy-allows', ...decidedBy };
}

const BECAUSE: Readonly<Record<DenialReason, (action: string) => string>> = {
  'no-resource-policy-allows': (action) => `because no resource-based policy allows the ${action} action`,
  'explicit-deny-in-resource-policy': () => 'with an explicit deny in a resource-based policy',
  'no-identity-policy-allows': (action) => `because no identity-based policy allows the ${action} action`,
};

/** AWS's wording for a denial. */
export function denialMessage(caller: Caller, check: AccessCheck, reason: DenialReason): string {
  return `User: ${caller.arn} is not authorized to perform: ${check.action} on resource: ${check.resource} ${BECAUSE[reason](check.action)}`;
}
