/**
 * AWS Signature Version 4 verification (AWS4-HMAC-SHA256), by Authorization header or presigned query.
 * The canonical request is rebuilt from the bytes received and the payload hash is computed from the body,
 * never taken from the client. Errors are the ones AWS's JSON services answer with, worded as AWS words them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { kmsError } from '../errors/catalogue.js';
import type { Clock } from '../shared/clock.js';
import { needs } from '../shared/needs.js';
import { canonicalRequest, type HeaderIndex, indexHeaders, parseQuery, type QueryParam } from './canonical-request.js';
import { deriveSigningKey, SigningKeyCache, type SigningScope } from './signing-key-cache.js';

export { canonicalRequest } from './canonical-request.js';

export const algorithm = 'AWS4-HMAC-SHA256';

export interface ReceivedRequest {
  readonly method: string;
  /** The request-target as received: path and query, e.g. '/' or '/a%20b?x=1&y=2'. */
  readonly rawPath: string;
  /** node's req.rawHeaders: [name, value, name, value, ...] */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** A secret and whatever the caller wants back about its owner (`principal`), found in one lookup. */
export interface SigningSecret<Principal = undefined> {
  readonly accessKeyId: string;
  readonly secretAccessKey: Buffer;
  readonly principal: Principal;
}

export interface VerifiedSignature<Principal = undefined> {
  /** The lookup's principal, returned only once the signature matched. */
  readonly principal: Principal;
  /** Lowercase names of the headers the signature covers. */
  readonly signedHeaders: readonly string[];
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  /** yyyymmdd, from the credential scope */
  readonly date: string;
  readonly securityToken?: string;
}

export interface SigV4Options<Principal = undefined> {
  readonly clock: Clock;
  /** The services a credential scope may name; the first is the one error messages name. */
  readonly expectedService: string | readonly string[];
  /**
   * Called on every request, so a deleted or disabled key stops working as soon as the lookup says so. The
   * request's session token (X-Amz-Security-Token) comes along, unverified: the lookup decides what it means.
   */
  lookupSecret(accessKeyId: string, securityToken: string | undefined): Promise<SigningSecret<Principal> | undefined>;
  /** How far the request time may be from the clock; 5 minutes unless said otherwise. */
  readonly maxSkewMillis?: number;
}

export interface SigV4Verifier<Principal = undefined> {
  verify(req: ReceivedRequest): Promise<VerifiedSignature<Principal>>;
}

export interface CredentialScope extends SigningScope {
  /** date/region/service/aws4_request, as it appears in the string to sign */
  readonly scope: string;
}

/** What a request claims about its own signature, parsed and checked for shape but not yet verified. */
export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** The parameters the signature covers: all of them, except X-Amz-Signature when presigned. */
  readonly query: readonly QueryParam[];
  readonly headers: HeaderIndex;
  readonly credential: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** yyyymmddThhmmssZ, as it goes into the string to sign */
  readonly requestTime: string;
  readonly requestMillis: number;
  /** Presigned requests only: X-Amz-Expires, in seconds. */
  readonly expiresSeconds: number | undefined;
  readonly securityToken: string | undefined;
}

const defaultMaxSkewMillis = 5 * 60_000;
const maxPresignedExpirySeconds = 7 * 24 * 60 * 60;

