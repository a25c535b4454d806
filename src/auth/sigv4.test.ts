import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ErrorType, KmsError } from '../errors/catalogue.js';
import { ManualClock } from '../shared/clock.js';
import { canonicalUri, trimAll, uriEncode } from './canonical-request.js';
import { SigningKeyCache } from './signing-key-cache.js';
import {
  canonicalRequest,
  createSigV4Verifier,
  formatAmzDate,
  parseAmzDate,
  parseAuthorization,
  parseSignedRequest,
  type ReceivedRequest,
  type SigningSecret,
  type SigV4Verifier,
  stringToSign,
} from './sigv4.js';

const mismatch =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const contentHashMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed.";

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function rejectsWith(promise: Promise<unknown>, type: ErrorType, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof KmsError, `expected a KmsError, got ${String(error)}`);
    assert.equal(error.type, type);
    assert.equal(error.status, 400);
    if (message !== undefined) assert.equal(error.clientMessage, message);
    return true;
  });
}

function withHeader(req: ReceivedRequest, name: string, change: (value: string) => string): ReceivedRequest {
  const rawHeaders = [...req.rawHeaders];
  const at = rawHeaders.findIndex((header, i) => i % 2 === 0 && header.toLowerCase() === name);
  assert.ok(at >= 0, `no ${name} header to change`);
  rawHeaders[at + 1] = change(rawHeaders[at + 1]!);
  return { ...req, rawHeaders };
}

function flipLastHexDigit(hex: string): string {
  return hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
}

function oneSecondLater(amzDate: string): string {
  return formatAmzDate(parseAmzDate(amzDate)! + 1000);
}

// ---------------------------------------------------------------------------------------------------
// The AWS SigV4 test suite (aws-c-auth's copy), read from ../shared and never copied into the repo.
// ---------------------------------------------------------------------------------------------------

interface SuiteContext {
  readonly credentials: { access_key_id: string; secret_access_key: string; token?: string };
  readonly region: string;
  readonly service: string;
  readonly timestamp: string;
  readonly normalize: boolean;
  readonly omit_session_token?: boolean;
}

type SuiteCase = { readonly context: SuiteContext } & Readonly<Record<string, string>>;
type Mode = 'header' | 'query';

const suiteFile = fileURLToPath(new URL('../../../shared/vectors/aws-sigv4/v4-suite.json', import.meta.url));
const suiteCases: Record<string, SuiteCase> = existsSync(suiteFile)
  ? (JSON.parse(readFileSync(suiteFile, 'utf8')) as { cases: Record<string, SuiteCase> }).cases
  : {};

/**
 * The suite's raw HTTP text: request line (the target may hold spaces, as in get-space), `Name:value`
 * header lines, a blank line, the body. A line that starts with whitespace continues the header above
 * (obs-fold), which RFC 7230 section 3.2.4 lets a recipient replace with a space.
 */
