import { createHash, createHmac } from 'node:crypto';

// A minimal AWS Signature Version 4 signer for the load generator. The AWS SDK spends ~600 µs of client CPU
// per call, which on a 2-core machine is taken straight from the server under test; this one costs a few µs.
// It signs header-based requests whose path is already canonical ("/" for every KMS call) and that carry no
// query string, which is all the awsJson1_1 protocol needs.

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface RequestToSign {
  readonly method: string;
  /** Already-canonical absolute path without a query string. */
  readonly path: string;
  /**
   * Every header to sign, including `host`; names in any case, values untrimmed. `x-amz-date` too for `sign`,
   * but not for `prepare`, whose signatures each bring their own.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case hex SHA-256 of the body; callers with a fixed body compute it once. */
  readonly payloadHash: string;
}

export interface Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  readonly authorization: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `20150830T123600Z`: the X-Amz-Date form of an instant. */
export function amzDate(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function deriveSigningKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, day);
  return hmac(hmac(hmac(dateKey, region), service), 'aws4_request');
}

/** Lower-cases names, sorts them, trims values and collapses inner runs of spaces, as SigV4 requires. */
function canonicalEntries(headers: Readonly<Record<string, string>>): Array<readonly [string, string]> {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/ +/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Signs requests for one credential pair, region and service. The derived signing key depends only on the day,
 * so it is computed once per day instead of four HMACs per request.
 */
export class SigV4Signer {
  readonly #credentials: Credentials;
  readonly #region: string;
  readonly #service: string;
  #keyDay = '';
  #signingKey: Buffer = Buffer.alloc(0);

  constructor(credentials: Credentials, region: string, service: string) {
    this.#credentials = credentials;
    this.#region = region;
    this.#service = service;
  }

  sign(request: RequestToSign): Signature {
    const date = headerValue(request.headers, 'x-amz-date').trim();
    const undated = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'x-amz-date'),
    );
    return this.prepare({ ...request, headers: undated })(date);
  }

  /**
   * For a request sent many times that differs only in its X-Amz-Date (so its headers leave that one out): the
   * canonical request is assembled once around the date, and each signature costs one SHA-256 and one HMAC.
   */
  prepare(request: RequestToSign): (amzDate: string) => Signature {
    const entries = canonicalEntries({ ...request.headers, 'x-amz-date': '' });
    const dateIndex = entries.findIndex(([name]) => name === 'x-amz-date');
    if (entries.findLastIndex(([name]) => name === 'x-amz-date') !== dateIndex) {
      throw new Error('SigV4: a prepared request takes its X-Amz-Date from each signature, not from its headers');
    }
    const block = (from: number, to: number) =>
      entries
        .slice(from, to)
        .map(([name, value]) => `${name}:${value}\n`)
        .join('');
    const signedHeaders = entries.map(([name]) => name).join(';');
    const beforeDate = `${request.method}\n${request.path}\n\n${block(0, dateIndex)}x-amz-date:`;
    const afterDate = `\n${block(dateIndex + 1, entries.length)}\n${signedHeaders}\n${request.payloadHash}`;
    return (date) => {
      const day = date.slice(0, 8);
      const scope = `${day}/${this.#region}/${this.#service}/aws4_request`;
      const canonicalRequest = beforeDate + date + afterDate;
      const stringToSign = `${ALGORITHM}\n${date}\n${scope}\n${sha256Hex(canonicalRequest)}`;
      const signature = hmac(this.#signingKeyFor(day), stringToSign).toString('hex');
      const authorization =
        `${ALGORITHM} Credential=${this.#credentials.accessKeyId}/${scope}, ` +
        `SignedHeaders=${signedHeaders}, Signature=${signature}`;
      return { canonicalRequest, stringToSign, signature, authorization };
    };
  }

  #signingKeyFor(day: string): Buffer {
    if (day !== this.#keyDay) {
      this.#signingKey = deriveSigningKey(this.#credentials.secretAccessKey, day, this.#region, this.#service);
      this.#keyDay = day;
    }
    return this.#signingKey;
  }
}

function headerValue(headers: Readonly<Record<string, string>>, wanted: string): string {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === wanted) return value;
  }
  throw new Error(`SigV4: the request has no ${wanted} header to sign`);
}
