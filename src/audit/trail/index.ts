/**
 * Trent's tamper-evident audit trail: CloudTrail-format segments written with group commit and fsync, a
 * SHA-256 hash chain through every record, Ed25519-signed digests of sealed segments, recovery of a tail cut
 * by a crash, and offline verification.
 */
export type { Digest, SignedDigest } from './digest.js';
export { publicKeyFingerprint } from './digest.js';
export type { AuditFiles } from './files.js';
export { nodeFiles } from './files.js';
export type { Trail, TrailOptions } from './open.js';
export {
  DEFAULT_ROTATE_BYTES,
  DEFAULT_ROTATE_MILLIS,
  openTrail,
  PUBLIC_KEYS_DIRECTORY,
  publicKeyPath,
} from './open.js';
export type { ReadFilter, TrailEnd } from './read.js';
export { lastRecords, readRecords, sequenceOf, trailEnd } from './read.js';
export type { ServiceEventContext } from './recovery.js';
export type { Problem, ProblemKind, VerifyOptions, VerifyReport } from './verify.js';
export { verifyTrail } from './verify.js';
export { AuditTrailUnavailable, MAX_WAITING_RECORDS } from './writer.js';
