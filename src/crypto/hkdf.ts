/** HKDF with SHA-256 (RFC 5869), over node:crypto. */
import { hkdfSync } from 'node:crypto';
import { needs } from '../shared/needs.js';

const SHA256_LENGTH = 32;
/** RFC 5869 section 2.3: L <= 255 * HashLen. */
export const HKDF_SHA256_MAX_LENGTH = 255 * SHA256_LENGTH;
/** node:crypto refuses longer info strings. */
const MAX_INFO_LENGTH = 1024;

/** An empty salt means HashLen zero bytes, as RFC 5869 says. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  needs(
    Number.isInteger(length) && length >= 1 && length <= HKDF_SHA256_MAX_LENGTH,
    `HKDF-SHA256 output length must be 1..${HKDF_SHA256_MAX_LENGTH} bytes`,
  );
  needs(info.length <= MAX_INFO_LENGTH, `HKDF-SHA256 info must be at most ${MAX_INFO_LENGTH} bytes`);
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}