const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function createSigV4Verifier<Principal = undefined>(options: SigV4Options<Principal>): SigV4Verifier<Principal> {
  const services = typeof options.expectedService === 'string' ? [options.expectedService] : options.expectedService;
  needs(services.length > 0, 'a SigV4 verifier needs at least one expected service');
  const maxSkewMillis = options.maxSkewMillis ?? defaultMaxSkewMillis;
  const signingKeys = new SigningKeyCache();

  async function verify(req: ReceivedRequest): Promise<VerifiedSignature<Principal>> {
    const signed = parseSignedRequest(req);
    const { credential } = signed;
    if (!services.includes(credential.service)) {
      throw kmsError('InvalidSignatureException', `Credential should be scoped to correct service: '${services[0]}'. `);
    }
    checkFreshness(signed, options.clock.now(), maxSkewMillis);

    const secret = await options.lookupSecret(credential.accessKeyId, signed.securityToken);
    if (secret === undefined || secret.accessKeyId !== credential.accessKeyId) {
      throw kmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }

    const payloadHash = sha256Hex(req.body);
    checkDeclaredPayloadHash(signed.headers, payloadHash);
    const toSign = stringToSign(signed.requestTime, credential.scope, canonicalRequest({ ...signed, payloadHash }));
    const cachedKey = signingKeys.peek(credential, secret.secretAccessKey);
    const signingKey = cachedKey ?? deriveSigningKey(secret.secretAccessKey, credential);
    const expected = createHmac('sha256', signingKey).update(toSign, 'utf8').digest();
    if (!signatureMatches(expected, signed.signature)) throw kmsError('InvalidSignatureException', signatureMismatch);
    if (cachedKey === undefined) signingKeys.remember(credential, secret.secretAccessKey, signingKey);

    return {
      principal: secret.principal,
      signedHeaders: signed.signedHeaders,
      accessKeyId: credential.accessKeyId,
      region: credential.region,
      service: credential.service,
      date: credential.date,
      ...(signed.securityToken === undefined ? {} : { securityToken: signed.securityToken }),
    };
  }

  return { verify };
}

export function stringToSign(requestTime: string, scope: string, canonical: string): string {
  return `${algorithm}\n${requestTime}\n${scope}\n${sha256Hex(canonical)}`;
}

/**
 * Reads the signature claim from the Authorization header or, when there is none, from the X-Amz-*
 * query parameters. Throws the AWS error for a claim that is missing or malformed.
 */
export function parseSignedRequest(req: ReceivedRequest): SignedRequest {
  const question = req.rawPath.indexOf('?');
  const path = question === -1 ? req.rawPath : req.rawPath.slice(0, question);
  const query = parseQuery(question === -1 ? '' : req.rawPath.slice(question + 1));
  const headers = indexHeaders(req.rawHeaders);
  const claim = headers.has('authorization') ? headerClaim(headers, query) : queryClaim(query);

  const requestDay = claim.requestTime.slice(0, 8);
  if (claim.credential.date !== requestDay) {
    throw kmsError(
      'InvalidSignatureException',
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
        `'${claim.credential.date}' != '${requestDay}', from '${claim.requestTime}'.`,
    );
  }
  const { mustSign, ...claimed } = claim;
  for (const required of mustSign) {
    if (!claimed.signedHeaders.includes(required.name)) {
      throw kmsError(
        'IncompleteSignatureException',
        `'${required.display}' must be a 'SignedHeader' in the AWS Authorization.`,
      );
    }
  }
  // A signed header that is absent cannot have been signed as received.
  if (!claimed.signedHeaders.every((name) => headers.has(name))) {
    throw kmsError('InvalidSignatureException', signatureMismatch);
  }
  return { method: req.method, path, headers, ...claimed };
}

/** The signature's own fields, and the headers it must cover to count (named as AWS's messages name them). */
type Claim = Omit<SignedRequest, 'method' | 'path' | 'headers'> & {
  readonly mustSign: readonly { readonly name: string; readonly display: string }[];
};

export interface AuthorizationParts {
  readonly algorithm: string;
  readonly credential: string | undefined;
  readonly signedHeaders: string | undefined;
  readonly signature: string | undefined;
}

/** `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`, parts in any order; empty parts count as absent. */
export function parseAuthorization(header: string): AuthorizationParts {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const parts: { credential?: string; signedHeaders?: string; signature?: string } = {};
  if (space !== -1) {
    for (const part of trimmed.slice(space + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq === -1) continue;
      const value = part.slice(eq + 1).trim();
      if (value === '') continue;
      const name = part.slice(0, eq).trim();
      if (name === 'Credential') parts.credential ??= value;
      else if (name === 'SignedHeaders') parts.signedHeaders ??= value;
      else if (name === 'Signature') parts.signature ??= value;
    }
  }
  return {
    algorithm: space === -1 ? trimmed : trimmed.slice(0, space),
    credential: parts.credential,
    signedHeaders: parts.signedHeaders,
    signature: parts.signature,
  };
}

