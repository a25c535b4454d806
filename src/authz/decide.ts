import type { Caller } from '../shared/caller.js';
import { evaluatePolicy, statementApplies } from './evaluate.js';
import { type Identity, NO_IDENTITY, ROOT_IDENTITY } from './identity.js';
import type { EvaluationRequest, PolicyDocument, PolicyStatement } from './policy.js';
import { parsedPolicy } from './policy-cache.js';
import { type ConditionLookup, type ConditionValues, withActionConditions } from './request-context.js';

/** One action on one resource ARN ('*' for operations without a resource), as an operation declares it. */
export interface AccessCheck {
  readonly action: string;
  readonly resource: string;
  /** The resource-based policy: the key policy when the resource is a key, the trust policy for AssumeRole. */
  readonly resourcePolicy?: string;
  /** 'trust' for a role's trust policy, whose statements have no Resource element; 'resource' otherwise. */
  readonly resourcePolicyKind?: 'resource' | 'trust';
  readonly conditions?: ConditionValues;
}

export type DenialReason =
  | 'no-resource-policy-allows'
  | 'explicit-deny-in-resource-policy'
  | 'no-identity-policy-allows'
  | 'explicit-deny-in-identity-policy'
  | 'no-session-policy-allows'
  | 'explicit-deny-in-session-policy';

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

type Outcome = { readonly outcome: 'Allow' | 'Deny' | 'NotApplicable'; readonly statement?: PolicyStatement };

const NOT_APPLICABLE: Outcome = { outcome: 'NotApplicable' };
const DENY_ALL: Outcome = { outcome: 'Deny' };

/** The account a resource ARN belongs to; '*' (operations without a resource) belongs to the caller's. */
function resourceAccount(resource: string, caller: Caller): string {
  return resource === '*' ? caller.accountId : (resource.split(':')[4] ?? '');
}

/** One identity-side policy; one that no longer parses denies everything. */
function evaluateIdentityPolicy(policy: PolicyDocument | null, request: EvaluationRequest): Outcome {
  if (policy === null) return DENY_ALL;
  const evaluation = evaluatePolicy(policy, request);
  return evaluation.decidingStatement === undefined
    ? { outcome: evaluation.outcome }
    : { outcome: evaluation.outcome, statement: evaluation.decidingStatement };
}

/**
 * The caller's identity-based policies together: any Deny wins, then any Allow. The account root holds every
 * permission (another account's resources still need that account's resource policy to let it in).
 */
function evaluateIdentity(identity: Identity, request: EvaluationRequest): Outcome {
  if (identity.policies === 'root') return { outcome: 'Allow' };
  let allow: Outcome | undefined;
  for (const policy of identity.policies) {
    const outcome = evaluateIdentityPolicy(policy, request);
    if (outcome.outcome === 'Deny') return outcome;
    if (outcome.outcome === 'Allow') allow ??= outcome;
  }
  return allow ?? NOT_APPLICABLE;
}

/** Why the identity side did not allow: its policies did, so the session policy did not; or they did not. */
function identityShortfall(identityOutcome: Outcome): DenialReason {
  return identityOutcome.outcome === 'Allow' ? 'no-session-policy-allows' : 'no-identity-policy-allows';
}

/**
 * Whether a resource policy's Allow names this very session (its assumed-role ARN): only then is it not capped
 * by the session policy, as the IAM User Guide describes session policies.
 */
function namesSessionItself(policy: PolicyDocument, caller: Caller, request: EvaluationRequest): boolean {
  return policy.statements.some(
    (statement) =>
      statement.effect === 'Allow' &&
      statement.principal !== undefined &&
      statement.principal !== '*' &&
      (statement.principal['AWS'] ?? []).includes(caller.arn) &&
      statementApplies(statement, request, policy.version),
  );
}

/**
 * The authorization decision, a pure function that fails closed, in IAM's order:
 * 1. an explicit Deny in the resource policy (key policy, trust policy), the identity policies or the session
 *    policy denies;
 * 2. a resource policy that allows this very principal allows, capped by the session policy unless it names
 *    the session itself; one that allows the principal's account hands the decision to the identity policies
 *    (and the session policy); with neither, nothing allows it;
 * 3. without a resource policy, the identity policies (and the session policy) decide alone, within the
 *    caller's own account;
 * 4. across accounts, the caller's own identity policies must allow as well.
 * A policy that cannot be parsed allows nothing (a stored identity policy that cannot be parsed denies).
 */
