import { type Endpoint, KeepAliveConnection } from './connection.js';
import { amzDate, type Credentials, SigV4Signer, sha256Hex } from './sigv4-signer.js';

// The smallest awsJson1_1 client that the harness needs: requests to `POST /` signed with SigV4 for `kms`,
// assembled into the exact bytes that go on the wire.

export const REGION = 'us-east-1';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One operation with a fixed body, ready to be sent many times. */
export interface PreparedCall {
  readonly operation: string;
  readonly body: Buffer;
  /**
   * The complete request (request line, headers, body) for a send at `nowMs`, signed for that second.
   * X-Amz-Date has a resolution of one second, so every send within a second is the same request with the
   * same signature, byte for byte: it is signed once per second, not once per send.
   */
  requestAt(nowMs: number): Buffer;
}

export function prepareCall(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): PreparedCall {
  const body = Buffer.from(JSON.stringify(input), 'utf8');
  const host = `${endpoint.host}:${endpoint.port}`;
  const target = `TrentService.${operation}`;
  const sign = new SigV4Signer(credentials, REGION, 'kms').prepare({
    method: 'POST',
    path: '/',
    headers: { host, 'x-amz-target': target, 'content-type': CONTENT_TYPE },
    payloadHash: sha256Hex(body),
  });
  const fixedHead =
    `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${CONTENT_TYPE}\r\n` +
    `X-Amz-Target: ${target}\r\nContent-Length: ${body.length}\r\n`;
  let signedSecond = Number.NaN;
  let request = body;
  return {
    operation,
    body,
    requestAt(nowMs) {
      const second = Math.floor(nowMs / 1000);
      if (second !== signedSecond) {
        const date = amzDate(new Date(second * 1000));
        const head = `${fixedHead}X-Amz-Date: ${date}\r\nAuthorization: ${sign(date).authorization}\r\n\r\n`;
        request = Buffer.concat([Buffer.from(head, 'latin1'), body]);
        signedSecond = second;
      }
      return request;
    },
  };
}

/** One call for setup (CreateKey, the Decrypt scenario's ciphertext): anything but 2xx JSON is an error. */
export async function callJson(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const connection = new KeepAliveConnection(endpoint);
  try {
    const call = prepareCall(endpoint, credentials, operation, input);
    const response = await connection.send(call.requestAt(Date.now()), 30_000, operation);
    const text = response.body.toString('utf8');
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${operation} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    return JSON.parse(text) as Record<string, unknown>;
  } finally {
    connection.close();
  }
}
