/**
 * The software key store: backing keys are random 256-bit keys wrapped under a sub-key of the root key and
 * persisted as opaque handles; the cryptography runs in this process.
 *
 * Formats (pinned by golden values in the tests):
 *   handle      0x01 || 12-byte IV || 32-byte wrapped key || 16-byte tag
 *               AES-256-GCM under HKDF(root, -, 'trent/backing-key-wrap/v1'),
 *               AAD = lengthPrefixed('trent/backing-key/v1') || lengthPrefixed(keyId) || u32 version,
 *               so a handle moved to another key or version fails closed.
 *   data nonce  16-byte salt || 12-byte IV. Each message gets its own AES-256-GCM key,
 *               HKDF(backing key, salt, lengthPrefixed('trent/data-encryption/v1') || lengthPrefixed(keyId) || u32 version),
 *               so random 96-bit IVs never approach GCM's per-key limit however much one key encrypts.
 *   sealed      0x01 || 12-byte IV || ciphertext || 16-byte tag
 *               AES-256-GCM under HKDF(root, -, 'trent/secret-seal/v1'), AAD = lengthPrefixed(context).
 *
 * Key material is never logged.
 */
import {
  AuthenticationFailed,
  aesGcmDecrypt,
  aesGcmEncrypt,
  GCM_IV_LENGTH,
  GCM_TAG_LENGTH,
} from '../../crypto/aes-gcm.js';
import { hkdfSha256 } from '../../crypto/hkdf.js';
import { lengthPrefixed, u32, utf8 } from '../../shared/bytes.js';
import { needs } from '../../shared/needs.js';
import type { Random } from '../../shared/random.js';
import { type BackingKeyRef, type KeyStore, KeyStoreAuthenticationFailed, type Sealed } from '../port.js';

const FORMAT_VERSION = 0x01;
const KEY_LENGTH = 32;
const IV_LENGTH = GCM_IV_LENGTH;
const SALT_LENGTH = 16;
const TAG_LENGTH = GCM_TAG_LENGTH;
const HANDLE_LENGTH = 1 + IV_LENGTH + KEY_LENGTH + TAG_LENGTH;
const NONCE_LENGTH = SALT_LENGTH + IV_LENGTH;
const MAX_KEY_ID_LENGTH = 256;
const DEFAULT_CACHE_ENTRIES = 4096;

const label = {
  wrapKey: utf8('trent/backing-key-wrap/v1'),
  backingKey: lengthPrefixed(utf8('trent/backing-key/v1')),
  dataEncryption: lengthPrefixed(utf8('trent/data-encryption/v1')),
  secretSeal: utf8('trent/secret-seal/v1'),
};

const noSalt = Buffer.alloc(0);

function checkRef(ref: BackingKeyRef): void {
  const keyIdLength = Buffer.byteLength(ref.keyId, 'utf8');
  needs(keyIdLength >= 1 && keyIdLength <= MAX_KEY_ID_LENGTH, `key id must be 1..${MAX_KEY_ID_LENGTH} bytes`);
  needs(Number.isInteger(ref.version) && ref.version >= 0 && ref.version <= 0xffffffff, 'key version must be a u32');
}

/** lengthPrefixed(keyId) || u32 version: how a ref is bound into the handle's AAD and each message key. */
function refBytes(ref: BackingKeyRef): Buffer {
  return Buffer.concat([lengthPrefixed(utf8(ref.keyId)), u32(ref.version)]);
}

/** Runs a decryption, turning an authentication failure into the port's error. */
function failClosed<T>(what: string, decryption: () => T): T {
  try {
    return decryption();
  } catch (error) {
    if (error instanceof AuthenticationFailed) throw new KeyStoreAuthenticationFailed(`${what} did not authenticate`);
    throw error;
  }
}

/** AES-256-GCM with a fresh random IV: version || iv || ciphertext || tag. */
function sealWithIv(key: Buffer, random: Random, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = random.bytes(IV_LENGTH);
  const { ciphertext, tag } = aesGcmEncrypt(key, iv, plaintext, aad);
  return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, ciphertext, tag]);
}

function openWithIv(what: string, key: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < 1 + IV_LENGTH + TAG_LENGTH || bytes[0] !== FORMAT_VERSION) {
    throw new KeyStoreAuthenticationFailed(`${what} is malformed`);
  }
  const iv = bytes.subarray(1, 1 + IV_LENGTH);
  const ciphertext = bytes.subarray(1 + IV_LENGTH, bytes.length - TAG_LENGTH);
  const tag = bytes.subarray(bytes.length - TAG_LENGTH);
  return failClosed(what, () => aesGcmDecrypt(key, iv, ciphertext, tag, aad));
}