function headerClaim(headers: HeaderIndex, query: readonly QueryParam[]): Claim {
  const authorizations = headers.get('authorization')!;
  if (authorizations.length !== 1) {
    throw kmsError('IncompleteSignatureException', 'Only one Authorization header is allowed.');
  }
  const header = authorizations[0]!;
  const parts = parseAuthorization(header);
  const amzDate = headers.get('x-amz-date');
  const httpDate = amzDate === undefined ? headers.get('date') : undefined;

  const missing: string[] = [];
  if (parts.credential === undefined) missing.push("Authorization header requires 'Credential' parameter.");
  if (parts.signature === undefined) missing.push("Authorization header requires 'Signature' parameter.");
  if (parts.signedHeaders === undefined) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (amzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) {
    throw kmsError('IncompleteSignatureException', `${missing.join(' ')} Authorization=${header}`);
  }
  checkAlgorithm(parts.algorithm);

  const time = amzDate === undefined ? httpDateTime(httpDate!.join(',')) : amzDateTime(amzDate.join(','));
  return {
    credential: parseCredential(parts.credential!),
    signedHeaders: parts.signedHeaders!.split(';'),
    signature: parts.signature!,
    ...time,
    expiresSeconds: undefined,
    securityToken: headers.get('x-amz-security-token')?.join(','),
    query,
    mustSign: [
      { name: 'host', display: 'Host' },
      amzDate === undefined ? { name: 'date', display: 'Date' } : { name: 'x-amz-date', display: 'X-Amz-Date' },
    ],
  };
}

const presignParameters = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
  'X-Amz-Expires',
] as const;

