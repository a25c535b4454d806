import { createHash, createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Uint8Array | string {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** node:crypto as @smithy/signature-v4 wants its hash (the SDK's own brings a browser-compatible one). */
export class Sha256 {
  private readonly hash;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How long a CLI call waits for Trent's answer. */
const CALL_TIMEOUT_MILLIS = 30_000;

/** Signs a POST to `/` with SigV4 for `service` (with the session token when the credentials carry one) and sends it. */
async function signedPost(
  endpoint: string,
  scope: { readonly service: string; readonly region: string },
  credentials: Credentials,
  headers: Record<string, string>,
  payload: string,
): Promise<SentResponse> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ ...scope, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, ...headers },
    body: payload,
  });
  return send(url, { method: 'POST', path: '/', headers: signed.headers, body: payload }, CALL_TIMEOUT_MILLIS);
}

/** Signs an awsJson1_1 call with SigV4 (service kms) and sends it; resolves with the status and parsed body. */
export async function callTrent(
  endpoint: string,
  region: string,
  credentials: Credentials,
  target: string,
  body: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await signedPost(
    endpoint,
    { service: 'kms', region },
    credentials,
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    JSON.stringify(body),
  );
  return {
    status: response.status,
    body: response.text === '' ? {} : (JSON.parse(response.text) as Record<string, unknown>),
  };
}

/** An awsQuery call: the API (service, its version, the Region to sign for), the action and its parameters. */
export interface QueryCall {
  readonly service: string;
  readonly version: string;
  readonly region: string;
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Signs an awsQuery call (IAM, STS) with SigV4 and sends it as a form; resolves with the XML as received. */
export async function callQuery(endpoint: string, credentials: Credentials, call: QueryCall): Promise<SentResponse> {
  const form = new URLSearchParams({ Action: call.action, Version: call.version, ...call.params });
  return signedPost(
    endpoint,
    { service: call.service, region: call.region },
    credentials,
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    form.toString(),
  );
}

export interface SentResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One HTTP request to `url`'s host exactly as given (headers already signed, or deliberately not). */
export function send(
  url: URL,
  outgoing: { method: string; path: string; headers: Record<string, string>; body: string | Buffer },
  timeoutMillis: number,
): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const pending = request(
      { host: url.hostname, port: url.port, method: outgoing.method, path: outgoing.path, headers: outgoing.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    pending.setTimeout(timeoutMillis, () => pending.destroy(new Error(`no answer within ${timeoutMillis} ms`)));
    pending.on('error', reject);
    pending.end(outgoing.body);
  });
}
