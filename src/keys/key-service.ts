import { kmsError, messages } from '../errors/catalogue.js';
import { type KeyStore, KeyStoreAuthenticationFailed } from '../keystores/port.js';
import type { KeyUsageStore } from '../persistence/key-usage-port.js';
import type { GrantRecord, KeyRecord, Persistence, Scope, Tag } from '../persistence/port.js';
import type { Clock } from '../shared/clock.js';
import { KEY_USAGE_TRACKING_START, type KeyUsage } from '../shared/key-usage.js';
import { PreconditionFailed } from '../shared/needs.js';
import type { Random } from '../shared/random.js';
import { arnOf, type KeyReference, keyArn, parseKeyReference } from './arn.js';
import { type BlobHeader, blobAad, type ParsedBlob, parseBlob, serializeBlob } from './ciphertext-blob.js';
import { requireUsable } from './key-state.js';
import { MAX_TAGS_PER_KEY } from './tags.js';

export type EncryptionContext = Readonly<Record<string, string>>;

/** More grants than this for one grantee on one key are not read for a decision (AWS allows 50,000 per key). */
const MAX_GRANTS_PER_GRANTEE = 1_000;
/** AWS evaluates kms:ResourceAliases over at most 50 of a key's aliases. */
const MAX_ALIASES_IN_CONDITION = 50;

export interface NewKey {
  /** Chosen by the caller when it must know the ARN before the key exists (CreateKey's policy check). */
  readonly keyId: string;
  readonly description: string;
  readonly policy: string;
  readonly tags: readonly Tag[];
}

/** Which forms of KeyId an operation accepts: AWS allows aliases only where a key is used, not managed. */
export type KeyNaming = 'keyOrAlias' | 'keyOnly';

export interface KeysDependencies {
  readonly persistence: Persistence;
  /** The last use of each key, derived from the audit trail (GetKeyLastUsage). */
  readonly keyUsage: KeyUsageStore;
  readonly keyStore: KeyStore;
  readonly clock: Clock;
  readonly random: Random;
}

/**
 * The key domain: finding keys by any name AWS allows, creating them, and the symmetric cryptography
 * of the ciphertext blob. Operations call this; it calls the ports.
 */
export class Keys {
  constructor(private readonly deps: KeysDependencies) {}

  get persistence(): Persistence {
    return this.deps.persistence;
  }

  now(): number {
    return this.deps.clock.now();
  }

  randomBytes(length: number): Buffer {
    return this.deps.random.bytes(length);
  }

  /** The grants on `key` whose grantee is `principalArn` (authorization reads them when the policy does not allow). */
  grantsFor(key: KeyRecord, principalArn: string): Promise<GrantRecord[]> {
    return this.deps.persistence.listGrants(
      key,
      key.keyId,
      { limit: MAX_GRANTS_PER_GRANTEE },
      { granteePrincipal: principalArn },
    );
  }

  /**
   * What GetKeyLastUsage reports: the key's last tracked use, if any, and when tracking began for it (the later
   * of the key's creation and the day this data dir began tracking, as AWS defines TrackingStartDate).
   */
  async lastUsage(key: KeyRecord): Promise<{ usage: KeyUsage | undefined; trackingStart: number }> {
    const [usage, trackingSince] = await Promise.all([
      this.deps.keyUsage.find(key.keyId),
      this.deps.persistence.getSetting(KEY_USAGE_TRACKING_START),
    ]);
    return { usage, trackingStart: Math.max(key.createdAt, Number(trackingSince ?? key.createdAt)) };
  }

  /**
   * aws:ResourceTag/<key> for each of the key's tags and kms:ResourceAliases for its aliases, as AWS supplies
   * them for operations on the key. Aliases are read up to AWS's per-key quota of them that policies see.
   */
  async resourceConditions(key: KeyRecord): Promise<Map<string, readonly string[]>> {
    const [tags, aliases] = await Promise.all([
      this.deps.persistence.listTags(key, key.keyId, { limit: MAX_TAGS_PER_KEY }),
      this.deps.persistence.listAliases(key, { limit: MAX_ALIASES_IN_CONDITION }, key.keyId),
    ]);
    const values = new Map<string, readonly string[]>();
    for (const tag of tags) values.set(`aws:resourcetag/${tag.TagKey.toLowerCase()}`, [tag.TagValue]);
    if (aliases.length > 0)
      values.set(
        'kms:resourcealiases',
        aliases.map((alias) => alias.aliasName),
      );
    return values;
  }

  /** Finds the key a KeyId parameter names, or throws NotFoundException as AWS words it. */
  async resolve(scope: Scope, keyIdParameter: string, naming: KeyNaming): Promise<KeyRecord> {
    const reference = parseKeyReference(keyIdParameter);
    const key = await this.find(scope, reference, naming);
    if (key) return key;
    if (reference.kind === 'keyId')
      throw kmsError('NotFoundException', messages.keyNotFound(keyArn(scope, reference.keyId)));
    if (reference.kind === 'keyArn') throw kmsError('NotFoundException', messages.keyNotFound(keyIdParameter));
    throw kmsError('NotFoundException', messages.invalidKeyId(keyIdParameter));
  }

