/**
 * The hash chain. Each record line is the record's JSON with one extra, last member
 * `"trentChain":{"chainId":…,"sequence":n,"previousHash":…}`; previousHash is the SHA-256 of the previous record
 * line's exact bytes (across segments), 64 zeros for the first record of a chain. Changing, removing or
 * reordering any record breaks the link of the record after it.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../record.js';

export const CHAIN_MEMBER = 'trentChain';
const GENESIS_HASH = '0'.repeat(64);
const HASH = /^[0-9a-f]{64}$/;

export interface ChainLink {
  readonly chainId: string;
  readonly sequence: number;
  readonly previousHash: string;
}

/** Where the chain stands: the last durable record's sequence (0 before the first) and its line's hash. */
export interface ChainHead {
  readonly sequence: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = { sequence: 0, hash: GENESIS_HASH };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The record's JSON without its chain member, checked once when it is appended so that a record that cannot
 * be written (not an object, or carrying a chain member of its own) is refused alone, not with its batch.
 */
export function recordBody(record: AuditRecord): string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError('An audit record must be a JSON object');
  }
  if (Object.hasOwn(record, CHAIN_MEMBER)) throw new TypeError(`An audit record must not carry ${CHAIN_MEMBER}`);
  const body = JSON.stringify(record);
  if (typeof body !== 'string' || !body.startsWith('{') || !body.endsWith('}')) {
    throw new TypeError('An audit record must serialize to a JSON object');
  }
  return body;
}

export function nextLink(head: ChainHead, chainId: string): ChainLink {
  return { chainId, sequence: head.sequence + 1, previousHash: head.hash };
}

/** The record line: the body with the chain member added last. */
export function chainedLine(body: string, link: ChainLink): Buffer {
  const separator = body === '{}' ? '' : ',';
  return Buffer.from(`${body.slice(0, -1)}${separator}"${CHAIN_MEMBER}":${JSON.stringify(link)}}`);
}

export interface ChainedRecord {
  /** The record as written, chain member included. */
  readonly record: AuditRecord;
  readonly link: ChainLink;
}

function isLink(value: unknown): value is ChainLink {
  if (typeof value !== 'object' || value === null) return false;
  const { chainId, sequence, previousHash } = value as Record<string, unknown>;
  return (
    typeof chainId === 'string' &&
    Number.isSafeInteger(sequence) &&
    (sequence as number) > 0 &&
    typeof previousHash === 'string' &&
    HASH.test(previousHash)
  );
}

/** The record and its link, or undefined when the line is not a chained record (cut, garbled, edited). */
export function parseChainedLine(line: Buffer): ChainedRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const link = record[CHAIN_MEMBER];
  if (!isLink(link) || Object.keys(record).at(-1) !== CHAIN_MEMBER) return undefined;
  return { record, link };
}

export function follows(link: ChainLink, head: ChainHead, chainId: string): boolean {
  return link.chainId === chainId && link.sequence === head.sequence + 1 && link.previousHash === head.hash;
}
