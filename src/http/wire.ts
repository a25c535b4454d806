import type { ServerResponse } from 'node:http';
import { KmsError } from '../errors/catalogue.js';

export const AMZ_JSON = 'application/x-amz-json-1.1';

/**
 * Serialises a response as awsJson1_1 sends it: blobs as base64 strings, everything else as JSON, members
 * that are undefined left out. Written out rather than JSON.stringify over a converted copy because the
 * base64 of a ciphertext is most of every response, and base64 never needs escaping: JSON.stringify would
 * scan it character by character, which cost more than the encryption itself.
 */
export function toWireJson(value: unknown): string {
  if (value instanceof Uint8Array) {
    return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
  }
  if (Array.isArray(value)) return `[${value.map((item) => toWireJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [name, member] of Object.entries(value)) {
      if (member !== undefined) members.push(`${JSON.stringify(name)}:${toWireJson(member)}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Zeroes every blob of a response once it is serialised: plaintexts and data keys then live on only in
 * the serialised string, which JavaScript cannot wipe (SECURITY.md).
 */
export function wipeBlobs(value: unknown): void {
  if (value instanceof Uint8Array) value.fill(0);
  else if (value !== null && typeof value === 'object') for (const member of Object.values(value)) wipeBlobs(member);
}

export function sendJson(response: ServerResponse, status: number, requestId: string, body: unknown): void {
  const payload = toWireJson(body);
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
