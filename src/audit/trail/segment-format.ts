/**
 * A segment is a CloudTrail log file written one record per line:
 *
 *   {"Records":[\n
 *   <record 1>\n
 *   ,<record 2>\n
 *   ...
 *   ]}\n                  <- only once sealed
 *
 * so a sealed segment parses as JSON exactly like a CloudTrail log file, and an open one reads line by line:
 * a line that ends in a newline is whole, a last fragment without one was cut by a crash.
 */

export const SEGMENT_HEADER = Buffer.from('{"Records":[\n');
export const SEGMENT_TRAILER = Buffer.from(']}\n');
const TRAILER_LINE = SEGMENT_TRAILER.subarray(0, -1);
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

const SEQUENCE_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})\.json$/;

/** Named by its first record's sequence, zero-padded so that names sort in sequence order. */
export function segmentName(firstSequence: number): string {
  return `${String(firstSequence).padStart(SEQUENCE_DIGITS, '0')}.json`;
}

export function isSegmentName(name: string): boolean {
  return SEGMENT_NAME.test(name);
}

export function sequenceOfSegmentName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The bytes that add one record line to a segment: every record but the first starts with a comma. */
export function framedRecord(line: Buffer, firstInSegment: boolean): Buffer {
  const framed = firstInSegment ? [line] : [Buffer.of(COMMA), line];
  return Buffer.concat([...framed, Buffer.of(NEWLINE)]);
}

export interface RecordLine {
  /** The record line's own bytes: what its hash covers (no leading comma, no newline). */
  readonly bytes: Buffer;
  readonly leadingComma: boolean;
  /** Offset just past this line's newline: where the segment may be cut without losing this record. */
  readonly end: number;
}

export interface SegmentLayout {
  /** False when the file does not start with the header (then nothing else is read). */
  readonly headerValid: boolean;
  readonly lines: readonly RecordLine[];
  /** The last whole line when it starts as the trailer does (record lines start with `{` or `,`). */
  readonly trailer: Buffer | undefined;
  /** The trailer is `]}` and nothing follows it. */
  readonly sealed: boolean;
  /** Bytes after the last newline: a line cut short (empty in a segment that was not cut). */
  readonly tail: Buffer;
}

export function splitSegment(bytes: Buffer): SegmentLayout {
  if (!bytes.subarray(0, SEGMENT_HEADER.length).equals(SEGMENT_HEADER)) {
    return { headerValid: false, lines: [], trailer: undefined, sealed: false, tail: bytes };
  }
  const lines: RecordLine[] = [];
  let start = SEGMENT_HEADER.length;
  for (let newline = bytes.indexOf(NEWLINE, start); newline !== -1; newline = bytes.indexOf(NEWLINE, start)) {
    const leadingComma = bytes[start] === COMMA;
    lines.push({ bytes: bytes.subarray(leadingComma ? start + 1 : start, newline), leadingComma, end: newline + 1 });
    start = newline + 1;
  }
  const tail = bytes.subarray(start);
  const last = lines.at(-1);
  const trailer = last !== undefined && !last.leadingComma && last.bytes[0] === CLOSE_BRACKET ? last.bytes : undefined;
  const sealed = tail.length === 0 && trailer?.equals(TRAILER_LINE) === true;
  return { headerValid: true, lines: trailer ? lines.slice(0, -1) : lines, trailer, sealed, tail };
}

/** True when `bytes` could be the start of the trailer cut short. */
export function isPartialTrailer(bytes: Buffer): boolean {
  return bytes.length < SEGMENT_TRAILER.length && SEGMENT_TRAILER.subarray(0, bytes.length).equals(bytes);
}

/** True when `bytes` could be the start of a header cut short (a crash right after the file was created). */
export function isPartialHeader(bytes: Buffer): boolean {
  return bytes.length < SEGMENT_HEADER.length && SEGMENT_HEADER.subarray(0, bytes.length).equals(bytes);
}
