import type { Endpoint } from './connection.js';
import { type PreparedCall, prepareSignedPost, sendOnce } from './signed-post.js';
import type { Credentials } from './sigv4-signer.js';

// The smallest awsJson1_1 client that the harness needs: KMS calls to `POST /`, signed for `kms`.

export type { PreparedCall } from './signed-post.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function prepareCall(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): PreparedCall {
  return prepareSignedPost(endpoint, credentials, {
    service: 'kms',
    operation,
    headers: { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': `TrentService.${operation}` },
    body: Buffer.from(JSON.stringify(input), 'utf8'),
  });
}

/** One call for setup (CreateKey, the Decrypt scenario's ciphertext): anything but 2xx JSON is an error. */
export async function callJson(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const text = await sendOnce(endpoint, prepareCall(endpoint, credentials, operation, input));
  return JSON.parse(text) as Record<string, unknown>;
}
