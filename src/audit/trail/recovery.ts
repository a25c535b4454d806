/**
 * What openTrail finds on disk, and what it repairs. Only the tail is read: the last digest gives the chain
 * head and the previous digest hash, and the segment after it (at most one, the open one) is scanned. History
 * before that is verifyTrail's business, not start-up's.
 *
 * The open segment is kept up to its last whole record that follows the chain (kill -9 mid-write leaves a
 * partial line; a write that was never acknowledged may leave a line that does not follow) and the trail
 * continues in that same segment. What follows is dropped by the write that puts a TrentAuditRecovery record
 * (how many bytes went, the last good sequence) in its place: the cut and its record become durable with one
 * fdatasync, so no crash or full disk can drop bytes without the trail saying so. A segment whose trailer is
 * durable but whose digest is not (a crash while sealing) gets its digest.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { serviceEventRecord } from '../cloudtrail.js';
import type { AuditRecord } from '../record.js';
import { type ChainHead, EMPTY_CHAIN, follows, parseChainedLine, sha256Hex } from './chain.js';
import { DIGESTS_DIRECTORY, digestFileName, parseDigestFile, type SealedSegment } from './digest.js';
import type { AuditFiles } from './files.js';
import { listTrail } from './listing.js';
import { SEGMENT_HEADER, sequenceOfSegmentName, splitSegment } from './segment-format.js';

export interface TrailPosition {
  readonly head: ChainHead;
  readonly previousDigestSha256: string | null;
}

/** The open segment as recovery found it: `kept` is what stays; anything after it is to be dropped. */
export interface RecoveredSegment {
  readonly name: string;
  readonly kept: Buffer;
  readonly recordCount: number;
  readonly startedAt: number;
}

export interface SegmentCut {
  readonly segment: string;
  readonly bytesDropped: number;
  readonly lastGoodSequence: number;
}

export interface Recovery {
  /** After the kept records. */
  readonly position: TrailPosition;
  readonly open: RecoveredSegment | undefined;
  readonly unsigned: SealedSegment | undefined;
  readonly cut: SegmentCut | undefined;
}

/** Account and Region of the trail's own service events: every CloudTrail record carries both. */
export interface ServiceEventContext {
  readonly recipientAccountId: string;
  readonly awsRegion: string;
}

interface SegmentScan {
  /** Bytes worth keeping: the header and the records that follow the chain (everything, when sealed). */
  readonly validLength: number;
  readonly recordCount: number;
  readonly head: ChainHead;
  readonly firstRecord: AuditRecord | undefined;
  readonly sealed: boolean;
}

/** The time a record says it happened, when it says one that parses. */
function eventTimeOf(record: AuditRecord | undefined): number | undefined {
  const time = typeof record?.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}

function scanSegment(bytes: Buffer, start: ChainHead, chainId: string): SegmentScan {
  const layout = splitSegment(bytes);
  let scan: SegmentScan = { validLength: 0, recordCount: 0, head: start, firstRecord: undefined, sealed: false };
  if (!layout.headerValid) return scan;
  scan = { ...scan, validLength: SEGMENT_HEADER.length };
  for (const line of layout.lines) {
    const chained = parseChainedLine(line.bytes);
    const framedRight = line.leadingComma === scan.recordCount > 0;
    if (chained === undefined || !framedRight || !follows(chained.link, scan.head, chainId)) return scan;
    scan = {
      validLength: line.end,
      recordCount: scan.recordCount + 1,
      head: { sequence: chained.link.sequence, hash: sha256Hex(line.bytes) },
      firstRecord: scan.firstRecord ?? chained.record,
      sealed: false,
    };
  }
  return layout.sealed && scan.recordCount > 0 ? { ...scan, validLength: bytes.length, sealed: true } : scan;
}

/** Where the chain stood when the last digest was signed. */
async function positionAfterDigest(files: AuditFiles, dir: string, segment: string, chainId: string) {
  const bytes = await files.readFile(join(dir, DIGESTS_DIRECTORY, digestFileName(segment)));
  const signed = parseDigestFile(bytes);
  if (signed === undefined || signed.digest.chainId !== chainId) {
    throw new Error(`${dir}: the digest of ${segment} is unreadable or of another chain; run verifyTrail`);
  }
  const { lastSequence, lastRecordHash } = signed.digest;
  return { head: { sequence: lastSequence, hash: lastRecordHash }, previousDigestSha256: sha256Hex(bytes) };
}

export async function recoverTrail(files: AuditFiles, dir: string, chainId: string, now: number): Promise<Recovery> {
  const listing = await listTrail(files, dir);
  const lastSigned = [...listing.digested].sort().at(-1);
  const signedPosition: TrailPosition =
    lastSigned === undefined
      ? { head: EMPTY_CHAIN, previousDigestSha256: null }
      : await positionAfterDigest(files, dir, lastSigned, chainId);
  const unsealed = listing.segments.filter((name) => lastSigned === undefined || name > lastSigned);
  const [tail, ...more] = unsealed;
  if (more.length > 0) {
    throw new Error(`${dir}: segments ${unsealed.join(', ')} have no digest; only the last one may lack it`);
  }
  const none = { position: signedPosition, open: undefined, unsigned: undefined, cut: undefined };
  if (tail === undefined) return none;
  if (sequenceOfSegmentName(tail) !== signedPosition.head.sequence + 1) {
    throw new Error(`${dir}: ${tail} does not continue the chain after sequence ${signedPosition.head.sequence}`);
  }

  const bytes = await files.readFile(join(dir, tail));
  const scan = scanSegment(bytes, signedPosition.head, chainId);
  const position = { ...signedPosition, head: scan.head };
  const startedAt = eventTimeOf(scan.firstRecord) ?? now;
  if (scan.sealed) {
    const unsigned: SealedSegment = {
      name: tail,
      sha256: sha256Hex(bytes),
      firstSequence: signedPosition.head.sequence + 1,
      lastSequence: scan.head.sequence,
      recordCount: scan.recordCount,
      lastRecordHash: scan.head.hash,
      startedAt,
    };
    return { ...none, position, unsigned };
  }
  const kept = bytes.subarray(0, scan.validLength);
  const open = { name: tail, kept, recordCount: scan.recordCount, startedAt };
  if (kept.length === bytes.length) return { ...none, position, open };
  const cut = { segment: tail, bytesDropped: bytes.length - kept.length, lastGoodSequence: scan.head.sequence };
  return { position, open, unsigned: undefined, cut };
}

/** The AwsServiceEvent that tells, in the trail itself, that recovery dropped bytes from a segment. */
export function recoveryRecord(cut: SegmentCut, now: number, context: ServiceEventContext): AuditRecord {
  return serviceEventRecord({
    eventTime: now,
    eventSource: 'kms.amazonaws.com',
    eventName: 'TrentAuditRecovery',
    awsRegion: context.awsRegion,
    eventId: randomUUID(),
    resourceArns: [],
    recipientAccountId: context.recipientAccountId,
    serviceEventDetails: { ...cut },
  });
}
