import { kmsError } from '../errors/catalogue.js';
import { accessKeySecretContext, newAccessKeyId, newSecretAccessKey } from '../identities/credentials.js';
import { isSessionAccessKeyId } from '../identities/sessions.js';
import type { KeyStore } from '../keystores/port.js';
import type { Persistence } from '../persistence/port.js';
import type { Random } from '../shared/random.js';

export { newAccessKeyId, newSecretAccessKey } from '../identities/credentials.js';

export interface AdminCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const ACCESS_KEY_ID = /^[A-Za-z0-9_]{16,128}$/;

/** Checks credentials chosen through TRENT_ADMIN_ACCESS_KEY_ID / TRENT_ADMIN_SECRET_ACCESS_KEY. */
export function checkChosenCredentials(credentials: AdminCredentials): void {
  if (isSessionAccessKeyId(credentials.accessKeyId)) {
    throw new Error('TRENT_ADMIN_ACCESS_KEY_ID must not start with ASIA: that prefix marks STS session keys.');
  }
  if (!ACCESS_KEY_ID.test(credentials.accessKeyId)) {
    throw new Error('TRENT_ADMIN_ACCESS_KEY_ID must be 16 to 128 characters of letters, digits and underscores.');
  }
  if (credentials.secretAccessKey.length < 16) {
    throw new Error('TRENT_ADMIN_SECRET_ACCESS_KEY must be at least 16 characters.');
  }
}

/** A random 12-digit AWS account id. */
export function newAccountId(random: Random): string {
  const digits = Array.from(random.bytes(12), (byte) => String(byte % 10)).join('');
  return digits.startsWith('0') ? `1${digits.slice(1)}` : digits;
}

/**
 * Creates the account and its root user's access key in one transaction; the secret is stored only
 * sealed under the root key.
 */
export async function provisionAccount(
  deps: { persistence: Persistence; keyStore: KeyStore; now: number },
  accountId: string,
  credentials: AdminCredentials,
): Promise<void> {
  const sealedSecret = await deps.keyStore.sealSecret(
    accessKeySecretContext(credentials.accessKeyId),
    Buffer.from(credentials.secretAccessKey, 'utf8'),
  );
  await deps.persistence.insertAccount(
    { accountId, createdAt: deps.now },
    {
      accessKeyId: credentials.accessKeyId,
      accountId,
      principalArn: `arn:aws:iam::${accountId}:root`,
      principalType: 'Root',
      principalId: accountId,
      sealedSecret,
      status: 'Active',
      createdAt: deps.now,
    },
  );
}

const taken = (accountId: string) => kmsError('AlreadyExistsException', `Account ${accountId} already exists.`);

/**
 * Another account on this Trent (TrentAdmin.CreateAccount): the given id or a new random one, with a new root
 * access key whose secret is returned once and stored only sealed.
 */
export async function createAccount(
  deps: { persistence: Persistence; keyStore: KeyStore; random: Random; now: number },
  requestedId: string | undefined,
): Promise<{ accountId: string } & AdminCredentials> {
  const accountId = requestedId ?? newAccountId(deps.random);
  if (await deps.persistence.getAccount(accountId)) throw taken(accountId);
  const credentials = { accessKeyId: newAccessKeyId(deps.random), secretAccessKey: newSecretAccessKey(deps.random) };
  try {
    await provisionAccount(deps, accountId, credentials);
  } catch (error) {
    // Two calls asking for the same id at once: the loser sees the winner's account.
    if (await deps.persistence.getAccount(accountId)) throw taken(accountId);
    throw error;
  }
  return { accountId, ...credentials };
}
