import { kmsError } from '../errors/catalogue.js';
import type { KeyStore } from '../keystores/port.js';
import type { Persistence } from '../persistence/port.js';
import type { Caller } from '../shared/caller.js';
import type { Clock } from '../shared/clock.js';
import { createSigV4Verifier, type ReceivedRequest } from './sigv4.js';

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

/** The context an access key's secret is sealed under: a sealed secret moved to another key id fails to open. */
export function accessKeySecretContext(accessKeyId: string): string {
  return `trent/access-key-secret/${accessKeyId}`;
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
 * Who sent the request: verifies SigV4 against the stored access key and turns the key into a Caller.
 * The key is looked up on every request (through the store's read cache, which every change to an
 * access key passes), so a deactivated or deleted key stops working at once.
 */
export function createAuthenticator(
  deps: AuthenticatorDependencies,
): (request: ReceivedRequest) => Promise<Authenticated> {
  const opened = new OpenedSecrets(deps.keyStore);
  const verifier = createSigV4Verifier<Caller>({
    clock: deps.clock,
    expectedService: 'kms',
    async lookupSecret(accessKeyId) {
      const record = await deps.persistence.findAccessKey(accessKeyId);
      if (record?.status !== 'Active') return undefined;
      const secret = await opened.open(accessKeyId, record.sealedSecret);
      const principal: Caller = {
        accountId: record.accountId,
        arn: record.principalArn,
        type: record.principalType,
        principalId: record.principalId,
        accessKeyId: record.accessKeyId,
      };
      return { accessKeyId, secretAccessKey: secret, principal };
    },
  });
  return async (request) => {
    const verified = await verifier.verify(request);
    requireSignedSemantics(request, verified.signedHeaders);
    // Trent issues no session credentials yet, so no session token can be valid: refuse rather than ignore it.
    if (verified.securityToken !== undefined) {
      throw kmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    return { caller: verified.principal, region: verified.region };
  };
}
