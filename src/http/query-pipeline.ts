/**
 * One IAM or STS call (awsQuery: form-encoded parameters in, XML out), in the order AWS applies its checks:
 * who is calling, which action of which API version, is the input valid, what does it act on, may the
 * caller do it, and only then the operation itself. Errors leave here as QueryErrors in the service's words.
 */
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
import { parseForm, toQueryXml } from './query-wire.js';

export interface QueryPipelineDependencies {
  readonly authenticate: (request: ReceivedRequest, service: SignedService) => Promise<Authenticated>;
  readonly identityPolicies: IdentityDirectory;
  readonly identities: Identities;
  readonly now: () => number;
}

export interface QueryRequest extends ReceivedRequest {
  readonly requestId: string;
  readonly service: QueryService;
  readonly sourceIp: string | undefined;
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

/** Runs the call and returns the response document; throws QueryError for every failure a client should see. */
export async function runQueryRequest(deps: QueryPipelineDependencies, request: QueryRequest): Promise<string> {
  try {
    const params = parseForm(request.body);
    const { caller, region } = await deps.authenticate(request, request.service);
    const operation = operationOf(request.service, params);
    const input = parseQueryInput(operation.input, params);
    const context: QueryContext = { requestId: request.requestId, caller, region };
    const resolved = await operation.resolve(input, context, deps.identities);
    await authorize(deps, context, resolved.access, request.sourceIp);
    const result = await operation.handle(input, resolved.target, context, deps.identities);
    return toQueryXml(operation.name, serviceVersions[request.service].namespace, result, request.requestId);
  } catch (error) {
    throw error instanceof KmsError ? asQueryError(error) : error;
  }
}
