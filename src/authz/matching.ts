/**
 * The matching primitives of IAM policy evaluation: three-valued truth, wildcard patterns, policy variables,
 * and the Action, Resource and Principal elements. Pure functions; the condition operators live in
 * conditions.ts and the statement/policy logic in evaluate.ts.
 */
import type { EvaluationPrincipal, PolicyDocument, PrincipalBlock } from './policy.js';
import type { ConditionLookup } from './request-context.js';

/**
 * Three-valued truth. A comparison that cannot be decided (an unparsable number, date or address, an unknown
 * operator, an unresolvable policy variable, a malformed element) is 'unknown', and the statement's effect
 * decides which way it falls: an Allow never relies on it, a Deny errs toward applying. So an error can only
 * ever narrow what a policy allows.
 */
export type Truth = boolean | 'unknown';

/** Kleene OR: true if any is true, else unknown if any is unknown, else false (also for none). */
export function anyOf(truths: Iterable<Truth>): Truth {
  let result: Truth = false;
  for (const truth of truths) {
    if (truth === true) return true;
    if (truth === 'unknown') result = 'unknown';
  }
  return result;
}

/** Kleene AND: false if any is false, else unknown if any is unknown, else true (also for none). */
export function allOf(truths: Iterable<Truth>): Truth {
  let result: Truth = true;
  for (const truth of truths) {
    if (truth === false) return false;
    if (truth === 'unknown') result = 'unknown';
  }
  return result;
}

export function negate(truth: Truth): Truth {
  return truth === 'unknown' ? 'unknown' : !truth;
}

/** Where policy variables come from, and whether the policy's version substitutes them at all. */
export interface Variables {
  readonly context: ConditionLookup;
  readonly enabled: boolean;
}

/** Policy variables exist only in 2012-10-17 policies; in 2008-10-17 `${...}` is literal text. */
export function variablesFor(version: PolicyDocument['version'], context: ConditionLookup): Variables {
  return { context, enabled: version === '2012-10-17' };
}

/** A compiled wildcard pattern: Unicode code points, with these two (negative, so never a code point) for `*` and `?`. */
export const ANY_RUN = -1;
export const ANY_ONE = -2;
export type Pattern = readonly number[];

/**
 * Resolves the body of `${...}`: the escapes `${*}`, `${?}`, `${$}` stand for the literal character; otherwise
 * a context key (matched case-insensitively), optionally with a default, `${aws:PrincipalTag/team, 'none'}`.
 * A key that is absent or multivalued cannot be a variable (AWS: multivalued keys can't be used as policy
 * variables), so it resolves to the default, or to nothing.
 */
function resolveVariable(body: string, context: ConditionLookup): string | undefined {
  if (body === '*' || body === '?' || body === '$') return body;
  const parsed = /^\s*([^,]*[^,\s])\s*(?:,\s*'([^']*)'\s*)?$/.exec(body);
  if (!parsed) return undefined;
  const values = context.get(parsed[1]!.toLowerCase());
  return values?.length === 1 ? values[0] : parsed[2];
}

/**
 * Compiles policy text into a pattern, substituting variables when they are enabled. Substituted values are
 * always literal, so a caller-controlled value (a tag, an encryption context value) can never inject a
 * wildcard. `wildcards: false` makes `*` and `?` literal too (for the Equals operators).
 * Returns undefined when a variable cannot be resolved.
 */
export function compilePattern(text: string, variables: Variables, wildcards: boolean): Pattern | undefined {
  const pattern: number[] = [];
  let at = 0;
  while (at < text.length) {
    if (variables.enabled && text.startsWith('${', at)) {
      const end = text.indexOf('}', at + 2);
      if (end >= 0) {
        const value = resolveVariable(text.slice(at + 2, end), variables.context);
        if (value === undefined) return undefined;
        for (const char of value) pattern.push(char.codePointAt(0)!);
        at = end + 1;
        continue;
      }
    }
    const point = text.codePointAt(at)!;
    if (wildcards && point === 0x2a) pattern.push(ANY_RUN);
    else if (wildcards && point === 0x3f) pattern.push(ANY_ONE);
    else pattern.push(point);
    at += point > 0xffff ? 2 : 1;
  }
  return pattern;
}

/** Policy text with its variables substituted, for the operators that compare whole values. */
export function expandText(text: string, variables: Variables): string | undefined {
  const pattern = compilePattern(text, variables, false);
  return pattern?.map((point) => String.fromCodePoint(point)).join('');
}

/**
 * Wildcard matching in O(pattern × subject) time at worst, without regular expressions, so that no policy can
 * make evaluation backtrack exponentially. `*` matches any run (also empty, also across `:` and `/`), `?` one
 * code point.
 */