/** Unwrapped backing keys, most recently used last; the oldest is dropped (and zeroed) when full. */
function materialCache(maxEntries: number) {
  const entries = new Map<string, Buffer>();
  return {
    get(id: string): Buffer | undefined {
      const material = entries.get(id);
      if (material) {
        entries.delete(id);
        entries.set(id, material);
      }
      return material;
    },
    set(id: string, material: Buffer): void {
      entries.set(id, material);
      for (const [oldest, evicted] of entries) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
        evicted.fill(0);
      }
    },
  };
}

export interface SoftwareKeyStoreOptions {
  /** How many unwrapped backing keys to keep, so the hot path does not unwrap on every call. */
  readonly cacheEntries?: number;
}

export function createSoftwareKeyStore(
  rootKey: Buffer,
  random: Random,
  options: SoftwareKeyStoreOptions = {},
): KeyStore {
  needs(rootKey.length === KEY_LENGTH, `root key must be ${KEY_LENGTH} bytes`);
  const cacheEntries = options.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
  needs(Number.isInteger(cacheEntries) && cacheEntries >= 1, 'cacheEntries must be a positive integer');
  const wrapKey = hkdfSha256(rootKey, noSalt, label.wrapKey, KEY_LENGTH);
  const sealKey = hkdfSha256(rootKey, noSalt, label.secretSeal, KEY_LENGTH);
  const cache = materialCache(cacheEntries);

  const handleAad = (ref: BackingKeyRef) => Buffer.concat([label.backingKey, refBytes(ref)]);

  function wrap(ref: BackingKeyRef, material: Buffer): Buffer {
    return sealWithIv(wrapKey, random, material, handleAad(ref));
  }

  function unwrap(ref: BackingKeyRef, handle: Uint8Array): Buffer {
    // The id holds the whole handle, so a cached key is only ever returned for the exact bytes that
    // authenticated under this ref.
    const id = Buffer.concat([refBytes(ref), handle]).toString('latin1');
    const cached = cache.get(id);
    if (cached) return cached;
    if (handle.length !== HANDLE_LENGTH) throw new KeyStoreAuthenticationFailed('backing-key handle is malformed');
    const material = openWithIv('backing-key handle', wrapKey, handle, handleAad(ref));
    cache.set(id, material);
    return material;
  }

  function messageKey(ref: BackingKeyRef, material: Buffer, salt: Uint8Array): Buffer {
    return hkdfSha256(material, salt, Buffer.concat([label.dataEncryption, refBytes(ref)]), KEY_LENGTH);
  }

  function encrypt(ref: BackingKeyRef, handle: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed {
    checkRef(ref);
    const material = unwrap(ref, handle);
    const nonce = random.bytes(NONCE_LENGTH);
    const key = messageKey(ref, material, nonce.subarray(0, SALT_LENGTH));
    try {
      return { nonce, ...aesGcmEncrypt(key, nonce.subarray(SALT_LENGTH), plaintext, aad) };
    } finally {
      key.fill(0);
    }
  }

  function decrypt(ref: BackingKeyRef, handle: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer {
    checkRef(ref);
    if (sealed.nonce.length !== NONCE_LENGTH) throw new KeyStoreAuthenticationFailed('nonce is malformed');
    const material = unwrap(ref, handle);
    const key = messageKey(ref, material, sealed.nonce.subarray(0, SALT_LENGTH));
    try {
      const iv = sealed.nonce.subarray(SALT_LENGTH);
      return failClosed('ciphertext', () => aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aad));
    } finally {
      key.fill(0);
    }
  }

  const probeRef: BackingKeyRef = { keyId: 'trent/health-check', version: 0 };
  const probeMaterial = random.bytes(KEY_LENGTH);
  const probeHandle = wrap(probeRef, probeMaterial);
  probeMaterial.fill(0);
  const probePlaintext = utf8('trent health check');
  const probeAad = utf8('trent/health-check/v1');

  return {
    name: 'software',

    async healthCheck() {
      const sealed = encrypt(probeRef, probeHandle, probePlaintext, probeAad);
      if (!decrypt(probeRef, probeHandle, sealed, probeAad).equals(probePlaintext)) {
        throw new Error('software key store health check failed: the probe did not round-trip');
      }
    },

    async createBackingKey(ref) {
      checkRef(ref);
      const material = random.bytes(KEY_LENGTH);
      try {
        return wrap(ref, material);
      } finally {
        material.fill(0);
      }
    },

    async encrypt(ref, handle, plaintext, aad) {
      return encrypt(ref, handle, plaintext, aad);
    },

    async decrypt(ref, handle, sealed, aad) {
      return decrypt(ref, handle, sealed, aad);
    },

    async sealSecret(context, secret) {
      return sealWithIv(sealKey, random, secret, lengthPrefixed(utf8(context)));
    },

    async openSecret(context, sealed) {
      return openWithIv('sealed secret', sealKey, sealed, lengthPrefixed(utf8(context)));
    },
  };
}
