/**
 * Offline verification of a trail directory, segment by segment in sequence order, stopping at the first
 * problem and naming it as precisely as the evidence allows:
 *
 * - records: each parses, belongs to the chain, has the next sequence and links to the line before it (across
 *   segments); a segment starts where its name says;
 * - sealed segments: end in the trailer, have a digest whose link to the previous digest, signature (by one of
 *   the trusted public keys) and contents (sequence range, last record hash, SHA-256 of the file) all hold;
 * - every digest has its segment; only the last segment may be open (no trailer, no digest).
 *
 * What no directory can show by itself: the open segment's last records are covered only by the chain until
 * it is sealed, so one removed or changed at the very end cannot be told from one not yet written (CloudTrail's
 * current hour is the same); and the newest segments deleted together with their digests leave a shorter
 * trail that verifies. A copy of the records kept elsewhere (the stream) anchors the end.
 */
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { type ChainedRecord, type ChainHead, EMPTY_CHAIN, parseChainedLine, sha256Hex } from './chain.js';
import {
  DIGESTS_DIRECTORY,
  digestFileName,
  parseDigestFile,
  publicKeyFingerprint,
  type SignedDigest,
  signatureHolds,
} from './digest.js';
import { type AuditFiles, nodeFiles } from './files.js';
import { listTrail } from './listing.js';
import {
  isPartialHeader,
  isPartialTrailer,
  type RecordLine,
  SEGMENT_TRAILER,
  type SegmentLayout,
  segmentName,
  sequenceOfSegmentName,
  splitSegment,
} from './segment-format.js';

export type ProblemKind =
  | 'record-changed'
  | 'record-removed'
  | 'records-reordered'
  | 'segment-changed'
  | 'segment-missing'
  | 'digest-missing'
  | 'digest-forged'
  | 'digest-chain-broken'
  | 'truncated';

export interface Problem {
  readonly kind: ProblemKind;
  /** The segment's file name. */
  readonly segment: string;
  readonly sequence?: number;
  readonly detail: string;
}

export type VerifyReport =
  | { readonly ok: true; readonly records: number; readonly segments: number; readonly lastSequence: number }
  | { readonly ok: false; readonly problem: Problem };

export interface VerifyOptions {
  /** The keys trusted to sign digests: a list, or a map from fingerprint (see publicKeyFingerprint). */
  readonly publicKeys: readonly KeyObject[] | ReadonlyMap<string, KeyObject>;
  readonly files?: AuditFiles;
}

interface Progress {
  readonly chainId: string | undefined;
  readonly head: ChainHead;
  readonly previousDigestSha256: string | null;
  readonly records: number;
}

interface SegmentFiles {
  readonly name: string;
  readonly bytes: Buffer;
  readonly digestBytes: Buffer | undefined;
  readonly last: boolean;
}

/** What the records of one segment came to. */
interface RecordsRead {
  readonly chainId: string | undefined;
  readonly head: ChainHead;
  readonly count: number;
  readonly firstSequence: number | undefined;
}

function problem(kind: ProblemKind, segment: string, sequence: number | undefined, detail: string): Problem {
  return sequence === undefined ? { kind, segment, detail } : { kind, segment, sequence, detail };
}

function isProblem<T extends object>(value: T | Problem): value is Problem {
  return 'kind' in value;
}

function keyring(keys: VerifyOptions['publicKeys']): ReadonlyMap<string, KeyObject> {
  return 'get' in keys ? keys : new Map(keys.map((key) => [publicKeyFingerprint(key), key]));
}

/**
 * A record whose link does not follow: when its sequence is right but its previousHash is not, either the
 * record before it changed or its own link did; the next line's previousHash (or the digest's lastRecordHash)
 * tells which, since it still holds the hash this line had when it was written.
 */
function brokenLink(name: string, sequence: number, index: number, lineHash: string, witness: string | undefined) {
  const thisChanged = index === 0 || (witness !== undefined && witness !== lineHash);
  return thisChanged
    ? problem('record-changed', name, sequence, 'its previousHash is not the hash of the record before it')
    : problem('record-changed', name, sequence - 1, 'its hash is no longer what the record after it links to');
}

