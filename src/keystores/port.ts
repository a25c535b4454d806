/**
 * The key-store port: where key material lives and where it is used. The software store keeps backing keys
 * wrapped under the root key; a PKCS#11 HSM or an external key manager (XKS) keep them inside and do the
 * cryptography themselves. Either way the rest of Trent holds only an opaque `handle` per backing key.
 */

export interface BackingKeyRef {
  readonly keyId: string;
  readonly version: number;
}

/** AES-GCM output of a key store: `nonce` is store-defined (the software store: 16-byte salt + 12-byte IV). */
export interface Sealed {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

export interface KeyStore {
  /** Stored in KeyRecord.keyStore / BackingKeyRecord.keyStore. */
  readonly name: string;
  /** Throws when the store cannot encrypt and decrypt (root key not loaded, HSM gone): for /readyz. */
  healthCheck(): Promise<void>;
  /** Makes a new 256-bit symmetric backing key bound to `ref`; returns the handle to persist. */
  createBackingKey(ref: BackingKeyRef): Promise<Uint8Array>;
  /** AES-256-GCM under the backing key, authenticating `aad`. */
  encrypt(ref: BackingKeyRef, handle: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Sealed>;
  /** Throws KeyStoreAuthenticationFailed when the tag, nonce, aad or handle do not match. */
  decrypt(ref: BackingKeyRef, handle: Uint8Array, sealed: Sealed, aad: Uint8Array): Promise<Buffer>;
  /** Seals a small secret (an access key's secret) under the root key, bound to `context`. */
  sealSecret(context: string, secret: Uint8Array): Promise<Uint8Array>;
  openSecret(context: string, sealed: Uint8Array): Promise<Buffer>;
}

/** Authentication of a ciphertext or handle failed: the caller maps it to InvalidCiphertextException. */
export class KeyStoreAuthenticationFailed extends Error {
  override readonly name = 'KeyStoreAuthenticationFailed';
}
