import http from 'node:http';
import { amzDate, type Credentials, SigV4Signer, sha256Hex } from './sigv4-signer.js';

// The smallest awsJson1_1 client that the harness needs: requests to `POST /` signed with SigV4 for `kms`.

export const REGION = 'us-east-1';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One operation with a fixed body, ready to be signed and sent many times. */
export interface PreparedCall {
  readonly operation: string;
  readonly body: Buffer;
  /** Fresh headers (new X-Amz-Date, new signature) for the next send. */
  headers(): http.OutgoingHttpHeaders;
}

export interface CallResult {
  readonly status: number;
  readonly body: Buffer;
}

export function prepareCall(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): PreparedCall {
  const signer = new SigV4Signer(credentials, REGION, 'kms');
  const body = Buffer.from(JSON.stringify(input), 'utf8');
  const payloadHash = sha256Hex(body);
  const host = `${endpoint.host}:${endpoint.port}`;
  const target = `TrentService.${operation}`;
  return {
    operation,
    body,
    headers() {
      const signed = {
        host,
        'x-amz-date': amzDate(new Date()),
        'x-amz-target': target,
        'content-type': CONTENT_TYPE,
      };
      const { authorization } = signer.sign({ method: 'POST', path: '/', headers: signed, payloadHash });
      return { ...signed, 'content-length': body.length, authorization };
    },
  };
}

/** Sends a prepared call once and collects the whole response; a request that outlives timeoutMs fails. */
export function send(
  endpoint: Endpoint,
  call: PreparedCall,
  agent: http.Agent,
  timeoutMs: number,
): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: endpoint.host, port: endpoint.port, method: 'POST', path: '/', agent, headers: call.headers() },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.setTimeout(timeoutMs, () =>
      request.destroy(new Error(`${call.operation} timed out after ${timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(call.body);
  });
}

/** One call for setup (CreateKey, the Decrypt scenario's ciphertext): anything but 2xx JSON is an error. */
export async function callJson(
  endpoint: Endpoint,
  credentials: Credentials,
  operation: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const result = await send(endpoint, prepareCall(endpoint, credentials, operation, input), agent, 30_000);
    const text = result.body.toString('utf8');
    if (result.status < 200 || result.status > 299) {
      throw new Error(`${operation} answered HTTP ${result.status}: ${text.slice(0, 300)}`);
    }
    return JSON.parse(text) as Record<string, unknown>;
  } finally {
    agent.destroy();
  }
}