/** A record whose sequence is not the next one: changed, reordered, or records (or a segment) gone before it. */
function misplaced(name: string, index: number, chained: ChainedRecord, head: ChainHead, later: ChainedRecord[]) {
  const { sequence, previousHash } = chained.link;
  const expected = head.sequence + 1;
  if (previousHash === head.hash) {
    return problem('record-changed', name, expected, `it links to ${head.sequence} but says it is ${sequence}`);
  }
  if (later.some((record) => record.link.sequence === expected)) {
    return problem('records-reordered', name, expected, `${sequence} comes before ${expected}`);
  }
  if (sequence < expected) {
    return problem('records-reordered', name, sequence, `${sequence} appears again after ${head.sequence}`);
  }
  const gap = `records ${expected} to ${sequence - 1} are missing`;
  if (index === 0 && sequenceOfSegmentName(name) === sequence) {
    return problem('segment-missing', segmentName(expected), expected, `${gap} before ${name}`);
  }
  return problem('record-removed', name, expected, gap);
}

function followChain(
  name: string,
  lines: readonly RecordLine[],
  progress: Progress,
  lastWitness: string | undefined,
): RecordsRead | Problem {
  const parsed = lines.map((line) => parseChainedLine(line.bytes));
  let { chainId, head } = progress;
  for (const [index, line] of lines.entries()) {
    const chained = parsed[index];
    const expected = head.sequence + 1;
    if (chained === undefined) return problem('record-changed', name, expected, 'the line is not a chained record');
    chainId ??= chained.link.chainId;
    if (chained.link.chainId !== chainId) {
      return problem('record-changed', name, expected, `it belongs to chain ${chained.link.chainId}`);
    }
    const lineHash = sha256Hex(line.bytes);
    if (chained.link.sequence !== expected) {
      const later = parsed.slice(index + 1).filter((record) => record !== undefined);
      return misplaced(name, index, chained, head, later);
    }
    if (chained.link.previousHash !== head.hash) {
      const witness = index + 1 < lines.length ? parsed[index + 1]?.link.previousHash : lastWitness;
      return brokenLink(name, expected, index, lineHash, witness);
    }
    head = { sequence: expected, hash: lineHash };
  }
  const firstSequence = parsed[0]?.link.sequence;
  return { chainId, head, count: lines.length, firstSequence };
}

/** Commas, trailer, a line cut short, the name: what the chain does not cover and the digest's hash does. */
function checkLayout(files: SegmentFiles, layout: SegmentLayout, read: RecordsRead): Problem | undefined {
  const { name, digestBytes, last } = files;
  const next = read.head.sequence + 1;
  const misframed = layout.lines.findIndex((line, index) => line.leadingComma !== index > 0);
  if (misframed !== -1) {
    return problem('segment-changed', name, (read.firstSequence ?? next) + misframed, 'a record line is misframed');
  }
  if (layout.trailer !== undefined && !layout.sealed) {
    return problem('segment-changed', name, undefined, 'the trailer is not ]}');
  }
  if (layout.tail.length > 0) {
    return layout.tail[0] === SEGMENT_TRAILER[0] && !isPartialTrailer(layout.tail)
      ? problem('segment-changed', name, undefined, 'the trailer is not ]}')
      : problem('truncated', name, next, 'the segment ends inside a line');
  }
  if (!layout.sealed && (digestBytes !== undefined || !last)) {
    return problem('truncated', name, undefined, 'the segment ends without its trailer ]}');
  }
  if (layout.sealed && digestBytes === undefined) return problem('digest-missing', name, undefined, 'no digest');
  if (read.firstSequence !== undefined && sequenceOfSegmentName(name) !== read.firstSequence) {
    return problem('segment-changed', name, read.firstSequence, `it starts at sequence ${read.firstSequence}`);
  }
  return undefined;
}

