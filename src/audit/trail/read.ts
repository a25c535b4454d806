import { join } from 'node:path';
import type { AuditRecord } from '../record.js';
import { CHAIN_MEMBER, type ChainLink, parseChainedLine } from './chain.js';
import { type AuditFiles, nodeFiles } from './files.js';
import { listTrail } from './listing.js';
import { sequenceOfSegmentName, splitSegment } from './segment-format.js';

export interface ReadFilter {
  /** Only records from this sequence on; whole segments before it are not read. */
  readonly fromSequence?: number;
  readonly where?: (record: AuditRecord) => boolean;
}

/** Where a trail ends on disk: every durable append grows the last segment or starts a new one. */
export interface TrailEnd {
  readonly segment: string;
  readonly size: number;
}

/** A segment's whole record lines, each with its chain member; a line that is not a chained record throws. */
function* segmentRecords(path: string, bytes: Buffer): Generator<AuditRecord> {
  for (const line of splitSegment(bytes).lines) {
    const chained = parseChainedLine(line.bytes);
    if (chained === undefined) throw new Error(`${path}: a line is not an audit record; verify the trail`);
    yield chained.record;
  }
}

async function readSegment(files: AuditFiles, dir: string, name: string): Promise<Generator<AuditRecord>> {
  const path = join(dir, name);
  return segmentRecords(path, await files.readFile(path));
}

/**
 * The records of every segment in sequence order, the open segment included (a line still being written is
 * not), each as written: with its trentChain member. Reading is not verifying (see verifyTrail); a whole line
 * that is not a chained record stops the iteration with an error.
 */
export async function* readRecords(
  dir: string,
  filter: ReadFilter = {},
  files: AuditFiles = nodeFiles,
): AsyncGenerator<AuditRecord> {
  const from = filter.fromSequence ?? 1;
  const { segments } = await listTrail(files, dir);
  for (const [index, name] of segments.entries()) {
    const next = segments[index + 1];
    if (next !== undefined && (sequenceOfSegmentName(next) ?? 0) <= from) continue;
    for (const record of await readSegment(files, dir, name)) {
      if (sequenceOf(record) >= from && (filter.where?.(record) ?? true)) yield record;
    }
  }
}

/** The last `count` records (all of them when there are fewer), in sequence order, read from the newest segments. */
export async function lastRecords(dir: string, count: number, files: AuditFiles = nodeFiles): Promise<AuditRecord[]> {
  const { segments } = await listTrail(files, dir);
  let found: AuditRecord[] = [];
  for (const name of segments.toReversed()) {
    if (found.length >= count) break;
    found = [...(await readSegment(files, dir, name)), ...found];
  }
  return found.slice(Math.max(0, found.length - count));
}

/** The last segment and its size, or undefined before the first: what a follower polls to see new records. */
export async function trailEnd(dir: string, files: AuditFiles = nodeFiles): Promise<TrailEnd | undefined> {
  const segment = (await listTrail(files, dir)).segments.at(-1);
  return segment === undefined ? undefined : { segment, size: (await files.stat(join(dir, segment))).size };
}

/** The sequence of a record as readRecords and lastRecords give it, from its chain member. */
export function sequenceOf(record: AuditRecord): number {
  const link = record[CHAIN_MEMBER];
  const sequence = typeof link === 'object' && link !== null ? (link as Partial<ChainLink>).sequence : undefined;
  if (typeof sequence !== 'number') throw new TypeError(`The record has no ${CHAIN_MEMBER} member`);
  return sequence;
}
