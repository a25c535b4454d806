import { type Endpoint, KeepAliveConnection } from './connection.js';
import { amzDate, type Credentials, SigV4Signer, sha256Hex } from './sigv4-signer.js';

// A `POST /` signed with SigV4, assembled into the exact bytes that go on the wire: what both the KMS client
// (awsJson1_1) and the IAM client (awsQuery) send, differing only in the service they sign for and their headers.

export const REGION = 'us-east-1';

/** One request with a fixed body, ready to be sent many times. */
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

export interface SignedPost {
  /** The service of the credential scope: `kms`, `iam`. */
  readonly service: string;
  /** Names the call in errors and timeouts. */
  readonly operation: string;
  /** Sent and signed as given, besides Host, X-Amz-Date (both signed), Content-Length and Authorization. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export function prepareSignedPost(endpoint: Endpoint, credentials: Credentials, post: SignedPost): PreparedCall {
  const { body } = post;
  const host = `${endpoint.host}:${endpoint.port}`;
  const sign = new SigV4Signer(credentials, REGION, post.service).prepare({
    method: 'POST',
    path: '/',
    headers: { host, ...post.headers },
    payloadHash: sha256Hex(body),
  });
  const ownHeaders = Object.entries(post.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const fixedHead = `POST / HTTP/1.1\r\nHost: ${host}\r\n${ownHeaders}Content-Length: ${body.length}\r\n`;
  let signedSecond = Number.NaN;
  let request = body;
  return {
    operation: post.operation,
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

/** Sends one call for setup on a connection of its own; anything but 2xx is an error. Returns the body as text. */
export async function sendOnce(endpoint: Endpoint, call: PreparedCall): Promise<string> {
  const connection = new KeepAliveConnection(endpoint);
  try {
    const response = await connection.send(call.requestAt(Date.now()), 30_000, call.operation);
    const text = response.body.toString('utf8');
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${call.operation} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
    return text;
  } finally {
    connection.close();
  }
}
