import type { ServerResponse } from 'node:http';
import { KmsError } from '../errors/catalogue.js';

export const AMZ_JSON = 'application/x-amz-json-1.1';

/** awsJson1_1 sends blobs as base64 strings; everything else is plain JSON. */
export function toWireJson(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toWireJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) out[name] = toWireJson(member);
    }
    return out;
  }
  return value;
}

export function sendJson(response: ServerResponse, status: number, requestId: string, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': AMZ_JSON,
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': requestId,
  });
  response.end(payload);
}

/** `{"__type": ..., "message": ...}` with the catalogue's status; no message where AWS sends none. */
export function sendError(response: ServerResponse, requestId: string, error: KmsError): void {
  const body =
    error.clientMessage === undefined ? { __type: error.type } : { __type: error.type, message: error.clientMessage };
  sendJson(response, error.status, requestId, body);
}

export function isKmsError(error: unknown): error is KmsError {
  return error instanceof KmsError;
}
