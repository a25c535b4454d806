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

/** Signs an awsJson1_1 call with SigV4 (service kms) and sends it; resolves with the status and parsed body. */
export async function callTrent(
  endpoint: string,
  region: string,
  credentials: Credentials,
  target: string,
  body: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(endpoint);
  const payload = JSON.stringify(body);
  const signer = new SignatureV4({ service: 'kms', region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: payload,
  });
  const response = await send(url, { method: 'POST', path: '/', headers: signed.headers, body: payload }, 30_000);
  return {
    status: response.status,
    body: response.text === '' ? {} : (JSON.parse(response.text) as Record<string, unknown>),
  };
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
