import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { kmsError, messages } from '../errors/catalogue.js';
import { readBody } from './body.js';
import { type KmsPipelineDependencies, runKmsRequest } from './kms-pipeline.js';
import { isKmsError, sendError, sendJson, wipeBlobs } from './wire.js';

export interface HttpDependencies extends KmsPipelineDependencies {
  readonly logger: Logger;
  /** Throws when the server cannot serve (database or key store unusable). */
  readonly readiness: () => Promise<void>;
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
      void serveKms(deps, request, response, requestId);
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