export function patternMatches(pattern: Pattern, subject: string): boolean {
  const text = Array.from(subject, (char) => char.codePointAt(0)!);
  let p = 0;
  let s = 0;
  let lastRun = -1;
  let resumeAt = 0;
  while (s < text.length) {
    const item = pattern[p];
    if (item === ANY_ONE || (item !== undefined && item === text[s])) {
      p++;
      s++;
    } else if (item === ANY_RUN) {
      lastRun = p++;
      resumeAt = s;
    } else if (lastRun >= 0) {
      p = lastRun + 1;
      s = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY_RUN) p++;
  return p === pattern.length;
}

const NO_VARIABLES: Variables = { context: new Map(), enabled: false };

/**
 * A bounded memo of pure functions of policy text: policies are parsed once and evaluated on every request, so
 * their patterns and operators are worked out once too. Past `capacity` the memo simply stops growing.
 */
export function memoized<Value>(compute: (text: string) => Value, capacity = 10_000): (text: string) => Value {
  const known = new Map<string, Value>();
  return (text) => {
    if (known.has(text)) return known.get(text) as Value;
    const value = compute(text);
    if (known.size < capacity) known.set(text, value);
    return value;
  };
}

/**
 * Action names match case-insensitively, with `*` and `?`; variables are not substituted in Action. Policies
 * name few patterns and Trent has few actions, so each (pattern, action) answer is worked out once.
 */
const answersByPattern = memoized((pattern) => {
  const compiled = compilePattern(pattern.toLowerCase(), NO_VARIABLES, true)!;
  return memoized((action) => patternMatches(compiled, action.toLowerCase()), 1_000);
}, 1_000);

export function actionMatches(pattern: string, action: string): boolean {
  return answersByPattern(pattern)(action);
}

/** Splits an ARN into its six parts; the resource part keeps any further colons. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Splits an ARN pattern like splitArn, except at colons inside `${...}` (as in `${aws:username}`). */
function splitArnPattern(pattern: string, variables: Variables): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let at = 0;
  while (at < pattern.length && parts.length < 5) {
    if (variables.enabled && pattern.startsWith('${', at)) {
      const end = pattern.indexOf('}', at + 2);
      at = end >= 0 ? end + 1 : at + 2;
    } else if (pattern[at] === ':') {
      parts.push(pattern.slice(start, at));
      start = ++at;
    } else {
      at++;
    }
  }
  if (parts.length < 5) return undefined;
  parts.push(pattern.slice(start));
  return parts;
}

/**
 * ARN matching as IAM does it for Resource and for the Arn operators: case-sensitive, each of the six
 * colon-separated parts matched separately, each part with `*` and `?` (so a wildcard in the region cannot
 * swallow the account). `*` alone matches anything. A subject that is not an ARN (such as the `*` resource of
 * an account-wide action) matches only `*`; a pattern that is not one is 'unknown'.
 */
export function arnMatches(pattern: string, subject: string, variables: Variables): Truth {
  if (pattern === '*') return true;
  const patternParts = splitArnPattern(pattern, variables);
  if (!patternParts) return 'unknown';
  const subjectParts = splitArn(subject);
  if (!subjectParts) return false;
  return allOf(
    patternParts.map((part, index) => {
      const compiled = compilePattern(part, variables, true);
      return compiled === undefined ? 'unknown' : patternMatches(compiled, subjectParts[index]!);
    }),
  );
}

/**
 * How a Principal element names the caller:
 * - 'exact': `*`, the caller's own ARN, the role of an assumed-role session, or (for the account root itself)
 *   the account;
 * - 'account': the caller's account (its 12-digit id or `arn:<partition>:iam::<account>:root`) while the caller
 *   is a user or role of that account. In a resource policy this covers everyone in the account, but for an
 *   Allow it only delegates to the account's identity policies (a key policy's root statement "enables IAM
 *   policies"; it allows nobody by itself);
 * - 'none'.
 * Only the AWS principal type can name an IAM caller; Service, Federated and CanonicalUser never do. IAM allows
 * no wildcards in principals other than `*` itself, so names compare exactly.
 */
export type PrincipalMatch = 'exact' | 'account' | 'none';

function rootArnOf(principal: EvaluationPrincipal): string {
  const partition = principal.arn.split(':')[1] ?? 'aws';
  return `arn:${partition}:iam::${principal.accountId}:root`;
}

function namesAccount(name: string, principal: EvaluationPrincipal): boolean {
  return name === principal.accountId || name === rootArnOf(principal);
}

/** Every identity AWS evaluates for the caller: the session or user, the role behind a session, the account. */
function identitiesOf(principal: EvaluationPrincipal): string[] {
  const identities = [principal.arn, principal.roleArn, rootArnOf(principal)];
  return [...new Set(identities.filter((identity): identity is string => identity !== undefined))];
}

/** A name covers an identity when it is that identity, `*`, the account (for the root), or the role (for a session). */
function namesIdentity(name: string, identity: string, principal: EvaluationPrincipal): boolean {
  if (name === '*' || name === identity) return true;
  if (identity === principal.arn && name === principal.roleArn) return true;
  return identity === rootArnOf(principal) && namesAccount(name, principal);
}

function awsNames(block: PrincipalBlock): readonly string[] {
  return block === '*' ? ['*'] : (block['AWS'] ?? []);
}

export function principalMatch(block: PrincipalBlock, principal: EvaluationPrincipal): PrincipalMatch {
  const names = awsNames(block);
  const root = rootArnOf(principal);
  // The account names the caller exactly only when the caller is the account root.
  const own = identitiesOf(principal).filter((identity) => identity !== root || principal.arn === root);
  if (names.some((name) => own.some((identity) => namesIdentity(name, identity, principal)))) return 'exact';
  return names.some((name) => namesAccount(name, principal)) ? 'account' : 'none';
}

/**
 * Whether a NotPrincipal element exempts the caller. AWS evaluates the account, then the role, then the
 * session (or the account, then the user), and documents that NotPrincipal must name the account as well, or
 * the statement covers the whole account containing the principal; for a session it recommends naming the
 * role and its account. So the caller is exempt only when each of its identities is named (a session by its
 * own ARN or its role's).
 */
export function notPrincipalExempts(block: PrincipalBlock, principal: EvaluationPrincipal): boolean {
  const names = awsNames(block);
  return identitiesOf(principal).every((identity) => names.some((name) => namesIdentity(name, identity, principal)));
}
