/**
 * Signed digests, after CloudTrail's log file integrity validation: one per sealed segment, at
 * `digests/<segment>.digest.json`, holding the segment's SHA-256, its sequence range and last record hash,
 * and the SHA-256 of the previous digest file, signed with Ed25519 over the exact bytes of
 * JSON.stringify(digest). A verifier holding the public key can tell a changed, removed or forged file.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

const SIGNATURE_ALGORITHM = 'Ed25519';
export const DIGESTS_DIRECTORY = 'digests';
const DIGEST_SUFFIX = '.digest.json';

export interface Digest {
  readonly chainId: string;
  readonly segment: string;
  readonly segmentSha256: string;
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly recordCount: number;
  readonly lastRecordHash: string;
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly previousDigestSha256: string | null;
  readonly publicKeyFingerprint: string;
  readonly signatureAlgorithm: typeof SIGNATURE_ALGORITHM;
}

export interface SignedDigest {
  readonly digest: Digest;
  readonly signature: string;
}

/** What the writer knows of a segment once its trailer is durable. */
export interface SealedSegment {
  readonly name: string;
  readonly sha256: string;
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly recordCount: number;
  readonly lastRecordHash: string;
  /** When the segment was started (ms since the epoch). */
  readonly startedAt: number;
}

/** SHA-256 of the key's SubjectPublicKeyInfo DER, in hex; a private key gives its public key's fingerprint. */
export function publicKeyFingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
}

export function digestFileName(segment: string): string {
  return `${segment}${DIGEST_SUFFIX}`;
}

/** The segment a digest file belongs to, or undefined for any other file. */
export function segmentOfDigestFileName(fileName: string): string | undefined {
  return fileName.endsWith(DIGEST_SUFFIX) ? fileName.slice(0, -DIGEST_SUFFIX.length) : undefined;
}

export function describeSealedSegment(
  sealed: SealedSegment,
  chainId: string,
  previousDigestSha256: string | null,
  fingerprint: string,
  sealedAt: number,
): Digest {
  return {
    chainId,
    segment: sealed.name,
    segmentSha256: sealed.sha256,
    firstSequence: sealed.firstSequence,
    lastSequence: sealed.lastSequence,
    recordCount: sealed.recordCount,
    lastRecordHash: sealed.lastRecordHash,
    digestStartTime: new Date(sealed.startedAt).toISOString(),
    digestEndTime: new Date(sealedAt).toISOString(),
    previousDigestSha256,
    publicKeyFingerprint: fingerprint,
    signatureAlgorithm: SIGNATURE_ALGORITHM,
  };
}

/** The digest file's bytes: `{"digest":…,"signature":…}` and a newline. */
export function signDigest(digest: Digest, signingKey: KeyObject): Buffer {
  const signature = sign(null, Buffer.from(JSON.stringify(digest)), signingKey).toString('base64');
  return Buffer.from(`${JSON.stringify({ digest, signature } satisfies SignedDigest)}\n`);
}

function isDigest(value: unknown): value is Digest {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  const strings = [d.chainId, d.segment, d.segmentSha256, d.lastRecordHash, d.digestStartTime, d.digestEndTime];
  const numbers = [d.firstSequence, d.lastSequence, d.recordCount];
  return (
    strings.every((field) => typeof field === 'string') &&
    numbers.every((field) => Number.isSafeInteger(field)) &&
    (d.previousDigestSha256 === null || typeof d.previousDigestSha256 === 'string') &&
    typeof d.publicKeyFingerprint === 'string' &&
    d.signatureAlgorithm === SIGNATURE_ALGORITHM
  );
}

export function parseDigestFile(bytes: Buffer): SignedDigest | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { digest, signature } = parsed as Record<string, unknown>;
    return isDigest(digest) && typeof signature === 'string' ? { digest, signature } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks the signature over the digest as it re-serializes: the writer signs JSON.stringify(digest) and writes
 * exactly those bytes, so any change to a signed field (or an added one) fails here.
 */
export function signatureHolds(signed: SignedDigest, publicKey: KeyObject): boolean {
  const signature = Buffer.from(signed.signature, 'base64');
  // Buffer's base64 decoder skips what it cannot read: only the canonical encoding is accepted.
  if (signature.toString('base64') !== signed.signature) return false;
  try {
    return verify(null, Buffer.from(JSON.stringify(signed.digest)), publicKey, signature);
  } catch {
    return false;
  }
}
