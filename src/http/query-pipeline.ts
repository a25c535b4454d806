/**
 * One IAM or STS call (awsQuery: form-encoded parameters in, XML out), in the order AWS applies its checks:
 * who is calling, which action of which API version, is the input valid, what does it act on, may the
 * caller do it, and only then the operation itself. Errors leave here as QueryErrors in the service's words.
 */
import type { AuditSink } from '../audit/record.js';
import type { Authenticated, SignedService } from '../auth/authenticate.js';
import type { ReceivedRequest } from '../auth/sigv4.js';
import { decide, denialMessage } from '../authz/decide.js';
import type { IdentityDirectory } from '../authz/identity.js';
import { globalConditions } from '../authz/request-context.js';
import { asQueryError, KmsError, queryError } from '../errors/catalogue.js';
import type { Identities } from '../identities/identity-service.js';
import type { QueryAccess, QueryContext, QueryOperation, QueryService } from '../operations/query/definition.js';
import { serviceVersions } from '../operations/query/definition.js';
import { parseQueryInput } from '../operations/query/input.js';
import { queryOperations } from '../operations/query/registry.js';
import type { MutationRunner } from '../shared/mutation.js';
import type { AuthFailureLog } from './auth-failure-log.js';
import { AuditedCall } from './call-audit.js';
import { authenticated } from './kms-pipeline.js';
import { parseForm, toQueryXml } from './query-wire.js';

export interface QueryPipelineDependencies {
  readonly authenticate: (request: ReceivedRequest, service: SignedService) => Promise<Authenticated>;
  readonly authFailures: AuthFailureLog;
  readonly audit: AuditSink;
  readonly mutation: MutationRunner;
  readonly identityPolicies: IdentityDirectory;
  readonly identities: Identities;
  readonly now: () => number;
}

export interface QueryRequest extends ReceivedRequest {
  readonly requestId: string;
  readonly service: QueryService;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}

function operationOf(service: QueryService, params: ReadonlyMap<string, string>): QueryOperation {
  const action = params.get('Action');
  if (action === undefined || action === '') throw queryError('MissingAction', 'Missing Action');
  const version = params.get('Version') ?? 'NO_VERSION_SPECIFIED';
  const operation = queryOperations.get(`${service}:${action}`);
  if (operation === undefined || version !== serviceVersions[service].version) {
    throw queryError('InvalidAction', `Could not find operation ${action} for version ${version}`);
  }
  return operation;
}

async function authorize(
  deps: QueryPipelineDependencies,
  context: QueryContext,
  access: readonly QueryAccess[],
  sourceIp: string | undefined,
): Promise<void> {
  if (access.length === 0) return;
  const identity = await deps.identityPolicies.load(context.caller);
  const conditions = globalConditions(context.caller, sourceIp, deps.now(), identity.principalTags);
  for (const check of access) {
    const decision = decide(context.caller, check, conditions, identity);
    if (!decision.allowed) throw queryError('AccessDenied', denialMessage(context.caller, check, decision.reason));
  }
}

/**
 * Runs the call and returns the response document; throws QueryError for every failure a client should see.
 * Every call that gets past authentication ends with exactly one durable audit record before its response.
 */
export async function runQueryRequest(deps: QueryPipelineDependencies, request: QueryRequest): Promise<string> {
  try {
    const receivedAt = deps.now();
    const params = parseForm(request.body);
    const { caller, region } = await authenticated(deps, request, request.service);
    const origin = {
      requestId: request.requestId,
      sourceIp: request.sourceIp,
      userAgent: request.userAgent,
      receivedAt,
    };
    const eventSource = `${request.service}.amazonaws.com` as const;
    const call = new AuditedCall(
      deps.audit,
      origin,
      caller,
      region,
      eventSource,
      params.get('Action') || 'UnknownOperation',
      'InternalFailure',
    );
    try {
      const operation = operationOf(request.service, params);
      call.operation(operation.name, operation.readOnly);
      const input = parseQueryInput(operation.input, params);
      call.validated(input);
      const context: QueryContext = { requestId: request.requestId, caller, region };
      const resolved = await operation.resolve(input, context, deps.identities);
      await authorize(deps, context, resolved.access, request.sourceIp);
      const result = await call.outcome(
        deps.mutation,
        async () => (await operation.handle(input, resolved.target, context, deps.identities)) ?? {},
      );
      const elements = Object.keys(result).length === 0 ? undefined : result;
      return toQueryXml(operation.name, serviceVersions[request.service].namespace, elements, request.requestId);
    } catch (error) {
      await call.failedUnlessRecorded(error instanceof KmsError ? asQueryError(error) : error);
      throw error;
    }
  } catch (error) {
    throw error instanceof KmsError ? asQueryError(error) : error;
  }
}