  private async find(scope: Scope, reference: KeyReference, naming: KeyNaming): Promise<KeyRecord | undefined> {
    const { persistence } = this.deps;
    switch (reference.kind) {
      case 'keyId':
        return persistence.findKey(scope, reference.keyId);
      case 'keyArn':
        // A single-Region key exists only in its Region: its ARN names nothing from another one.
        return reference.scope.region === scope.region
          ? persistence.findKey(reference.scope, reference.keyId)
          : undefined;
      case 'aliasName':
      case 'aliasArn': {
        if (naming === 'keyOnly') return undefined;
        const aliasScope = reference.kind === 'aliasArn' ? reference.scope : scope;
        const alias =
          aliasScope.region === scope.region ? await persistence.findAlias(aliasScope, reference.aliasName) : undefined;
        if (!alias) {
          const arn = `arn:aws:kms:${aliasScope.region}:${aliasScope.accountId}:${reference.aliasName}`;
          throw kmsError('NotFoundException', messages.aliasNotFound(arn));
        }
        return persistence.findKey(aliasScope, alias.targetKeyId);
      }
      case 'invalid':
        return undefined;
    }
  }

  async create(scope: Scope, request: NewKey): Promise<KeyRecord> {
    const { keyStore, persistence } = this.deps;
    const { keyId } = request;
    const createdAt = this.now();
    const handle = await keyStore.createBackingKey({ keyId, version: 1 });
    const key: KeyRecord = {
      accountId: scope.accountId,
      region: scope.region,
      keyId,
      createdAt,
      description: request.description,
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      origin: 'AWS_KMS',
      multiRegion: false,
      policy: request.policy,
      state: 'Enabled',
      deletionDate: null,
      pendingWindowInDays: null,
      keyStore: keyStore.name,
      currentBackingVersion: 1,
    };
    await persistence.insertKey(key, { keyId, version: 1, createdAt, keyStore: keyStore.name, handle }, request.tags);
    return key;
  }

  /** Seals plaintext under the key's current backing key, binding the header and the encryption context. */
  async encrypt(key: KeyRecord, plaintext: Uint8Array, context: EncryptionContext | undefined): Promise<Buffer> {
    requireUsable(key);
    const header = { keyArn: arnOf(key), backingVersion: key.currentBackingVersion };
    const backing = await this.deps.persistence.findBackingKey(key.keyId, key.currentBackingVersion);
    if (!backing) throw new Error(`backing key ${key.keyId} v${key.currentBackingVersion} is missing`);
    const ref = { keyId: key.keyId, version: backing.version };
    const sealed = await this.deps.keyStore.encrypt(ref, backing.handle, plaintext, aadOf(header, context));
    return serializeBlob(header, sealed);
  }

  /** Reads the blob's header without decrypting: Decrypt's key comes from the blob. */
  parseCiphertext(blob: Uint8Array): ParsedBlob {
    try {
      return parseBlob(blob);
    } catch (error) {
      if (error instanceof PreconditionFailed) throw invalidCiphertext();
      throw error;
    }
  }

  /** The key a ciphertext names, in the scope its ARN names. */
  async keyOfCiphertext(scope: Scope, parsed: ParsedBlob): Promise<KeyRecord> {
    const reference = parseKeyReference(parsed.keyArn);
    // A ciphertext made in another Region is not one this Region can open.
    if (reference.kind !== 'keyArn' || reference.scope.region !== scope.region) throw invalidCiphertext();
    const key = await this.deps.persistence.findKey(reference.scope, reference.keyId);
    if (!key) throw kmsError('NotFoundException', messages.keyNotFound(parsed.keyArn));
    return key;
  }

  /** Opens a ciphertext of `key`; any mismatch of bytes, header or context is InvalidCiphertextException. */
  async decrypt(key: KeyRecord, parsed: ParsedBlob, context: EncryptionContext | undefined): Promise<Buffer> {
    requireUsable(key);
    const backing = await this.deps.persistence.findBackingKey(key.keyId, parsed.backingVersion);
    if (!backing) throw invalidCiphertext();
    const ref = { keyId: key.keyId, version: backing.version };
    try {
      return await this.deps.keyStore.decrypt(ref, backing.handle, parsed, aadOf(parsed, context));
    } catch (error) {
      if (error instanceof KeyStoreAuthenticationFailed) throw invalidCiphertext();
      throw error;
    }
  }
}

/** The blob's AAD; a context that cannot be encoded (a lone surrogate is not UTF-8) is the caller's error. */
function aadOf(header: BlobHeader, context: EncryptionContext | undefined): Buffer {
  try {
    return blobAad(header, context);
  } catch (error) {
    if (error instanceof PreconditionFailed) {
      throw kmsError('ValidationException', 'Encryption context keys and values must be valid Unicode strings.');
    }
    throw error;
  }
}

/** AWS sends InvalidCiphertextException without a message: nothing about why a ciphertext failed leaks. */
function invalidCiphertext() {
  return kmsError('InvalidCiphertextException');
}