function checkDigest(
  files: SegmentFiles,
  signed: SignedDigest | undefined,
  read: RecordsRead,
  progress: Progress,
  keys: ReadonlyMap<string, KeyObject>,
): Problem | undefined {
  const { name, bytes } = files;
  if (signed === undefined) return problem('digest-forged', name, undefined, 'the digest file is not a signed digest');
  const { digest } = signed;
  if (digest.previousDigestSha256 !== progress.previousDigestSha256) {
    return problem('digest-chain-broken', name, undefined, 'previousDigestSha256 is not the previous digest');
  }
  if (digest.segment !== name || digest.chainId !== read.chainId) {
    return problem('digest-chain-broken', name, undefined, `it is the digest of ${digest.chainId}/${digest.segment}`);
  }
  const key = keys.get(digest.publicKeyFingerprint);
  if (key === undefined) return problem('digest-forged', name, undefined, 'signed by a key that is not trusted');
  if (!signatureHolds(signed, key)) return problem('digest-forged', name, undefined, 'the signature does not hold');
  if (digest.lastSequence > read.head.sequence) {
    return problem('record-removed', name, read.head.sequence + 1, `the digest ends at ${digest.lastSequence}`);
  }
  if (digest.lastSequence < read.head.sequence) {
    return problem('segment-changed', name, digest.lastSequence + 1, `the digest ends at ${digest.lastSequence}`);
  }
  if (digest.lastRecordHash !== read.head.hash) {
    return problem('record-changed', name, read.head.sequence, 'the last record is not the one the digest signed');
  }
  if (digest.firstSequence !== read.firstSequence || digest.recordCount !== read.count) {
    return problem('segment-changed', name, undefined, 'the records are not the ones the digest counted');
  }
  if (digest.segmentSha256 !== sha256Hex(bytes)) {
    return problem('segment-changed', name, undefined, 'the file is not the one the digest signed');
  }
  return undefined;
}

function verifySegment(
  files: SegmentFiles,
  progress: Progress,
  keys: ReadonlyMap<string, KeyObject>,
): Progress | Problem {
  const { name, bytes, digestBytes, last } = files;
  const layout = splitSegment(bytes);
  if (!layout.headerValid) {
    if (bytes.length === 0 && last && digestBytes === undefined) return progress;
    const kind = isPartialHeader(bytes) ? 'truncated' : 'segment-changed';
    return problem(kind, name, progress.head.sequence + 1, 'the segment does not start with {"Records":[');
  }
  const signed = digestBytes === undefined ? undefined : parseDigestFile(digestBytes);
  const read = followChain(name, layout.lines, progress, signed?.digest.lastRecordHash);
  if (isProblem(read)) return read;
  const found =
    checkLayout(files, layout, read) ??
    (digestBytes === undefined ? undefined : checkDigest(files, signed, read, progress, keys));
  if (found !== undefined) return found;
  return {
    chainId: read.chainId,
    head: read.head,
    previousDigestSha256: digestBytes === undefined ? progress.previousDigestSha256 : sha256Hex(digestBytes),
    records: progress.records + read.count,
  };
}

function missingSegment(name: string, digestBytes: Buffer | undefined): Problem {
  const first = digestBytes === undefined ? undefined : parseDigestFile(digestBytes)?.digest.firstSequence;
  return problem('segment-missing', name, first, 'its digest is there, the segment is not');
}

export async function verifyTrail(dir: string, options: VerifyOptions): Promise<VerifyReport> {
  const files = options.files ?? nodeFiles;
  const keys = keyring(options.publicKeys);
  await files.stat(dir); // a trail that is not there is an error, not an empty trail
  const listing = await listTrail(files, dir);
  const present = new Set(listing.segments);
  const names = [...new Set([...listing.segments, ...listing.digested])].sort();
  let progress: Progress = { chainId: undefined, head: EMPTY_CHAIN, previousDigestSha256: null, records: 0 };
  for (const [index, name] of names.entries()) {
    const digestPath = join(dir, DIGESTS_DIRECTORY, digestFileName(name));
    const digestBytes = listing.digested.has(name) ? await files.readFile(digestPath) : undefined;
    if (!present.has(name)) return { ok: false, problem: missingSegment(name, digestBytes) };
    const bytes = await files.readFile(join(dir, name));
    const outcome = verifySegment({ name, bytes, digestBytes, last: index === names.length - 1 }, progress, keys);
    if (isProblem(outcome)) return { ok: false, problem: outcome };
    progress = outcome;
  }
  const { records, head } = progress;
  return { ok: true, records, segments: listing.segments.length, lastSequence: head.sequence };
}
