import type { EncryptionContext, Keys } from '../keys/key-service.js';

export type { Keys };

import type { KeyRecord, Scope } from '../keys/records.js';
import type { Caller } from '../shared/caller.js';
import type { ProposedGrant } from '../shared/proposed-grant.js';
import type { ProposedKeyPolicy } from '../shared/proposed-key-policy.js';
import type { OperationName } from './generated/kms-shapes.js';

/** What one request carries into an operation, established by the pipeline before the operation runs. */
export interface RequestContext {
  readonly requestId: string;
  readonly caller: Caller;
  /** The caller's account and the Region named in the request's SigV4 scope. */
  readonly scope: Scope;
}

/** Condition keys a request carries, by lowercase name (IAM matches key names case-insensitively). */
export type ConditionValues = ReadonlyMap<string, readonly string[]>;

/** One IAM action on one resource ARN ('*' for operations without a resource, such as CreateKey). */
export interface AccessRequest {
  readonly action: `kms:${string}`;
  readonly resource: string;
  /** When the resource is a key: its key policy, the resource-based policy the decision reads. */
  readonly keyPolicy?: string;
  /** The condition keys this action carries beyond the global ones (encryption context, key spec, ...). */
  readonly conditions?: ConditionValues;
  /**
   * When the resource is a key: the key, so that grants on it can allow what its policy does not, and the
   * request's encryption context, which grant constraints are checked against.
   */
  readonly grantable?: {
    readonly key: KeyRecord;
    readonly encryptionContext?: EncryptionContext | undefined;
    /** CreateGrant: the grant asked for, which a grant allowing CreateGrant must be no narrower than. */
    readonly proposedGrant?: ProposedGrant;
  };
  /** CreateKey and PutKeyPolicy: the policy the key is to get, checked before it is accepted. */
  readonly proposedKeyPolicy?: ProposedKeyPolicy;
}

/**
 * What an operation acts on, found before it runs: the authorization step checks `access`, then `handle`
 * receives `target` so nothing is looked up twice.
 */
export interface Resolved<Target> {
  readonly access: readonly AccessRequest[];
  readonly target: Target;
  /** Keys the call acts on that no access request names (CreateKey's new key, RetireGrant's grant's key): for the audit record. */
  readonly resources?: readonly string[];
}

/** A validated request body: blobs are already decoded to Buffers. */
export type Input = Record<string, unknown>;

export interface OperationDefinition<In = Input, Target = unknown> {
  readonly name: OperationName;
  /** Read-only operations change nothing (CloudTrail's readOnly). */
  readonly readOnly: boolean;
  resolve(input: In, context: RequestContext, keys: Keys): Promise<Resolved<Target>>;
  /**
   * The operation's own preconditions on what `resolve` found (key state, algorithm, sizes), run after
   * authorization: a DryRun answers only once these pass, as AWS's does.
   */
  check?(input: In, target: Target): void;
  handle(input: In, target: Target, context: RequestContext, keys: Keys): Promise<object>;
}

/**
 * Lets each operation file type its own input and target while the registry holds them side by side.
 * The one cast is sound because the pipeline validates every body against the operation's AWS shape
 * (validate.ts) before `resolve` sees it, and hands `handle` exactly what `resolve` returned.
 */
export function defineOperation<In, Target>(definition: OperationDefinition<In, Target>): OperationDefinition {
  return definition as unknown as OperationDefinition;
}

/** An operation with no resource (CreateKey, ListKeys, GenerateRandom …): authorised on '*'. */
export function accountWide(action: AccessRequest['action']): Resolved<undefined> {
  return { access: [{ action, resource: '*' }], target: undefined };
}