function parseRawRequest(text: string): ReceivedRequest {
  const blank = text.indexOf('\n\n');
  const [requestLine = '', ...headerLines] = text.slice(0, blank).split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const rawPath = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const rawHeaders: string[] = [];
  for (const line of headerLines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      rawHeaders[rawHeaders.length - 1] += ` ${line.trimStart()}`;
    } else {
      const colon = line.indexOf(':');
      rawHeaders.push(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return { method, rawPath, rawHeaders, body: Buffer.from(text.slice(blank + 2), 'utf8') };
}

function suiteVerifier(context: SuiteContext, now = Date.parse(context.timestamp)): SigV4Verifier {
  const { access_key_id, secret_access_key } = context.credentials;
  return createSigV4Verifier({
    clock: new ManualClock(now),
    expectedService: context.service,
    lookupSecret: async (accessKeyId) =>
      accessKeyId === access_key_id
        ? { accessKeyId, secretAccessKey: Buffer.from(secret_access_key), principal: undefined }
        : undefined,
  });
}

/** True when a path still holds `.`, `..` or empty segments that a normalizing signer would have removed. */
function hasRemovableSegments(canonicalPath: string): boolean {
  const segments = canonicalPath.split('/').slice(1);
  return segments.some(
    (segment, i) => segment === '.' || segment === '..' || (segment === '' && i < segments.length - 1),
  );
}

/**
 * The cases a KMS verifier refuses on purpose, with the reason. Their canonical requests are still
 * rebuilt exactly, so the refusal is policy and not a canonicalization bug.
 */
function deliberateRefusal(vector: SuiteCase, mode: Mode): string | undefined {
  const canonicalPath = vector[`${mode}-canonical-request`]!.split('\n')[1]!;
  if (!vector.context.normalize && hasRemovableSegments(canonicalPath)) {
    return 'signed over an unnormalized path; like every AWS service but S3, Trent normalizes before verifying';
  }
  if (mode === 'query' && vector.context.omit_session_token) {
    return 'the session token was added to the query after signing; every query parameter but X-Amz-Signature must be signed';
  }
  return undefined;
}

describe('AWS SigV4 test suite', { skip: Object.keys(suiteCases).length === 0 && `not found: ${suiteFile}` }, () => {
  for (const [name, vector] of Object.entries(suiteCases)) {
    const { context } = vector;
    for (const mode of ['header', 'query'] as const) {
      describe(`${name} (${mode})`, () => {
        const req = parseRawRequest(vector[`${mode}-signed-request`]!);
        const expectedCanonical = vector[`${mode}-canonical-request`]!;
        const refusal = deliberateRefusal(vector, mode);

        if (refusal !== undefined) {
          it(`rebuilds the suite's canonical request and string to sign as it was signed`, () => {
            const signed = parseSignedRequest(req);
            const asSigned = canonicalRequest({
              ...signed,
              query: signed.query.filter(
                ([param]) => !(context.omit_session_token && param === 'X-Amz-Security-Token'),
              ),
              normalizePath: context.normalize,
              payloadHash: sha256Hex(req.body),
            });
            assert.equal(asSigned, expectedCanonical);
            const toSign = stringToSign(signed.requestTime, signed.credential.scope, asSigned);
            assert.equal(toSign, vector[`${mode}-string-to-sign`]);
          });
          it(`is refused on purpose: ${refusal}`, async () => {
            await rejectsWith(suiteVerifier(context).verify(req), 'InvalidSignatureException', mismatch);
          });
          return;
        }

        it(`is accepted, with the suite's canonical request and string to sign`, async () => {
          const signed = parseSignedRequest(req);
          const canonical = canonicalRequest({ ...signed, payloadHash: sha256Hex(req.body) });
          assert.equal(canonical, expectedCanonical);
          assert.equal(
            stringToSign(signed.requestTime, signed.credential.scope, canonical),
            vector[`${mode}-string-to-sign`],
          );
          assert.equal(signed.signature, vector[`${mode}-signature`]);

          const { token } = context.credentials;
          assert.deepEqual(await suiteVerifier(context).verify(req), {
            principal: undefined,
            signedHeaders: signed.signedHeaders,
            accessKeyId: context.credentials.access_key_id,
            region: context.region,
            service: context.service,
            date: context.timestamp.slice(0, 10).replaceAll('-', ''),
            ...(token === undefined ? {} : { securityToken: token }),
          });
        });

        it('is refused once the signature changes', async () => {
          const signature = parseSignedRequest(req).signature;
          const changed =
            mode === 'header'
              ? withHeader(req, 'authorization', (value) => value.replace(signature, flipLastHexDigit(signature)))
              : { ...req, rawPath: req.rawPath.replace(signature, flipLastHexDigit(signature)) };
          await rejectsWith(suiteVerifier(context).verify(changed), 'InvalidSignatureException', mismatch);
        });

        it('is refused once any signed header changes', async () => {
          const { signedHeaders } = parseSignedRequest(req);
          assert.ok(signedHeaders.includes('host'));
          for (const header of signedHeaders) {
            const changed = withHeader(req, header, (value) =>
              header === 'x-amz-date' ? oneSecondLater(value) : `${value}x`,
            );
            await rejectsWith(suiteVerifier(context).verify(changed), 'InvalidSignatureException');
          }
        });

        if (req.body.length > 0) {
          it('is refused once the body changes', async () => {
            const body = Buffer.from(req.body);
            body[0] = body[0]! ^ 1;
            await rejectsWith(suiteVerifier(context).verify({ ...req, body }), 'InvalidSignatureException');
          });
        }
      });
    }
  }

  const vanilla = suiteCases['get-vanilla'];
  describe('presigned expiry (get-vanilla, X-Amz-Expires=3600)', { skip: !vanilla && 'no get-vanilla case' }, () => {
    const context = vanilla?.context;
    const req = vanilla && parseRawRequest(vanilla['query-signed-request']!);
    it('is accepted at the last second of its hour', async () => {
      await suiteVerifier(context!, Date.parse(context!.timestamp) + 3600_000).verify(req!);
    });
    it('is refused one second later', async () => {
      const now = Date.parse(context!.timestamp) + 3601_000;
      await rejectsWith(
        suiteVerifier(context!, now).verify(req!),
        'InvalidSignatureException',
        'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T133601Z - 60 min.)',
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Unit tests. Requests are signed by the small signer below, written out by hand from the SigV4
// specification and independent of the code under test (it handles only simple header values).
// ---------------------------------------------------------------------------------------------------

const accessKeyId = 'AKIATRENTTESTKEY0001';
const secretAccessKey = 'trent/test/secret+key/0000000000000000000';
const signedAt = Date.parse('2024-01-02T03:00:00Z');
const kmsBody = '{"KeyId":"alias/test","Plaintext":"aGVsbG8="}';

interface TestSigning {
  readonly time?: number;
  readonly service?: string;
  readonly region?: string;
  readonly scopeDate?: string;
  readonly secret?: string;
  readonly body?: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** The headers to sign; every header by default. */
  readonly sign?: readonly string[];
  /** Carry the time in an HTTP `date` header instead of `x-amz-date`. */
  readonly httpDate?: boolean;
  /** Presign with X-Amz-* query parameters valid for this many seconds. */
  readonly presignSeconds?: number;
  readonly sessionToken?: string;
}

function signForTest(options: TestSigning = {}): ReceivedRequest {
  const time = options.time ?? signedAt;
  const amzDate = formatAmzDate(time);
  const scope = `${options.scopeDate ?? amzDate.slice(0, 8)}/${options.region ?? 'us-east-1'}/${options.service ?? 'kms'}/aws4_request`;
  const body = options.body ?? kmsBody;
  const headers: Record<string, string> = {
    host: 'kms.us-east-1.amazonaws.com',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'TrentService.Encrypt',
    ...options.extraHeaders,
  };
  if (options.presignSeconds === undefined) {
    if (options.httpDate) headers.date = new Date(time).toUTCString();
    else headers['x-amz-date'] = amzDate;
    if (options.sessionToken !== undefined) headers['x-amz-security-token'] = options.sessionToken;
  }
  const signed = [...(options.sign ?? Object.keys(headers))].sort();

  const query: Record<string, string> = {};
  if (options.presignSeconds !== undefined) {
    query['X-Amz-Algorithm'] = 'AWS4-HMAC-SHA256';
    query['X-Amz-Credential'] = `${accessKeyId}/${scope}`;
    query['X-Amz-Date'] = amzDate;
    query['X-Amz-Expires'] = String(options.presignSeconds);
    query['X-Amz-SignedHeaders'] = signed.join(';');
    if (options.sessionToken !== undefined) query['X-Amz-Security-Token'] = options.sessionToken;
  }
  const queryString = Object.keys(query)
    .sort()
    .map((name) => `${name}=${encodeURIComponent(query[name]!)}`)
    .join('&');

  const canonical = `POST\n/\n${queryString}\n${signed.map((name) => `${name}:${headers[name]}\n`).join('')}\n${signed.join(';')}\n${sha256Hex(body)}`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  let key = Buffer.from(`AWS4${options.secret ?? secretAccessKey}`);
  for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest();
  const signature = createHmac('sha256', key).update(toSign).digest('hex');

  const rawHeaders = Object.entries(headers).flat();
  if (options.presignSeconds !== undefined) {
    return {
      method: 'POST',
      rawPath: `/?${queryString}&X-Amz-Signature=${signature}`,
      rawHeaders,
      body: Buffer.from(body),
    };
  }
  rawHeaders.push(
    'Authorization',
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
  );
  return { method: 'POST', rawPath: '/', rawHeaders, body: Buffer.from(body) };
}

interface TestVerifier extends SigV4Verifier {
  readonly lookups: string[];
  secret: string | undefined;
}

function testVerifier(now = signedAt, expectedService: string | readonly string[] = 'kms'): TestVerifier {
  const state = { lookups: [] as string[], secret: secretAccessKey as string | undefined };
  const verifier = createSigV4Verifier({
    clock: new ManualClock(now),
    expectedService,
    async lookupSecret(id): Promise<SigningSecret | undefined> {
      state.lookups.push(id);
      if (id !== accessKeyId || state.secret === undefined) return undefined;
      return { accessKeyId: id, secretAccessKey: Buffer.from(state.secret), principal: undefined };
    },
  });
  return Object.assign(state, verifier);
}

describe('SigV4 verifier', () => {
  it('accepts a signed KMS request and names its access key, Region, service and date', async () => {
    const verified = await testVerifier().verify(signForTest({ region: 'eu-west-3' }));
    assert.deepEqual(verified, {
      principal: undefined,
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
      accessKeyId,
      region: 'eu-west-3',
      service: 'kms',
      date: '20240102',
    });
  });

  it('returns the session token, signed or not', async () => {
    const token = 'FQoGZXIvYXdzEXAMPLE//token==';
    const signedToken = await testVerifier().verify(signForTest({ sessionToken: token }));
    assert.equal(signedToken.securityToken, token);
    const unsigned = signForTest({ sessionToken: token, sign: ['content-type', 'host', 'x-amz-date', 'x-amz-target'] });
    assert.equal((await testVerifier().verify(unsigned)).securityToken, token);
  });

  it('accepts any expected service from a list and names the first when none matches', async () => {
    await testVerifier(signedAt, ['iam', 'kms']).verify(signForTest());
    await rejectsWith(
      testVerifier(signedAt, ['iam', 'sts']).verify(signForTest()),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'iam'. ",
    );
  });

  describe('clock skew', () => {
    it('accepts a request exactly 5 minutes old or 5 minutes ahead', async () => {
      await testVerifier(signedAt + 5 * 60_000).verify(signForTest());
      await testVerifier(signedAt - 5 * 60_000).verify(signForTest());
    });

    it('refuses a request more than 5 minutes old, in AWS words', async () => {
      await rejectsWith(
        testVerifier(signedAt + 5 * 60_000 + 1000).verify(signForTest()),
        'InvalidSignatureException',
        'Signature expired: 20240102T030000Z is now earlier than 20240102T030001Z (20240102T030501Z - 5 min.)',
      );
    });

    it('refuses a request more than 5 minutes ahead, in AWS words', async () => {
      await rejectsWith(
        testVerifier(signedAt - 5 * 60_000 - 1000).verify(signForTest()),
        'InvalidSignatureException',
        'Signature not yet current: 20240102T030000Z is still later than 20240102T025959Z (20240102T025459Z + 5 min.)',
      );
    });

    it('honours maxSkewMillis', async () => {
      const verifier = createSigV4Verifier({
        clock: new ManualClock(signedAt + 61_000),
        expectedService: 'kms',
        maxSkewMillis: 60_000,
        lookupSecret: async () => ({
          accessKeyId,
          secretAccessKey: Buffer.from(secretAccessKey),
          principal: undefined,
        }),
      });
      await rejectsWith(
        verifier.verify(signForTest()),
        'InvalidSignatureException',
        'Signature expired: 20240102T030000Z is now earlier than 20240102T030001Z (20240102T030101Z - 1 min.)',
      );
    });
  });

  it('refuses a credential scoped to another service', async () => {
    await rejectsWith(
      testVerifier().verify(signForTest({ service: 'iam' })),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'kms'. ",
    );
  });

  it('refuses a credential scoped to another day than the request', async () => {
    await rejectsWith(
      testVerifier().verify(signForTest({ scopeDate: '20240101' })),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240101' != '20240102', from '20240102T030000Z'.",
    );
  });

  it('refuses an unknown access key', async () => {
    const verifier = testVerifier();
    verifier.secret = undefined;
    await rejectsWith(
      verifier.verify(signForTest()),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  });

  it('refuses a request without Authorization header or presign parameters', async () => {
    await rejectsWith(
      testVerifier().verify({
        method: 'POST',
        rawPath: '/?Action=ListKeys',
        rawHeaders: ['Host', 'kms'],
        body: Buffer.alloc(0),
      }),
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  });

  describe('malformed Authorization', () => {
    const dropDate = (req: ReceivedRequest): ReceivedRequest => ({
      ...req,
      rawHeaders: req.rawHeaders.filter((_, i, all) => all[i - (i % 2)] !== 'x-amz-date'),
    });

    it('names each missing part, then quotes the header', async () => {
      const req = withHeader(signForTest(), 'authorization', (value) => value.replace(/, Signature=.*/, ''));
      const header = req.rawHeaders.at(-1);
      await rejectsWith(
        testVerifier().verify(req),
        'IncompleteSignatureException',
        `Authorization header requires 'Signature' parameter. Authorization=${header}`,
      );
      await rejectsWith(
        testVerifier().verify(dropDate(withHeader(req, 'authorization', () => 'AWS4-HMAC-SHA256'))),
        'IncompleteSignatureException',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of " +
          "either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      );
    });

    it('refuses a credential scope that is not five parts ending in aws4_request, or a bad Region', async () => {
      const cases: [from: string, to: string, message: string][] = [
        [
          '/us-east-1/kms/aws4_request',
          '/us-east-1/aws4_request',
          `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${accessKeyId}/20240102/us-east-1/aws4_request'`,
        ],
        [
          '/kms/aws4_request',
          '/kms/aws5_request',
          "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
        ],
        ['/us-east-1/', '/US_EAST_1/', 'Credential should be scoped to a valid region. '],
        ['/us-east-1/', '//', 'Credential should be scoped to a valid region. '],
      ];
      for (const [from, to, message] of cases) {
        const req = withHeader(signForTest(), 'authorization', (value) => value.replace(from, to));
        await rejectsWith(testVerifier().verify(req), 'IncompleteSignatureException', message);
      }
    });

    it('refuses another algorithm', async () => {
      const req = withHeader(signForTest(), 'authorization', (value) =>
        value.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'),
      );
      await rejectsWith(
        testVerifier().verify(req),
        'IncompleteSignatureException',
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
      );
    });

    it('refuses an x-amz-date that is not ISO 8601 basic format', async () => {
      for (const bad of ['2024-01-02T03:00:00Z', '20240230T030000Z', '20240102T030000']) {
        const req = withHeader(signForTest(), 'x-amz-date', () => bad);
        await rejectsWith(
          testVerifier().verify(req),
          'IncompleteSignatureException',
          `Date must be in ISO-8601 'basic format'. Got '${bad}'. See http://en.wikipedia.org/wiki/ISO_8601`,
        );
      }
    });

    it('requires host and the date header among the signed headers', async () => {
      await rejectsWith(
        testVerifier().verify(signForTest({ sign: ['content-type', 'x-amz-date', 'x-amz-target'] })),
        'IncompleteSignatureException',
        "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      );
      await rejectsWith(
        testVerifier().verify(signForTest({ sign: ['content-type', 'host', 'x-amz-target'] })),
        'IncompleteSignatureException',
        "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
      );
    });

    it('refuses more than one Authorization header', async () => {
      const req = signForTest();
      const twice = { ...req, rawHeaders: [...req.rawHeaders, ...req.rawHeaders.slice(-2)] };
      await rejectsWith(
        testVerifier().verify(twice),
        'IncompleteSignatureException',
        'Only one Authorization header is allowed.',
      );
    });
  });

  it('accepts the time in a Date header when there is no x-amz-date, and requires it signed', async () => {
    await testVerifier().verify(signForTest({ httpDate: true }));
    await rejectsWith(
      testVerifier().verify(signForTest({ httpDate: true, sign: ['content-type', 'host', 'x-amz-target'] })),
      'IncompleteSignatureException',
      "'Date' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  describe('signature comparison', () => {
    it('refuses a signature of the wrong length, with trailing junk, or not hex', async () => {
      const req = signForTest();
      const signature = parseSignedRequest(req).signature;
      for (const forged of [
        signature.slice(0, 62),
        `${signature}00`,
        `${signature}zz`,
        `${signature.slice(0, 62)}zz`,
      ]) {
        const changed = withHeader(req, 'authorization', (value) => value.replace(signature, forged));
        await rejectsWith(testVerifier().verify(changed), 'InvalidSignatureException', mismatch);
      }
    });

    it('refuses a request that lacks a header it claims to have signed', async () => {
      const req = signForTest();
      const withoutTarget = {
        ...req,
        rawHeaders: req.rawHeaders.filter((_, i, all) => all[i - (i % 2)] !== 'x-amz-target'),
      };
      await rejectsWith(testVerifier().verify(withoutTarget), 'InvalidSignatureException', mismatch);
    });
  });

  describe('x-amz-content-sha256', () => {
    it('refuses a body that differs from the signed hash claim', async () => {
      const req = signForTest({ extraHeaders: { 'x-amz-content-sha256': sha256Hex(kmsBody) } });
      await testVerifier().verify(req);
      const swapped = { ...req, body: Buffer.from('{"KeyId":"alias/other"}') };
      await rejectsWith(testVerifier().verify(swapped), 'InvalidSignatureException', contentHashMismatch);
    });

    it('refuses a wrong hash claim even when it is not signed', async () => {
      const req = signForTest();
      const claimed = { ...req, rawHeaders: [...req.rawHeaders, 'X-Amz-Content-Sha256', sha256Hex('something else')] };
      await rejectsWith(testVerifier().verify(claimed), 'InvalidSignatureException', contentHashMismatch);
    });

    it('refuses UNSIGNED-PAYLOAD: the body is always hashed', async () => {
      const req = signForTest({ extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
      await rejectsWith(testVerifier().verify(req), 'InvalidSignatureException', contentHashMismatch);
    });
  });

  describe('presigned query', () => {
    it('accepts a presigned request within its validity', async () => {
      const token = 'session/token+value==';
      const verified = await testVerifier(signedAt + 300_000).verify(
        signForTest({ presignSeconds: 300, sessionToken: token }),
      );
      assert.deepEqual(verified, {
        principal: undefined,
        signedHeaders: verified.signedHeaders,
        accessKeyId,
        region: 'us-east-1',
        service: 'kms',
        date: '20240102',
        securityToken: token,
      });
    });

    it('refuses an expired presigned request', async () => {
      await rejectsWith(
        testVerifier(signedAt + 301_000).verify(signForTest({ presignSeconds: 300 })),
        'InvalidSignatureException',
        'Signature expired: 20240102T030000Z is now earlier than 20240102T030001Z (20240102T030501Z - 5 min.)',
      );
    });

    it('refuses a presigned request whose parameters changed', async () => {
      const req = signForTest({ presignSeconds: 300 });
      const longer = { ...req, rawPath: req.rawPath.replace('X-Amz-Expires=300', 'X-Amz-Expires=600') };
      await rejectsWith(testVerifier().verify(longer), 'InvalidSignatureException', mismatch);
      const extra = { ...req, rawPath: `${req.rawPath}&Action=ScheduleKeyDeletion` };
      await rejectsWith(testVerifier().verify(extra), 'InvalidSignatureException', mismatch);
    });

    it('names every missing presign parameter', async () => {
      await rejectsWith(
        testVerifier().verify({
          method: 'GET',
          rawPath: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256',
          rawHeaders: ['Host', 'kms'],
          body: Buffer.alloc(0),
        }),
        'IncompleteSignatureException',
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include " +
          "'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string " +
          "parameters must include 'X-Amz-Date'. AWS query-string parameters must include 'X-Amz-Expires'. " +
          'Re-examine the query-string parameters.',
      );
    });

    it('refuses an X-Amz-Expires outside 1 second to 7 days', async () => {
      for (const seconds of [0, 604_801]) {
        await rejectsWith(
          testVerifier().verify(signForTest({ presignSeconds: seconds })),
          'IncompleteSignatureException',
        );
      }
    });
  });

  describe('signing keys', () => {
    it('calls lookupSecret on every request, so a deleted key stops working at once', async () => {
      const verifier = testVerifier();
      await verifier.verify(signForTest());
      await verifier.verify(signForTest());
      assert.deepEqual(verifier.lookups, [accessKeyId, accessKeyId]);
      verifier.secret = undefined;
      await rejectsWith(verifier.verify(signForTest()), 'UnrecognizedClientException');
    });

    it('does not reuse a cached signing key once the secret changes', async () => {
      const verifier = testVerifier();
      await verifier.verify(signForTest());
      verifier.secret = 'a rotated secret that is not the old one';
      await rejectsWith(verifier.verify(signForTest()), 'InvalidSignatureException', mismatch);
      await verifier.verify(signForTest({ secret: verifier.secret }));
    });
  });
});

describe('SigningKeyCache', () => {
  const scope = { accessKeyId, date: '20240102', region: 'us-east-1', service: 'kms' };
  const secret = Buffer.from(secretAccessKey);

  it('derives the key AWS documents (kSigning over date, Region, service, aws4_request)', () => {
    let expected = Buffer.from(`AWS4${secretAccessKey}`);
    for (const part of ['20240102', 'us-east-1', 'kms', 'aws4_request']) {
      expected = createHmac('sha256', expected).update(part).digest();
    }
    assert.deepEqual(new SigningKeyCache().signingKey(scope, secret), expected);
  });

  it('reuses the derived key while the secret is the same bytes', () => {
    const cache = new SigningKeyCache();
    const first = cache.signingKey(scope, secret);
    assert.equal(cache.signingKey(scope, Buffer.from(secretAccessKey)), first);
    const rotated = cache.signingKey(scope, Buffer.from('another secret'));
    assert.notEqual(rotated, first);
    assert.notDeepEqual(rotated, first);
  });

  it('keeps its own copy of the secret', () => {
    const cache = new SigningKeyCache();
    const handedIn = Buffer.from(secretAccessKey);
    const first = cache.signingKey(scope, handedIn);
    handedIn.fill(0);
    assert.equal(cache.signingKey(scope, secret), first);
  });

  it('is bounded and evicts the oldest entry first', () => {
    const cache = new SigningKeyCache(2);
    const oldest = cache.signingKey(scope, secret);
    const middle = cache.signingKey({ ...scope, date: '20240103' }, secret);
    cache.signingKey({ ...scope, date: '20240104' }, secret);
    assert.equal(cache.size, 2);
    assert.equal(cache.signingKey({ ...scope, date: '20240103' }, secret), middle);
    assert.notEqual(cache.signingKey(scope, secret), oldest);
  });
});

describe('canonical request pieces', () => {
  it('parses Authorization parts in any order and with any spacing', () => {
    assert.deepEqual(parseAuthorization('AWS4-HMAC-SHA256 Signature=ab,SignedHeaders=host ,  Credential=A/b/c/d/e'), {
      algorithm: 'AWS4-HMAC-SHA256',
      credential: 'A/b/c/d/e',
      signedHeaders: 'host',
      signature: 'ab',
    });
    assert.deepEqual(parseAuthorization('AWS4-HMAC-SHA256 Credential=, Signature'), {
      algorithm: 'AWS4-HMAC-SHA256',
      credential: undefined,
      signedHeaders: undefined,
      signature: undefined,
    });
  });

  it('encodes the path once more on top of its wire encoding, for services other than S3', () => {
    assert.equal(canonicalUri('/a%20b/c', true), '/a%2520b/c');
    assert.equal(canonicalUri('/a/./b/../c//', true), '/a/c/');
    assert.equal(canonicalUri('/a/./b/../c//', false), '/a/./b/../c//');
    assert.equal(canonicalUri('', true), '/');
  });

  it('encodes UTF-8 and everything but unreserved characters, upper-case hex', () => {
    assert.equal(uriEncode('-._~AZaz09'), '-._~AZaz09');
    assert.equal(uriEncode("a b+c/d=e*!'()é"), 'a%20b%2Bc%2Fd%3De%2A%21%27%28%29%C3%A9');
  });

  it('trims header values and collapses runs of spaces and tabs', () => {
    assert.equal(trimAll('  a \t  b  c\t'), 'a b c');
    assert.equal(trimAll('plain value'), 'plain value');
    assert.equal(trimAll(' \t '), '');
  });

  it('sorts query parameters by encoded name, then value, and keeps empty values', () => {
    const signed = parseSignedRequest(signForTest());
    const canonical = canonicalRequest({
      ...signed,
      query: [
        ['b', '2'],
        ['a', 'z'],
        ['a', 'y'],
        ['empty', ''],
        ['é', 'x y'],
      ],
      payloadHash: 'hash',
    });
    assert.equal(canonical.split('\n')[2], '%C3%A9=x%20y&a=y&a=z&b=2&empty=');
  });
});

// ---------------------------------------------------------------------------------------------------
// Round trip with the AWS SDK's own signer, when it is installed (it comes with @aws-sdk/client-kms).
// ---------------------------------------------------------------------------------------------------

interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
}

interface SmithySigner {
  sign(request: SmithyRequest, options: { signingDate: Date }): Promise<SmithyRequest>;
  presign(request: SmithyRequest, options: { signingDate: Date; expiresIn: number }): Promise<SmithyRequest>;
}

interface SmithyModule {
  SignatureV4: new (init: {
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    region: string;
    service: string;
    sha256: typeof NodeSha256;
  }) => SmithySigner;
}

/** The hash constructor the smithy signer asks for, over node:crypto. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }

  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

async function importSmithy(): Promise<SmithyModule | undefined> {
  // A variable specifier keeps the type checker from requiring the package; it is a transitive dependency.
  const specifier = '@smithy/signature-v4';
  try {
    return (await import(specifier)) as SmithyModule;
  } catch {
    return undefined;
  }
}

const smithy = await importSmithy();

describe('round trip with @smithy/signature-v4', { skip: !smithy && '@smithy/signature-v4 is not importable' }, () => {
  const now = Date.now();
  const request = (): SmithyRequest => ({
    method: 'POST',
    protocol: 'https:',
    hostname: 'localhost',
    path: '/',
    headers: {
      host: 'localhost:8443',
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.Encrypt',
      'X-Odd-Spacing': '  several   spaces\tand a tab  ',
      'x-MiXeD-CaSe': 'Value',
    },
    body: kmsBody,
  });
  const signer = (sessionToken?: string, region = 'us-east-1') =>
    new smithy!.SignatureV4({
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
      region,
      service: 'kms',
      sha256: NodeSha256,
    });
  const received = (signed: SmithyRequest): ReceivedRequest => {
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
      .join('&');
    return {
      method: signed.method,
      rawPath: query === '' ? signed.path : `${signed.path}?${query}`,
      rawHeaders: Object.entries(signed.headers).flat(),
      body: Buffer.from(signed.body ?? ''),
    };
  };

  it('verifies a request the SDK signed for kms just now', async () => {
    const signed = await signer(undefined, 'ap-southeast-2').sign(request(), { signingDate: new Date(now) });
    const verified = await testVerifier(now).verify(received(signed));
    assert.equal(verified.region, 'ap-southeast-2');
    assert.equal(verified.service, 'kms');
    assert.equal(verified.securityToken, undefined);
  });

  it('verifies a request signed with a session token and returns the token', async () => {
    const signed = await signer('session-token/abc+def==').sign(request(), { signingDate: new Date(now) });
    assert.equal((await testVerifier(now).verify(received(signed))).securityToken, 'session-token/abc+def==');
  });

  it('verifies a presigned request, and refuses it once expired', async () => {
    const presigned = received(await signer().presign(request(), { signingDate: new Date(now), expiresIn: 60 }));
    await testVerifier(now + 30_000).verify(presigned);
    await rejectsWith(testVerifier(now + 61_000).verify(presigned), 'InvalidSignatureException');
  });

  it('refuses the SDK-signed request once its body changes', async () => {
    const signed = received(await signer().sign(request(), { signingDate: new Date(now) }));
    await rejectsWith(
      testVerifier(now).verify({ ...signed, body: Buffer.from('{"KeyId":"alias/other"}') }),
      'InvalidSignatureException',
      contentHashMismatch,
    );
  });
});