export function decide(
  caller: Caller,
  check: AccessCheck,
  requestConditions: ConditionLookup,
  identity: Identity = caller.type === 'Root' ? ROOT_IDENTITY : NO_IDENTITY,
): Decision {
  const request: EvaluationRequest = {
    principal: {
      arn: caller.arn,
      accountId: caller.accountId,
      ...(caller.session ? { roleArn: caller.session.roleArn } : {}),
    },
    action: check.action,
    resource: check.resource,
    context: withActionConditions(requestConditions, check.conditions),
  };
  const resourcePolicy =
    check.resourcePolicy === undefined
      ? undefined
      : parsedPolicy(check.resourcePolicy, check.resourcePolicyKind ?? 'resource');
  const resource = resourcePolicy
    ? evaluatePolicy(resourcePolicy, request)
    : { outcome: 'NotApplicable' as const, decidingStatement: undefined, allowKind: undefined };
  const decidedBy = decidingStatement(resource.decidingStatement);
  if (resource.outcome === 'Deny') return { allowed: false, reason: 'explicit-deny-in-resource-policy', ...decidedBy };

  const identityOutcome = evaluateIdentity(identity, request);
  if (identityOutcome.outcome === 'Deny') {
    return {
      allowed: false,
      reason: 'explicit-deny-in-identity-policy',
      ...decidingStatement(identityOutcome.statement),
    };
  }
  const session =
    identity.sessionPolicy === undefined ? undefined : evaluateIdentityPolicy(identity.sessionPolicy, request);
  if (session?.outcome === 'Deny') {
    return { allowed: false, reason: 'explicit-deny-in-session-policy', ...decidingStatement(session.statement) };
  }
  const sessionAllows = session === undefined || session.outcome === 'Allow';
  const identityAllows = identityOutcome.outcome === 'Allow' && sessionAllows;
  const sameAccount = resourceAccount(check.resource, caller) === caller.accountId;

  if (check.resourcePolicy === undefined) {
    // Without a resource policy, nothing lets a caller into another account.
    if (identityAllows && sameAccount) return ALLOW;
    const sessionIsWhy = sameAccount && identityOutcome.outcome === 'Allow';
    return deny(sessionIsWhy ? 'no-session-policy-allows' : 'no-identity-policy-allows');
  }
  if (resource.outcome !== 'Allow' || resourcePolicy === null || resourcePolicy === undefined) {
    return deny('no-resource-policy-allows');
  }
  if (resource.allowKind === 'principal') {
    const capped = !sessionAllows && !namesSessionItself(resourcePolicy, caller, request);
    if (capped) return { allowed: false, reason: 'no-session-policy-allows', ...decidedBy };
    if (sameAccount || identityAllows) return { allowed: true, ...decidedBy };
    return { allowed: false, reason: identityShortfall(identityOutcome), ...decidedBy };
  }
  if (identityAllows) return { allowed: true, ...decidedBy };
  return { allowed: false, reason: identityShortfall(identityOutcome), ...decidedBy };
}

const BECAUSE: Readonly<Record<DenialReason, (action: string) => string>> = {
  'no-resource-policy-allows': (action) => `because no resource-based policy allows the ${action} action`,
  'explicit-deny-in-resource-policy': () => 'with an explicit deny in a resource-based policy',
  'no-identity-policy-allows': (action) => `because no identity-based policy allows the ${action} action`,
  'explicit-deny-in-identity-policy': () => 'with an explicit deny in an identity-based policy',
  'no-session-policy-allows': (action) => `because no session policy allows the ${action} action`,
  'explicit-deny-in-session-policy': () => 'with an explicit deny in a session policy',
};

/** AWS's wording for a denial. */
export function denialMessage(caller: Caller, check: AccessCheck, reason: DenialReason): string {
  return `User: ${caller.arn} is not authorized to perform: ${check.action} on resource: ${check.resource} ${BECAUSE[reason](check.action)}`;
}
