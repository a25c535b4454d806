/**
 * AES-GCM (NIST SP 800-38D) with a 128-bit tag, over node:crypto. Bytes in, bytes out: no key ids, no I/O.
 *
 * The tag length is pinned to 16 bytes on both sides: Node 20 otherwise accepts a truncated tag on decrypt,
 * which turns a 128-bit forgery bound into a 32-bit one.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { needs } from '../shared/needs.js';

export const GCM_TAG_LENGTH = 16;
/** The IV length every Trent caller uses; other lengths exist only for interoperability (Wycheproof). */
export const GCM_IV_LENGTH = 12;
/** OpenSSL's upper bound on a GCM IV; longer IVs are legal in SP 800-38D but Node cannot process them. */
const MAX_IV_LENGTH = 128;

/** Decryption failed: wrong key, IV, AAD or tag, tampered ciphertext, or a malformed IV or tag. */
export class AuthenticationFailed extends Error {
  override readonly name = 'AuthenticationFailed';
}

function cipherName(key: Uint8Array): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  needs(key.length === 16 || key.length === 24 || key.length === 32, 'AES-GCM key must be 16, 24 or 32 bytes');
  return `aes-${key.length * 8}-gcm` as 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm';
}

function ivLengthSupported(iv: Uint8Array): boolean {
  return iv.length >= 1 && iv.length <= MAX_IV_LENGTH;
}

export function aesGcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  const algorithm = cipherName(key);
  needs(ivLengthSupported(iv), `AES-GCM IV must be 1..${MAX_IV_LENGTH} bytes`);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Throws AuthenticationFailed unless `tag` authenticates `ciphertext` and `aad` under `key` and `iv`. */
export function aesGcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Buffer {
  const algorithm = cipherName(key);
  // The IV and tag come from stored or received ciphertext, so a malformed one is a failed authentication,
  // not a caller bug.
  if (!ivLengthSupported(iv) || tag.length !== GCM_TAG_LENGTH)
    throw new AuthenticationFailed('AES-GCM decryption failed');
  try {
    const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: GCM_TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new AuthenticationFailed('AES-GCM decryption failed');
  }
}
