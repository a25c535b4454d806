import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { asQueryError, KmsError, kmsError, messages, QueryError, queryError } from '../errors/catalogue.js';
import { type QueryService, serviceVersions } from '../operations/query/definition.js';
import { readBody } from './body.js';
import { type KmsPipelineDependencies, runKmsRequest } from './kms-pipeline.js';
import { type QueryPipelineDependencies, runQueryRequest } from './query-pipeline.js';
import { sendQueryXml, toQueryErrorXml } from './query-wire.js';
import { isKmsError, sendError, sendJson, wipeBlobs } from './wire.js';

export interface HttpDependencies extends KmsPipelineDependencies, QueryPipelineDependencies {
  readonly logger: Logger;
  /** Throws when the server cannot serve (database or key store unusable). */
  readonly readiness: () => Promise<void>;
  /** Told of each API request as it arrives, before anything is read for it (the read cache's freshness). */
  readonly requestStarted: () => void;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

async function serveKms(deps: HttpDependencies, request: IncomingMessage, response: ServerResponse, requestId: string) {
  try {
    const body = await readBody(request);
    const result = await runKmsRequest(deps, {
      requestId,
      method: request.method ?? 'POST',
      rawPath: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body,
      target: header(request, 'x-amz-target'),
      contentType: header(request, 'content-type'),
      sourceIp: request.socket.remoteAddress,
      userAgent: header(request, 'user-agent'),
    });
    sendJson(response, 200, requestId, result);
    wipeBlobs(result);
  } catch (error) {
    if (isKmsError(error)) {
      sendError(response, requestId, error);
      return;
    }
    deps.logger.error({ err: error, requestId }, 'request failed unexpectedly');
    sendError(response, requestId, kmsError('KMSInternalException', messages.internal(requestId)));
  }
}

/** The service a request's SigV4 credential scope names (`Credential=AKID/date/region/service/aws4_request`). */
function scopedService(request: IncomingMessage): string | undefined {
  const authorization = header(request, 'authorization') ?? '';
  const credential = /Credential=([^,\s]+)/.exec(authorization)?.[1] ?? queryCredential(request.url ?? '');
  return credential?.split('/')[3];
}

function queryCredential(url: string): string | undefined {
  const query = url.indexOf('?');
  return query < 0 ? undefined : (new URLSearchParams(url.slice(query + 1)).get('X-Amz-Credential') ?? undefined);
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * IAM and STS (awsQuery) share the endpoint with KMS: a request goes to them when its credential scope names
 * `iam` or `sts`, or, unsigned, when it is a form without X-Amz-Target (it then fails authentication in XML).
 */
function queryServiceOf(request: IncomingMessage): QueryService | undefined {
  const service = scopedService(request);
  if (service === 'iam' || service === 'sts') return service;
  const form = header(request, 'content-type')?.split(';')[0]?.trim().toLowerCase() === FORM;
  return service === undefined && form && header(request, 'x-amz-target') === undefined ? 'iam' : undefined;
}

async function serveQuery(
  deps: HttpDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  service: QueryService,
) {
  const namespace = serviceVersions[service].namespace;
  try {
    const body = await readBody(request);
    const xml = await runQueryRequest(deps, {
      requestId,
      service,
      method: request.method ?? 'POST',
      rawPath: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: request.socket.remoteAddress,
      userAgent: header(request, 'user-agent'),
    });
    sendQueryXml(response, 200, requestId, xml);
  } catch (caught) {
    const error = caught instanceof KmsError ? asQueryError(caught) : caught;
    if (error instanceof QueryError) {
      sendQueryXml(response, error.status, requestId, toQueryErrorXml(namespace, error, requestId));
      return;
    }
    deps.logger.error({ err: error, requestId }, 'request failed unexpectedly');
    const internal = queryError('InternalFailure', messages.internal(requestId));
    sendQueryXml(response, internal.status, requestId, toQueryErrorXml(namespace, internal, requestId));
  }
}

async function serveReadiness(deps: HttpDependencies, response: ServerResponse, requestId: string) {
  try {
    await deps.readiness();
    sendJson(response, 200, requestId, { status: 'ready' });
  } catch (error) {
    deps.logger.warn({ err: error }, 'not ready');
    sendJson(response, 503, requestId, { status: 'not ready' });
  }
}

const MAX_CONNECTIONS = 1024;

/** The listener: health endpoints without authentication, and the KMS API on POST /. */
export function createHttpServer(deps: HttpDependencies): Server {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      sendJson(response, 200, requestId, { status: 'alive' });
    } else if (request.method === 'GET' && path === '/readyz') {
      void serveReadiness(deps, response, requestId);
    } else if (request.method === 'POST' && path === '/') {
      deps.requestStarted();
      const queryService = queryServiceOf(request);
      if (queryService === undefined) void serveKms(deps, request, response, requestId);
      else void serveQuery(deps, request, response, requestId, queryService);
    } else {
      request.resume();
      sendError(response, requestId, kmsError('UnknownOperationException'));
    }
  });
  server.keepAliveTimeout = 65_000;
  // A whole request, headers and body, must arrive within 30 s: a slow sender cannot hold a body buffer long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 30_000;
  // Bodies are read before the signature can be checked (its hash is signed), so the number of
  // connections bounds the memory unauthenticated clients can hold: 1024 × 256 KiB at most.
  server.maxConnections = MAX_CONNECTIONS;
  return server;
}
