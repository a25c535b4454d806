/** HKDF with SHA-256 (RFC 5869). */
import { createHmac } from 'node:crypto';
import { needs } from '../shared/needs.js';

const SHA256_LENGTH = 32;
/** RFC 5869 section 2.3: L <= 255 * HashLen. */
export const HKDF_SHA256_MAX_LENGTH = 255 * SHA256_LENGTH;
const ZERO_SALT = Buffer.alloc(SHA256_LENGTH);

/**
 * Extract then expand, written out over HMAC: it runs on every Encrypt and Decrypt (a per-message key),
 * and two createHmac calls cost about half of node's hkdfSync, which goes through a KeyObject first.
 * An empty salt means HashLen zero bytes, as RFC 5869 says.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  needs(
    Number.isInteger(length) && length >= 1 && length <= HKDF_SHA256_MAX_LENGTH,
    `HKDF-SHA256 output length must be 1..${HKDF_SHA256_MAX_LENGTH} bytes`,
  );
  const pseudorandomKey = createHmac('sha256', salt.length === 0 ? ZERO_SALT : salt)
    .update(ikm)
    .digest();
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let counter = 1; counter * SHA256_LENGTH < length + SHA256_LENGTH; counter += 1) {
    previous = createHmac('sha256', pseudorandomKey).update(previous).update(info).update(Buffer.of(counter)).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}
