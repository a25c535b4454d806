/**
 * An IAM policy document (key policy or identity policy), parsed and validated, in the shape the
 * evaluator reads. Produced only by `parsePolicy` (policy-document.ts); evaluated by `evaluatePolicy`
 * (evaluate.ts). Every list is non-empty unless said otherwise; single values in JSON become lists.
 */
import type { ConditionLookup } from './request-context.js';

export interface PolicyDocument {
  readonly version: '2012-10-17' | '2008-10-17';
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/** `*`, or principals by type: AWS (account ids, ARNs), Service, Federated, CanonicalUser. */
export type PrincipalBlock = '*' | Readonly<Record<string, readonly string[]>>;

export interface PolicyStatement {
  /** The statement's Sid, or undefined; `index` says where it stands for explanations. */
  readonly sid: string | undefined;
  readonly index: number;
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of principal / notPrincipal in a resource policy; neither in an identity policy. */
  readonly principal?: PrincipalBlock;
  readonly notPrincipal?: PrincipalBlock;
  /** Exactly one of action / notAction. */
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  /** Exactly one of resource / notResource. */
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  /** All must hold (AND); may be empty. */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyCondition {
  /** As written, e.g. `StringEquals`, `ForAnyValue:StringLikeIfExists`, `Null`. */
  readonly operator: string;
  /** As written, e.g. `kms:EncryptionContext:Department`; matched case-insensitively. */
  readonly key: string;
  /** JSON strings, numbers and booleans, as strings (IAM compares them as text or parses them per operator). */
  readonly values: readonly string[];
}

/** What the caller is, for Principal matching and the aws:Principal* condition keys. */
export interface EvaluationPrincipal {
  /** arn:aws:iam::<account>:root | user/<path><name> | role/<path><name>, or arn:aws:sts::<account>:assumed-role/<role>/<session> */
  readonly arn: string;
  readonly accountId: string;
  /** For an assumed-role session, the role's ARN, which a policy naming the role matches. */
  readonly roleArn?: string;
}

/**
 * The request being decided: one action on one resource, with every condition key the request carries.
 * Context keys are stored lowercase (IAM matches key names case-insensitively); each has one or more values.
 */
export interface EvaluationRequest {
  readonly principal: EvaluationPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: ConditionLookup;
}

export type StatementOutcome = 'Allow' | 'Deny' | 'NotApplicable';

export interface PolicyEvaluation {
  /** Deny if any statement denies; else Allow if any allows; else NotApplicable. */
  readonly outcome: StatementOutcome;
  /** The statement that decided (the first deny, else the first allow), for explanations. */
  readonly decidingStatement?: PolicyStatement;
  /**
   * With an Allow: 'principal' when a statement names the caller itself (or `*`, or is an identity-policy
   * statement, which names no principal), 'account' when the only allowing statements name the caller's
   * account. In a key policy the latter enables the account's identity policies but allows nobody by itself.
   */
  readonly allowKind?: 'principal' | 'account';
}
