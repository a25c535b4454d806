/**
 * One policy document evaluated against one request, as the IAM User Guide's policy evaluation logic has it
 * within a single policy: a statement applies when its principal, action, resource and conditions all match;
 * an applicable Deny beats any Allow; with neither the policy is not applicable (an implicit deny, which the
 * caller combines with the other policies in decide.ts). Pure: time comes from aws:CurrentTime / aws:EpochTime
 * in the request context.
 *
 * Fails closed: whatever cannot be decided (see Truth) makes an Allow statement not apply and a Deny statement
 * apply, as does a malformed statement (both or neither of Action/NotAction, Resource/NotResource, or of
 * Principal/NotPrincipal).
 */
import { evaluateConditions } from './conditions.js';
import {
  actionMatches,
  allOf,
  anyOf,
  arnMatches,
  negate,
  notPrincipalExempts,
  principalMatch,
  type Truth,
  type Variables,
  variablesFor,
} from './matching.js';
import type {
  EvaluationPrincipal,
  EvaluationRequest,
  PolicyDocument,
  PolicyEvaluation,
  PolicyStatement,
} from './policy.js';

export { type PrincipalMatch, principalMatch } from './matching.js';

type AllowKind = NonNullable<PolicyEvaluation['allowKind']>;

/** Anything but an Allow counts as a Deny, should an unchecked document ever carry another effect. */
function isAllow(statement: PolicyStatement): boolean {
  return statement.effect === 'Allow';
}

interface PrincipalPart {
  readonly truth: Truth;
  readonly kind: AllowKind;
}

/**
 * - Principal: matches 'exact' (kind 'principal') or by the caller's account (kind 'account');
 * - NotPrincipal: AWS supports it only with Deny ("Using it with Allow is not supported"), so with Allow it is
 *   unknown and never grants; with Deny the statement covers everyone it does not exempt;
 * - neither: an identity-policy statement, which applies to the identity it is attached to.
 */
function matchPrincipal(statement: PolicyStatement, principal: EvaluationPrincipal): PrincipalPart {
  const { principal: named, notPrincipal } = statement;
  if (named !== undefined && notPrincipal !== undefined) return { truth: 'unknown', kind: 'principal' };
  if (named !== undefined) {
    const match = principalMatch(named, principal);
    return { truth: match !== 'none', kind: match === 'account' ? 'account' : 'principal' };
  }
  if (notPrincipal !== undefined) {
    const truth = isAllow(statement) ? 'unknown' : !notPrincipalExempts(notPrincipal, principal);
    return { truth, kind: 'principal' };
  }
  return { truth: true, kind: 'principal' };
}

/** An element and its Not twin: exactly one, non-empty; NotX matches what X would not. */
function matchEither(
  listed: readonly string[] | undefined,
  excluded: readonly string[] | undefined,
  matchOne: (pattern: string) => Truth,
): Truth {
  const patterns = listed ?? excluded;
  if (!patterns || (listed && excluded) || patterns.length === 0) return 'unknown';
  const matched = anyOf(patterns.map(matchOne));
  return listed ? matched : negate(matched);
}

interface StatementMatch {
  readonly applies: boolean;
  readonly kind: AllowKind;
}

function matchStatement(statement: PolicyStatement, request: EvaluationRequest, variables: Variables): StatementMatch {
  const principal = matchPrincipal(statement, request.principal);
  const truth = allOf([
    principal.truth,
    matchEither(statement.action, statement.notAction, (pattern) => actionMatches(pattern, request.action)),
    matchEither(statement.resource, statement.notResource, (pattern) =>
      arnMatches(pattern, request.resource, variables),
    ),
    evaluateConditions(statement.conditions, variables),
  ]);
  const applies = truth === 'unknown' ? !isAllow(statement) : truth;
  return { applies, kind: principal.kind };
}

/**
 * Whether the statement applies to the request: principal, action, resource and conditions all match, an
 * undecidable part counting against an Allow and for a Deny. `version` is the policy's, which decides whether
 * policy variables are substituted (only in 2012-10-17).
 */
export function statementApplies(
  statement: PolicyStatement,
  request: EvaluationRequest,
  version: PolicyDocument['version'] = '2012-10-17',
): boolean {
  return matchStatement(statement, request, variablesFor(version, request.context)).applies;
}

/**
 * Deny if any statement denies (the first one decides); else Allow if any allows, preferring a statement that
 * names the caller over one that names only its account; else NotApplicable.
 */
export function evaluatePolicy(policy: PolicyDocument, request: EvaluationRequest): PolicyEvaluation {
  const variables = variablesFor(policy.version, request.context);
  let allow: { statement: PolicyStatement; kind: AllowKind } | undefined;
  for (const statement of policy.statements) {
    const match = matchStatement(statement, request, variables);
    if (!match.applies) continue;
    if (!isAllow(statement)) return { outcome: 'Deny', decidingStatement: statement };
    if (!allow || (allow.kind === 'account' && match.kind === 'principal')) allow = { statement, kind: match.kind };
  }
  if (!allow) return { outcome: 'NotApplicable' };
  return { outcome: 'Allow', decidingStatement: allow.statement, allowKind: allow.kind };
}
