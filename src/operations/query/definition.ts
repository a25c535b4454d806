/**
 * IAM and STS operations: the awsQuery services Trent serves beside KMS, so that `aws iam`, `aws sts` and the
 * SDKs' IAM and STS clients administer Trent's identities unmodified. One file per operation, as for KMS.
 */
import type { Identities } from '../../identities/identity-service.js';
import type { Caller } from '../../shared/caller.js';
import type { ConditionValues } from '../definition.js';
import type { InputShape, QueryInput } from './input.js';

export type QueryService = 'iam' | 'sts';

/** The XML namespace and API version of each service: a request naming another version is refused. */
export const serviceVersions: Readonly<Record<QueryService, { version: string; namespace: string }>> = {
  iam: { version: '2010-05-08', namespace: 'https://iam.amazonaws.com/doc/2010-05-08/' },
  sts: { version: '2011-06-15', namespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
};

export interface QueryContext {
  readonly requestId: string;
  readonly caller: Caller;
  /** The Region of the request's SigV4 scope (IAM is global; STS names it in session ARNs nowhere). */
  readonly region: string;
}

/** One IAM action on one resource ARN, decided by the caller's identity policies and, where given, a resource policy. */
export interface QueryAccess {
  readonly action: `iam:${string}` | `sts:${string}`;
  readonly resource: string;
  /** AssumeRole: the role's trust policy, the resource-based policy the decision reads. */
  readonly resourcePolicy?: string;
  readonly resourcePolicyKind?: 'trust';
  /** Condition keys this action carries beyond the global ones (aws:RequestTag/*, aws:TagKeys, sts:ExternalId …). */
  readonly conditions?: ConditionValues;
}

export interface QueryResolved<Target> {
  readonly access: readonly QueryAccess[];
  readonly target: Target;
}

/**
 * The result element's content, serialised to XML in property order: objects become elements, arrays become
 * `<member>` lists, Dates ISO 8601 instants, undefined members are left out. Undefined for operations whose
 * response has no result element (DeleteUser …).
 */
export type QueryResult = Readonly<Record<string, unknown>> | undefined;

export interface QueryOperation<In = QueryInput, Target = unknown> {
  readonly service: QueryService;
  /** The Action parameter, e.g. 'CreateUser'. */
  readonly name: string;
  readonly readOnly: boolean;
  readonly input: InputShape;
  /**
   * Finds what the operation acts on (NoSuchEntity when it is absent) and names the access it needs; runs
   * after validation, before authorization.
   */
  resolve(input: In, context: QueryContext, identities: Identities): Promise<QueryResolved<Target>>;
  handle(input: In, target: Target, context: QueryContext, identities: Identities): Promise<QueryResult>;
}

/** Lets each operation type its own input and target; sound because the pipeline validates against `input` first. */
export function defineQueryOperation<In, Target>(definition: QueryOperation<In, Target>): QueryOperation {
  return definition as unknown as QueryOperation;
}