function queryClaim(query: readonly QueryParam[]): Claim {
  const found = new Map<string, string>();
  for (const [name, value] of query) {
    if (name.startsWith('X-Amz-') && !found.has(name)) found.set(name, value);
  }
  if (!found.has('X-Amz-Algorithm') && !found.has('X-Amz-Credential') && !found.has('X-Amz-Signature')) {
    throw kmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const missing = presignParameters
    .filter((name) => !found.get(name))
    .map((name) => `AWS query-string parameters must include '${name}'.`);
  if (missing.length > 0) {
    throw kmsError('IncompleteSignatureException', `${missing.join(' ')} Re-examine the query-string parameters.`);
  }
  checkAlgorithm(found.get('X-Amz-Algorithm')!);
  return {
    credential: parseCredential(found.get('X-Amz-Credential')!),
    signedHeaders: found.get('X-Amz-SignedHeaders')!.split(';'),
    signature: found.get('X-Amz-Signature')!,
    ...amzDateTime(found.get('X-Amz-Date')!),
    expiresSeconds: parseExpires(found.get('X-Amz-Expires')!),
    securityToken: found.get('X-Amz-Security-Token'),
    query: query.filter(([name]) => name !== 'X-Amz-Signature'),
    mustSign: [{ name: 'host', display: 'Host' }],
  };
}

function checkAlgorithm(name: string): void {
  if (name !== algorithm) throw kmsError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${name}'.`);
}

/** AKID/yyyymmdd/region/service/aws4_request; the date is checked against the request time by the caller. */
export function parseCredential(credential: string): CredentialScope {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw kmsError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    throw kmsError(
      'IncompleteSignatureException',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }
  if (!isRegionName(region)) {
    throw kmsError('IncompleteSignatureException', 'Credential should be scoped to a valid region. ');
  }
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/${terminator}` };
}

/** Any Region the caller names becomes the request's Region, so it only has to look like one: [a-z0-9-]+. */
function isRegionName(region: string): boolean {
  if (region === '') return false;
  for (let i = 0; i < region.length; i++) {
    const code = region.charCodeAt(i);
    const allowed = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
    if (!allowed) return false;
  }
  return true;
}

function amzDateTime(text: string): { requestTime: string; requestMillis: number } {
  const requestMillis = parseAmzDate(text);
  if (requestMillis === undefined) {
    throw kmsError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return { requestTime: text, requestMillis };
}

/** A `Date` header stands in for X-Amz-Date; the string to sign still carries the ISO 8601 basic form. */
function httpDateTime(text: string): { requestTime: string; requestMillis: number } {
  const requestMillis = Date.parse(text);
  if (Number.isNaN(requestMillis) || new Date(requestMillis).toUTCString() !== text) {
    throw kmsError(
      'IncompleteSignatureException',
      `Date header must be an HTTP date such as 'Sun, 30 Aug 2015 12:36:00 GMT'. Got '${text}'.`,
    );
  }
  return { requestTime: formatAmzDate(requestMillis), requestMillis };
}

/** yyyymmddThhmmssZ to epoch milliseconds; undefined unless the text is exactly that and a real instant. */
export function parseAmzDate(text: string): number | undefined {
  if (text.length !== 16 || text[8] !== 'T' || text[15] !== 'Z') return undefined;
  for (let i = 0; i < 15; i++) {
    const code = text.charCodeAt(i);
    if (i !== 8 && (code < 0x30 || code > 0x39)) return undefined;
  }
  const field = (from: number, to: number) => Number(text.slice(from, to));
  const [month, day, hour, minute, second] = [field(4, 6), field(6, 8), field(9, 11), field(11, 13), field(13, 15)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Date.UTC(field(0, 4), month - 1, day, hour, minute, second);
  // Date.UTC rolls 20150231 over into March: a day that moved is refused.
  return new Date(millis).getUTCDate() === day ? millis : undefined;
}

export function formatAmzDate(millis: number): string {
  const iso = new Date(millis).toISOString(); // 2015-08-30T12:36:00.000Z
  return `${iso.slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`;
}

function parseExpires(text: string): number {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || String(seconds) !== text || seconds < 1 || seconds > maxPresignedExpirySeconds) {
    throw kmsError(
      'IncompleteSignatureException',
      `X-Amz-Expires must be a whole number of seconds from 1 to ${maxPresignedExpirySeconds}, not '${text}'.`,
    );
  }
  return seconds;
}

/**
 * Header auth: the request time must lie within the skew window of the clock. Presigned: valid from the
 * request time (less the skew) until X-Amz-Expires seconds after it.
 */
function checkFreshness(signed: SignedRequest, now: number, maxSkewMillis: number): void {
  const validBackMillis = signed.expiresSeconds === undefined ? maxSkewMillis : signed.expiresSeconds * 1000;
  const time = signed.requestTime;
  if (now - signed.requestMillis > validBackMillis) {
    throw kmsError(
      'InvalidSignatureException',
      `Signature expired: ${time} is now earlier than ${formatAmzDate(now - validBackMillis)} ` +
        `(${formatAmzDate(now)} - ${describeSpan(validBackMillis)})`,
    );
  }
  if (signed.requestMillis - now > maxSkewMillis) {
    throw kmsError(
      'InvalidSignatureException',
      `Signature not yet current: ${time} is still later than ${formatAmzDate(now + maxSkewMillis)} ` +
        `(${formatAmzDate(now)} + ${describeSpan(maxSkewMillis)})`,
    );
  }
}

function describeSpan(millis: number): string {
  return millis % 60_000 === 0 ? `${millis / 60_000} min.` : `${millis / 1000} sec.`;
}

/** The body is hashed here; a client's own claim of that hash must agree with it, signed or not. */
function checkDeclaredPayloadHash(headers: HeaderIndex, payloadHash: string): void {
  const declared = headers.get('x-amz-content-sha256');
  if (declared !== undefined && (declared.length !== 1 || declared[0]!.trim() !== payloadHash)) {
    throw kmsError(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}

/** Both sides as bytes, compared in constant time; anything but 64 hex digits is a mismatch. */
function signatureMatches(expected: Buffer, provided: string): boolean {
  if (provided.length !== expected.length * 2) return false;
  const candidate = Buffer.from(provided, 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
