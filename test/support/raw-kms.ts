import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256, send } from '../../cli/signed-request.js';
import { TEST_CREDENTIALS, TEST_REGION } from './trent.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

export interface RawRequest {
  target?: string | undefined;
  body: string | Buffer;
  contentType?: string | undefined;
  headers?: Record<string, string>;
  region?: string;
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  signingDate?: Date;
  unsigned?: boolean;
  method?: string;
  path?: string;
}

/** The request's headers, signed with @smithy/signature-v4 (what the SDK uses) unless `unsigned`. */
export async function signedHeaders(baseUrl: string, raw: RawRequest): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': raw.contentType ?? 'application/x-amz-json-1.1',
    ...(raw.target === undefined ? {} : { 'x-amz-target': raw.target }),
    ...raw.headers,
  };
  if (raw.unsigned) return headers;
  const signer = new SignatureV4({
    service: raw.service ?? 'kms',
    region: raw.region ?? TEST_REGION,
    credentials: raw.credentials ?? TEST_CREDENTIALS,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: raw.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: raw.path ?? '/',
      headers,
      body: raw.body,
    },
    raw.signingDate ? { signingDate: raw.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

/** Sends an exactly controlled request to Trent. */
export async function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawResponse> {
  const headers = await signedHeaders(baseUrl, raw);
  const request = { method: raw.method ?? 'POST', path: raw.path ?? '/', headers, body: raw.body };
  const { status, headers: responseHeaders, text } = await send(new URL(baseUrl), request, 10_000);
  return { status, headers: responseHeaders, body: text, json: () => JSON.parse(text) as Record<string, unknown> };
}
