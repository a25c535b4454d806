import type { AuditSink } from '../audit/record.js';
import type { Authenticated, SignedService } from '../auth/authenticate.js';
import type { ReceivedRequest } from '../auth/sigv4.js';
import { type DenialReason, denialMessage } from '../authz/decide.js';
import { decideRemembering } from '../authz/decision-cache.js';
import { grantThatAllows } from '../authz/grants.js';
import type { IdentityDirectory } from '../authz/identity.js';
import type { PrincipalDirectory } from '../authz/principals.js';
import { checkProposedKeyPolicy } from '../authz/proposed-policy.js';
import { globalConditions, withActionConditions } from '../authz/request-context.js';
import { KmsError, kmsError, messages } from '../errors/catalogue.js';
import type {
  AccessRequest,
  Input,
  Keys,
  OperationDefinition,
  RequestContext,
  Resolved,
} from '../operations/definition.js';
import type { OperationName } from '../operations/generated/kms-shapes.js';
import { operations } from '../operations/registry.js';
import { validateInput } from '../operations/validate.js';
import type { MutationRunner } from '../shared/mutation.js';
import { ADMIN_TARGET_PREFIX, type AdminDependencies, runAdminRequest } from './admin.js';
import type { AuthFailureLog } from './auth-failure-log.js';
import { AuditedCall } from './call-audit.js';
import { resourceAware } from './resource-aware.js';

const TARGET_PREFIX = 'TrentService.';
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0']);

export interface KmsPipelineDependencies extends AdminDependencies {
  readonly audit: AuditSink;
  readonly authFailures: AuthFailureLog;
  readonly mutation: MutationRunner;
  readonly authenticate: (request: ReceivedRequest, service: SignedService) => Promise<Authenticated>;
  readonly keys: Keys;
  readonly principals: PrincipalDirectory;
  /** Identity-based policies, read fresh (through the read cache) for every request. */
  readonly identityPolicies: IdentityDirectory;
}

export interface KmsRequest extends ReceivedRequest {
  readonly requestId: string;
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}

/** The keys a call's record names: those it is authorised on and any other it acts on (the key CreateKey makes). */
function auditedResources(resolved: Resolved<unknown>): string[] {
  return [...resolved.access.map((access) => access.resource), ...(resolved.resources ?? [])];
}

/** Authenticates, sending a failure to the rate-limited operational log (never to the audit trail). */
export async function authenticated(
  deps: { readonly authenticate: KmsPipelineDependencies['authenticate']; readonly authFailures: AuthFailureLog },
  request: ReceivedRequest & { readonly requestId: string; readonly sourceIp: string | undefined },
  service: SignedService,
): Promise<Authenticated> {
  try {
    return await deps.authenticate(request, service);
  } catch (error) {
    const code = error instanceof KmsError ? error.type : 'InternalError';
    deps.authFailures.note({ requestId: request.requestId, sourceIp: request.sourceIp, code });
    throw error;
  }
}

/** The eventName a call is recorded under before (or without) a known operation: the target's last part. */
function eventNameOf(target: string | undefined): string {
  return target?.slice(target.indexOf('.') + 1) || 'UnknownOperation';
}

function operationOf(target: string | undefined): OperationDefinition {
  const operation = target?.startsWith(TARGET_PREFIX) ? operations.get(target.slice(TARGET_PREFIX.length)) : undefined;
  if (!operation) throw kmsError('UnknownOperationException');
  return operation;
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw kmsError('SerializationException', 'The request body is not valid JSON.');
  }
}

/**
 * A grant on the key allows what the policies do not allow, but never past an explicit deny, nor past a
 * session policy (a session may only do less than its role).
 */
const GRANTS_MAY_OVERRIDE: ReadonlySet<DenialReason> = new Set([
  'no-resource-policy-allows',
  'no-identity-policy-allows',
]);

async function grantAllows(keys: Keys, context: RequestContext, check: AccessRequest, reason: DenialReason) {
  if (check.grantable === undefined || !GRANTS_MAY_OVERRIDE.has(reason)) return false;
  // A grant to a role covers the role's sessions, as a key policy naming the role does.
  const grantees = [context.caller.arn, ...(context.caller.session ? [context.caller.session.roleArn] : [])];
  for (const grantee of grantees) {
    const grants = await keys.grantsFor(check.grantable.key, grantee);
    const { encryptionContext, proposedGrant } = check.grantable;
    if (grantThatAllows(grants, grantee, check.action, encryptionContext, proposedGrant)) return true;
  }
  return false;
}

async function authorize(
  deps: KmsPipelineDependencies,
  context: RequestContext,
  access: readonly AccessRequest[],
  sourceIp: string | undefined,
): Promise<void> {
  const identity = await deps.identityPolicies.load(context.caller);
  const conditions = globalConditions(context.caller, sourceIp, deps.keys.now(), identity.principalTags);
  for (const request of access) {
    const check = {
      ...request,
      resourcePolicy: request.keyPolicy,
      conditions: await resourceAware(deps.keys, request, identity),
    };
    const decision = decideRemembering(context.caller, check, conditions, identity);
    if (!decision.allowed && !(await grantAllows(deps.keys, context, request, decision.reason))) {
      throw kmsError('AccessDeniedException', denialMessage(context.caller, check, decision.reason));
    }
    if (request.proposedKeyPolicy !== undefined) {
      const actionConditions = withActionConditions(conditions, request.conditions);
      await checkProposedKeyPolicy(
        context.caller,
        request.proposedKeyPolicy,
        actionConditions,
        deps.principals,
        identity,
      );
    }
  }
}

/**
 * One KMS call, in the order AWS applies its checks: who is calling, which operation, is the body
 * well-formed, what does it act on, may the caller do it, and only then the operation itself. Every call
 * that gets past authentication ends with exactly one durable audit record before its response.
 */
export async function runKmsRequest(deps: KmsPipelineDependencies, request: KmsRequest): Promise<object> {
  const receivedAt = deps.keys.now();
  const { caller, region } = await authenticated(deps, request, 'kms');
  const origin = { requestId: request.requestId, sourceIp: request.sourceIp, userAgent: request.userAgent, receivedAt };
  const call = new AuditedCall(
    deps.audit,
    origin,
    caller,
    region,
    'kms.amazonaws.com',
    eventNameOf(request.target),
    'KMSInternalException',
  );
  try {
    if (request.target?.startsWith(ADMIN_TARGET_PREFIX)) {
      const admin = { ...request, target: request.target };
      return await runAdminRequest(deps, caller, region, admin, parseJsonBody(request.body), call);
    }
    const operation = operationOf(request.target);
    call.operation(operation.name, operation.readOnly);
    const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType === undefined || !JSON_CONTENT_TYPES.has(mediaType)) throw kmsError('UnknownOperationException');
    const input: Input = validateInput(operation.name as OperationName, parseJsonBody(request.body));
    call.validated(input);
    const context: RequestContext = {
      requestId: request.requestId,
      caller,
      scope: { accountId: caller.accountId, region },
    };
    const resolved = await operation.resolve(input, context, deps.keys);
    call.touches(auditedResources(resolved));
    await authorize(deps, context, resolved.access, request.sourceIp);
    operation.check?.(input, resolved.target);
    if (input['DryRun'] === true) throw kmsError('DryRunOperationException', messages.dryRunSucceeded());
    return await call.outcome(deps.mutation, () => operation.handle(input, resolved.target, context, deps.keys));
  } catch (error) {
    await call.failedUnlessRecorded(error);
    throw error;
  }
}
