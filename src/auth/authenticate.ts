import { kmsError } from '../errors/catalogue.js';
import { accessKeySecretContext } from '../identities/credentials.js';
import { isSessionAccessKeyId, openSession, type SessionClaims } from '../identities/sessions.js';
import type { KeyStore } from '../keystores/port.js';
import type { AccessKeyRecord, Persistence } from '../persistence/port.js';
import type { Caller } from '../shared/caller.js';
import type { Clock } from '../shared/clock.js';
import { createSigV4Verifier, type ReceivedRequest, type SigV4Verifier } from './sigv4.js';

export interface Authenticated {
  readonly caller: Caller;
  /** The Region the request names in its SigV4 credential scope. */
  readonly region: string;
}

export interface AuthenticatorDependencies {
  readonly persistence: Persistence;
  readonly keyStore: KeyStore;
  readonly clock: Clock;
}

/**
 * Headers that choose what a request does. The body is signed, but an operation is named by X-Amz-Target:
 * were it unsigned, a captured request (or a presigned URL) could be replayed as another operation whose
 * input has the same members, e.g. a DescribeKey as a ScheduleKeyDeletion.
 */
const MUST_BE_SIGNED = ['x-amz-target', 'content-type'];

function requireSignedSemantics(request: ReceivedRequest, signedHeaders: readonly string[]): void {
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] as string).toLowerCase();
    if (MUST_BE_SIGNED.includes(name) && !signedHeaders.includes(name)) {
      throw kmsError('IncompleteSignatureException', `The ${name} header must be signed: add it to SignedHeaders.`);
    }
  }
}

/**
 * Opening a sealed secret costs an AES-GCM decryption per request; the plaintext is reused while the
 * sealed bytes stored for the key are unchanged (a new secret means new sealed bytes).
 */
class OpenedSecrets {
  private readonly secrets = new Map<string, { sealed: Buffer; secret: Buffer }>();

  constructor(
    private readonly keyStore: KeyStore,
    private readonly capacity = 10_000,
  ) {}

  async open(accessKeyId: string, sealed: Uint8Array): Promise<Buffer> {
    const known = this.secrets.get(accessKeyId);
    if (known?.sealed.equals(sealed)) return known.secret;
    const secret = await this.keyStore.openSecret(accessKeySecretContext(accessKeyId), sealed);
    if (this.secrets.size >= this.capacity) this.secrets.clear();
    this.secrets.set(accessKeyId, { sealed: Buffer.from(sealed), secret });
    return secret;
  }
}

/**
 * Opening a session token costs a key derivation and an AES-GCM decryption per request; what a token carries
 * never changes, so its claims are reused (expiry and the role are still checked on every request). Keyed by
 * the whole token, which only its holder can present; a token shown with another access key id is refused.
 */
class OpenedSessions {
  private readonly claims = new Map<string, SessionClaims>();

  constructor(
    private readonly keyStore: KeyStore,
    private readonly capacity = 10_000,
  ) {}

  async open(accessKeyId: string, token: string): Promise<SessionClaims | undefined> {
    const known = this.claims.get(token);
    if (known !== undefined) return known.accessKeyId === accessKeyId ? known : undefined;
    const claims = await openSession(this.keyStore, accessKeyId, token);
    if (claims === undefined) return undefined;
    if (this.claims.size >= this.capacity) this.claims.clear();
    this.claims.set(token, claims);
    return claims;
  }
}

/** The services a request may be signed for on Trent's endpoint; each has its own API and error dialect. */
export type SignedService = 'kms' | 'iam' | 'sts';

const SIGNED_SERVICES: readonly SignedService[] = ['kms', 'iam', 'sts'];

const invalidToken = () =>
  kmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');

/** The last segment of a user or role ARN: its name, the path left out. */
function nameInArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function longTermCaller(record: AccessKeyRecord): Caller {
  const caller: Caller = {
    accountId: record.accountId,
    arn: record.principalArn,
    type: record.principalType,
    principalId: record.principalId,
    accessKeyId: record.accessKeyId,
  };
  return record.principalType === 'IAMUser' ? { ...caller, userName: nameInArn(record.principalArn) } : caller;
}

function sessionCaller(claims: SessionClaims): Caller {
  const { accountId, accessKeyId, secretAccessKey: _secret, ...session } = claims;
  return {
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/${claims.roleName}/${claims.sessionName}`,
    type: 'AssumedRole',
    principalId: `${claims.roleId}:${claims.sessionName}`,
    accessKeyId,
    session,
  };
}

/**
 * Who sent the request: verifies SigV4 against the stored access key, or against the secret an STS session
 * token carries, and turns the key into a Caller. Long-term keys are looked up on every request (through the
 * store's read cache, which every change to an access key passes), so a deactivated or deleted key stops
 * working at once; a session is checked for expiry and for its role still existing on every request.
 */
export function createAuthenticator(
  deps: AuthenticatorDependencies,
): (request: ReceivedRequest, service: SignedService) => Promise<Authenticated> {
  const opened = new OpenedSecrets(deps.keyStore);
  const sessions = new OpenedSessions(deps.keyStore);

  async function sessionSecret(accessKeyId: string, token: string | undefined) {
    const claims = token === undefined ? undefined : await sessions.open(accessKeyId, token);
    if (claims === undefined) throw invalidToken();
    if (deps.clock.now() >= claims.expiresAt) {
      throw kmsError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    const role = await deps.persistence.findRole(claims.accountId, claims.roleName);
    if (role?.roleId !== claims.roleId) throw invalidToken();
    const secretAccessKey = Buffer.from(claims.secretAccessKey, 'utf8');
    return { accessKeyId, secretAccessKey, principal: sessionCaller(claims) };
  }

  async function longTermSecret(accessKeyId: string, token: string | undefined) {
    // A session token beside a long-term key means the client mixed up credentials: refuse rather than ignore it.
    if (token !== undefined) throw invalidToken();
    const record = await deps.persistence.findAccessKey(accessKeyId);
    if (record?.status !== 'Active') return undefined;
    const secret = await opened.open(accessKeyId, record.sealedSecret);
    return { accessKeyId, secretAccessKey: secret, principal: longTermCaller(record) };
  }

  const verifiers = new Map(
    SIGNED_SERVICES.map((service) => [
      service,
      createSigV4Verifier<Caller>({
        clock: deps.clock,
        expectedService: service,
        lookupSecret: (accessKeyId, token) =>
          isSessionAccessKeyId(accessKeyId) ? sessionSecret(accessKeyId, token) : longTermSecret(accessKeyId, token),
      }),
    ]),
  );
  return async (request, service) => {
    const verified = await (verifiers.get(service) as SigV4Verifier<Caller>).verify(request);
    requireSignedSemantics(request, verified.signedHeaders);
    return { caller: verified.principal, region: verified.region };
  };
}
