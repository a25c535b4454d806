import type { Authenticated } from '../auth/authenticate.js';
import type { ReceivedRequest } from '../auth/sigv4.js';
import { type DenialReason, decide, denialMessage } from '../authz/decide.js';
import { grantThatAllows } from '../authz/grants.js';
import type { PrincipalDirectory } from '../authz/principals.js';
import { checkProposedKeyPolicy } from '../authz/proposed-policy.js';
import { type ConditionValues, globalConditions, withActionConditions } from '../authz/request-context.js';
import { kmsError, messages } from '../errors/catalogue.js';
import type { AccessRequest, Input, Keys, OperationDefinition, RequestContext } from '../operations/definition.js';
import type { OperationName } from '../operations/generated/kms-shapes.js';
import { operations } from '../operations/registry.js';
import { validateInput } from '../operations/validate.js';
import { ADMIN_TARGET_PREFIX, runAdminRequest } from './admin.js';

const TARGET_PREFIX = 'TrentService.';
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0']);

export interface KmsPipelineDependencies {
  readonly authenticate: (request: ReceivedRequest) => Promise<Authenticated>;
  readonly keys: Keys;
  readonly principals: PrincipalDirectory;
}

export interface KmsRequest extends ReceivedRequest {
  readonly requestId: string;
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly sourceIp: string | undefined;
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

/** A grant on the key allows what the key policy does not, except past an explicit deny. */
async function grantAllows(keys: Keys, context: RequestContext, check: AccessRequest, reason: DenialReason) {
  if (check.grantable === undefined || reason === 'explicit-deny-in-resource-policy') return false;
  const grants = await keys.grantsFor(check.grantable.key, context.caller.arn);
  return grantThatAllows(grants, context.caller.arn, check.action, check.grantable.encryptionContext) !== undefined;
}

async function authorize(
  keys: Keys,
  context: RequestContext,
  access: readonly AccessRequest[],
  conditions: ConditionValues,
  principals: PrincipalDirectory,
): Promise<void> {
  for (const check of access) {
    const decision = decide(context.caller, check, conditions);
    if (!decision.allowed && !(await grantAllows(keys, context, check, decision.reason))) {
      throw kmsError('AccessDeniedException', denialMessage(context.caller, check, decision.reason));
    }
    if (check.proposedKeyPolicy !== undefined) {
      const actionConditions = withActionConditions(conditions, check.conditions);
      await checkProposedKeyPolicy(context.caller, check.proposedKeyPolicy, actionConditions, principals);
    }
  }
}

/**
 * One KMS call, in the order AWS applies its checks: who is calling, which operation, is the body
 * well-formed, what does it act on, may the caller do it, and only then the operation itself.
 */
export async function runKmsRequest(deps: KmsPipelineDependencies, request: KmsRequest): Promise<object> {
  if (request.target?.startsWith(ADMIN_TARGET_PREFIX)) {
    return runAdminRequest(deps, { ...request, target: request.target }, parseJsonBody(request.body));
  }
  const { caller, region } = await deps.authenticate(request);
  const operation = operationOf(request.target);
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || !JSON_CONTENT_TYPES.has(mediaType)) throw kmsError('UnknownOperationException');
  const input: Input = validateInput(operation.name as OperationName, parseJsonBody(request.body));
  const context: RequestContext = {
    requestId: request.requestId,
    caller,
    scope: { accountId: caller.accountId, region },
  };
  const resolved = await operation.resolve(input, context, deps.keys);
  const conditions = globalConditions(caller, request.sourceIp, deps.keys.now());
  await authorize(deps.keys, context, resolved.access, conditions, deps.principals);
  operation.check?.(input, resolved.target);
  if (input['DryRun'] === true) throw kmsError('DryRunOperationException', messages.dryRunSucceeded());
  return operation.handle(input, resolved.target, context, deps.keys);
}
