/**
 * The trail's writer: group commit, fail closed.
 *
 * `append` queues the record; one batch at a time is written (one write, one fdatasync) and every record
 * waiting while that sync is in flight forms the next batch. A record's promise resolves only after the sync
 * that covers it. When a write or sync fails, the whole batch is rejected, the segment is cut back to its
 * last durable offset and the chain head stays where it was, so the file never holds a record, or part of
 * one, that was not acknowledged. The trail is then broken: healthCheck throws until a probe succeeds, and
 * every later append simply tries again, so service resumes by itself once space returns.
 *
 * After a recovery that found bytes to drop, the recovery record is written before anything else, over
 * those bytes, and the file is cut to its end before the same fdatasync; until that succeeds the bytes stay,
 * so the next open finds them again.
 */
import { createHash, type Hash, type KeyObject } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import type { AuditRecord } from '../record.js';
import { type ChainHead, chainedLine, nextLink, recordBody, sha256Hex } from './chain.js';
import { DIGESTS_DIRECTORY, describeSealedSegment, digestFileName, type SealedSegment, signDigest } from './digest.js';
import { type AuditFiles, syncDirectory, writeAll, writeFileDurably } from './files.js';
import type { RecoveredSegment, TrailPosition } from './recovery.js';
import { framedRecord, SEGMENT_HEADER, SEGMENT_TRAILER, segmentName } from './segment-format.js';

/** Appends beyond this many waiting records are refused rather than queued without limit. */
export const MAX_WAITING_RECORDS = 10_000;
/** What the health probe writes (and deletes) beside the segments: one file-system block. */
const PROBE_FILE = '.probe';
const PROBE_BYTES = 4096;

/** The trail could not make a record durable, or refuses new ones (closed, queue full). */
export class AuditTrailUnavailable extends Error {
  override readonly name = 'AuditTrailUnavailable';
}

export interface WriterSettings {
  readonly files: AuditFiles;
  readonly dir: string;
  readonly chainId: string;
  readonly signingKey: KeyObject;
  readonly fingerprint: string;
  readonly clock: Clock;
  readonly rotateBytes: number;
  readonly rotateMillis: number;
  readonly stream: ((line: string) => void) | undefined;
  readonly afterBatch: ((records: AuditRecord[]) => Promise<void>) | undefined;
}

interface Entry {
  readonly record: AuditRecord;
  readonly body: string;
}

interface Waiter extends Entry {
  resolve(): void;
  reject(error: Error): void;
}

interface OpenSegment {
  readonly name: string;
  readonly file: FileHandle;
  readonly firstSequence: number;
  readonly startedAt: number;
  /** Everything before this offset is fdatasync'ed and acknowledged; nothing after it is. */
  durableSize: number;
  recordCount: number;
  /** SHA-256 over the durable bytes, finished into the digest when the segment is sealed. */
  readonly hash: Hash;
  /** The directory entry is durable (fsync'ed with the first write of a new segment). */
  directorySynced: boolean;
  /** The file may hold bytes past durableSize: a failed write, or what recovery is to drop. */
  dirtyTail: boolean;
}

interface WrittenLine {
  readonly line: Buffer;
  /** The record as appended (its line adds the chain member). */
  readonly record: AuditRecord;
}

/** Runs tasks one at a time, in order: the trail's file operations never interleave. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class TrailWriter {
  private head: ChainHead;
  private previousDigestSha256: string | null;
  private open: OpenSegment | undefined;
  /** Sealed (trailer durable) but its digest is not written yet. */
  private unsigned: SealedSegment | undefined;
  /** Why the last attempt failed; undefined while healthy. */
  private failure: Error | undefined;
  /** The recovery record, until it is durable: it goes first, over the bytes recovery drops. */
  private notice: Entry | undefined;
  private waiting: Waiter[] = [];
  private batchScheduled = false;
  private readonly serial = new Serial();
  private afterBatches: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: WriterSettings,
    position: TrailPosition,
    unsigned: SealedSegment | undefined,
  ) {
    this.head = position.head;
    this.previousDigestSha256 = position.previousDigestSha256;
    this.unsigned = unsigned;
  }

  /** Continues the segment recovery left open; `notice`: the recovery record, when it found bytes to drop. */
  async resume(segment: RecoveredSegment, notice: AuditRecord | undefined): Promise<void> {
    const file = await this.settings.files.open(join(this.settings.dir, segment.name), 'r+');
    this.notice = notice === undefined ? undefined : { record: notice, body: recordBody(notice) };
    this.open = {
      name: segment.name,
      file,
      firstSequence: this.head.sequence - segment.recordCount + 1,
      startedAt: segment.startedAt,
      durableSize: segment.kept.length,
      recordCount: segment.recordCount,
      hash: createHash('sha256').update(segment.kept),
      directorySynced: true,
      dirtyTail: notice !== undefined,
    };
  }

  /**
   * Writes what recovery left to write (its record, a missing digest) before anything else, then starts the
   * timer that seals a segment gone quiet once it is old enough, so idle periods still end in a signed digest.
   * A failure leaves the trail broken, as a failed append would: it is tried again before the next batch.
   */
  async start(): Promise<void> {
    await this.serial.run(() => this.maintain());
    this.timer = setInterval(() => this.sealIfDue(), Math.min(this.settings.rotateMillis, 60_000));
    this.timer.unref();
  }

  append(record: AuditRecord): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new AuditTrailUnavailable('The audit trail is closed'));
    if (this.waiting.length >= MAX_WAITING_RECORDS) {
      return Promise.reject(new AuditTrailUnavailable(`${MAX_WAITING_RECORDS} audit records are already waiting`));
    }
    let body: string;
    try {
      body = recordBody(record);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, body, resolve, reject });
      if (this.batchScheduled) return;
      this.batchScheduled = true;
      void this.serial.run(() => this.commitWaiting());
    });
  }

  /**
   * Healthy: returns at once. Broken: probes, in the queue like a batch, without writing anything new into
   * the chain: the open segment is cut back to its durable offset and synced (those bytes are already on
   * disk, so this changes nothing), a digest left unwritten is written, and a block is written, synced and
   * deleted in a scratch file beside the segments, which tells whether the disk takes data again. Success
   * ends the broken state; failure throws.
   */
  async healthCheck(): Promise<void> {
    if (this.closing !== undefined) throw new AuditTrailUnavailable('The audit trail is closed');
    if (this.failure === undefined) return;
    await this.serial.run(() => this.probe());
  }

  /** Writes what is queued, seals the open segment (trailer and digest) and stops. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await this.serial.run(() => this.sealForClose());
    await this.afterBatches;
  }

  private async commitWaiting(): Promise<void> {
    this.batchScheduled = false;
    const batch = this.waiting.splice(0);
    let written: WrittenLine[];
    try {
      await this.prepare();
      written = await this.writeRecords(this.open ?? (await this.startSegment()), batch);
      this.failure = undefined;
    } catch (error) {
      this.failure = asError(error);
      const rejection = new AuditTrailUnavailable('The audit record could not be made durable', { cause: error });
      for (const waiter of batch) waiter.reject(rejection);
      return;
    }
    for (const waiter of batch) waiter.resolve();
    this.notify(written);
  }

  /**
   * The copies for a SIEM and the after-batch hook see only durable records. Neither may take back an
   * acknowledgement nor stop the trail: afterBatch reports its own failures (its caller logs them), and
   * whatever escapes either is dropped here.
   */
  private notify(written: readonly WrittenLine[]): void {
    const { stream, afterBatch } = this.settings;
    if (stream !== undefined) {
      try {
        for (const { line } of written) stream(line.toString('utf8'));
      } catch {
        // See above: a failing copy must not affect the trail.
      }
    }
    if (afterBatch !== undefined) {
      const records = written.map(({ record }) => record);
      this.afterBatches = this.afterBatches.then(() => afterBatch(records)).catch(() => undefined);
    }
  }

  /**
   * What must hold before records are written: nothing unacknowledged past the durable offset, the recovery
   * record written, every sealed segment signed, the open segment rotated when due.
   */
  private async prepare(): Promise<void> {
    const segment = this.open;
    if (segment?.dirtyTail && this.notice === undefined) await this.cutBack(segment);
    if (segment !== undefined && this.notice !== undefined) {
      this.notify(await this.writeRecords(segment, [this.notice]));
      this.notice = undefined;
    }
    if (this.unsigned !== undefined) await this.publishDigest(this.unsigned);
    if (this.open !== undefined && this.rotationDue(this.open)) await this.seal(this.open);
  }

  /** prepare() outside a batch (timer, recovery): a failure breaks the trail until the next success. */
  private async maintain(): Promise<void> {
    try {
      await this.prepare();
    } catch (error) {
      this.failure = asError(error);
    }
  }

  private rotationDue(segment: OpenSegment): boolean {
    const { rotateBytes, rotateMillis, clock } = this.settings;
    const full = segment.durableSize >= rotateBytes;
    return segment.recordCount > 0 && (full || clock.now() - segment.startedAt >= rotateMillis);
  }

  /** One write, one fdatasync; the chain head moves only once the records are durable. */
  private async writeRecords(segment: OpenSegment, entries: readonly Entry[]): Promise<WrittenLine[]> {
    const chunks: Buffer[] = segment.durableSize === 0 ? [SEGMENT_HEADER] : [];
    let head = this.head;
    const written = entries.map(({ record, body }, index): WrittenLine => {
      const link = nextLink(head, this.settings.chainId);
      const line = chainedLine(body, link);
      chunks.push(framedRecord(line, segment.recordCount + index === 0));
      head = { sequence: link.sequence, hash: sha256Hex(line) };
      return { line, record };
    });
    const data = Buffer.concat(chunks);
    await this.makeDurable(segment, data);
    segment.durableSize += data.length;
    segment.recordCount += entries.length;
    segment.hash.update(data);
    this.head = head;
    return written;
  }

  /**
   * One write at the durable offset (cutting off whatever the file held past it) and one fdatasync, plus the
   * directory's fsync for a new segment. On failure nothing of `data` stays in the file, except while the
   * recovery record is pending: then the bytes it replaces must stay until it is durable.
   */
  private async makeDurable(segment: OpenSegment, data: Buffer): Promise<void> {
    const { files, dir } = this.settings;
    try {
      await writeAll(files, segment.file, data, segment.durableSize);
      if (segment.dirtyTail) await files.ftruncate(segment.file, segment.durableSize + data.length);
      await files.fdatasync(segment.file);
      if (!segment.directorySynced) await syncDirectory(files, dir);
    } catch (error) {
      segment.dirtyTail = true;
      // If cutting back fails too, the tail stays dirty and prepare() cuts back before the next write.
      if (this.notice === undefined) await this.cutBack(segment).catch(() => undefined);
      throw error;
    }
    segment.dirtyTail = false;
    segment.directorySynced = true;
  }

  private async cutBack(segment: OpenSegment): Promise<void> {
    await this.settings.files.ftruncate(segment.file, segment.durableSize);
    await this.settings.files.fdatasync(segment.file);
    segment.dirtyTail = false;
  }

  private async startSegment(): Promise<OpenSegment> {
    const firstSequence = this.head.sequence + 1;
    const name = segmentName(firstSequence);
    const file = await this.settings.files.open(join(this.settings.dir, name), 'wx');
    this.open = {
      name,
      file,
      firstSequence,
      startedAt: this.settings.clock.now(),
      durableSize: 0,
      recordCount: 0,
      hash: createHash('sha256'),
      directorySynced: false,
      dirtyTail: false,
    };
    return this.open;
  }

  /** Trailer, then digest: a crash between the two is repaired at the next open. */
  private async seal(segment: OpenSegment): Promise<void> {
    await this.makeDurable(segment, SEGMENT_TRAILER);
    segment.hash.update(SEGMENT_TRAILER);
    this.open = undefined;
    this.unsigned = {
      name: segment.name,
      sha256: segment.hash.digest('hex'),
      firstSequence: segment.firstSequence,
      lastSequence: this.head.sequence,
      recordCount: segment.recordCount,
      lastRecordHash: this.head.hash,
      startedAt: segment.startedAt,
    };
    await this.settings.files.close(segment.file);
    await this.publishDigest(this.unsigned);
  }

  private async publishDigest(sealed: SealedSegment): Promise<void> {
    const { files, dir, chainId, fingerprint, signingKey, clock } = this.settings;
    const digest = describeSealedSegment(sealed, chainId, this.previousDigestSha256, fingerprint, clock.now());
    const bytes = signDigest(digest, signingKey);
    await writeFileDurably(files, join(dir, DIGESTS_DIRECTORY, digestFileName(sealed.name)), bytes);
    this.previousDigestSha256 = sha256Hex(bytes);
    this.unsigned = undefined;
  }

  private async probe(): Promise<void> {
    if (this.failure === undefined) return;
    try {
      await this.prepare();
      await this.probeDisk();
      this.failure = undefined;
    } catch (error) {
      this.failure = asError(error);
      throw new AuditTrailUnavailable('The audit trail cannot make records durable', { cause: error });
    }
  }

  private async probeDisk(): Promise<void> {
    const { files, dir } = this.settings;
    const path = join(dir, PROBE_FILE);
    const file = await files.open(path, 'w');
    try {
      await writeAll(files, file, Buffer.alloc(PROBE_BYTES), 0);
      await files.fdatasync(file);
    } finally {
      await files.close(file);
      await files.unlink(path);
    }
  }

  private sealIfDue(): void {
    const segment = this.open;
    if (segment !== undefined && this.rotationDue(segment)) void this.serial.run(() => this.maintain());
  }

  private async sealForClose(): Promise<void> {
    try {
      await this.prepare();
      if (this.open !== undefined && this.open.recordCount > 0) await this.seal(this.open);
    } finally {
      const segment = this.open;
      this.open = undefined;
      if (segment !== undefined) await this.settings.files.close(segment.file);
    }
  }
}
