import type { KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import type { AuditRecord, AuditSink } from '../record.js';
import { DIGESTS_DIRECTORY, publicKeyFingerprint, publicKeyPem } from './digest.js';
import { type AuditFiles, exists, nodeFiles, syncDirectory, writeFileDurably } from './files.js';
import { recoverTrail, recoveryRecord, type ServiceEventContext } from './recovery.js';
import { TrailWriter } from './writer.js';

export const DEFAULT_ROTATE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_ROTATE_MILLIS = 5 * 60 * 1000;
/** Beside the chains' directories: one PEM per signing key, named by its fingerprint, shared by all chains. */
export const PUBLIC_KEYS_DIRECTORY = 'public-keys';

export interface TrailOptions {
  /** The chain's directory, e.g. <data dir>/audit/<chainId>. */
  readonly dir: string;
  readonly chainId: string;
  /** Ed25519 private key that signs the digests. */
  readonly signingKey: KeyObject;
  readonly clock: Clock;
  readonly files?: AuditFiles;
  /** Seal a segment once it holds this many bytes (checked before each batch). Default 8 MiB. */
  readonly rotateBytes?: number;
  /** Seal a segment once it is this old, even when idle. Default 5 minutes. */
  readonly rotateMillis?: number;
  /** Receives a copy of each durable record line (for a SIEM), after its fdatasync. Must not throw. */
  readonly stream?: (line: string) => void;
  /**
   * Called after each durable batch with its records as appended (without their chain member: `stream` has the
   * lines); reports its own failures, which never take back an acknowledgement.
   */
  readonly afterBatch?: (records: AuditRecord[]) => Promise<void>;
  /** Account and Region written into the trail's own service event (TrentAuditRecovery). */
  readonly serviceEventContext: ServiceEventContext;
}

export interface Trail extends AuditSink {
  readonly dir: string;
  readonly chainId: string;
}

export function publicKeyPath(trailDir: string, fingerprint: string): string {
  return join(dirname(trailDir), PUBLIC_KEYS_DIRECTORY, `${fingerprint}.pem`);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0) throw new RangeError(`${name} must be a positive number`);
  return chosen;
}

async function publishPublicKey(files: AuditFiles, path: string, signingKey: KeyObject): Promise<void> {
  if (await exists(files, path)) return;
  await files.mkdir(dirname(path));
  await writeFileDurably(files, path, Buffer.from(publicKeyPem(signingKey)));
}

/**
 * Opens (creating if needed) the trail in `dir`, repairs its tail (see recovery.ts) and returns the sink.
 * Fails when the trail cannot be read or does not continue its last digest. When the disk refuses what
 * recovery must write (its record, a missing digest), the trail opens broken, exactly as after a failed
 * append: healthCheck throws, and each append tries again, recovery's writes first.
 */
export async function openTrail(options: TrailOptions): Promise<Trail> {
  const { dir, chainId, signingKey, clock } = options;
  if (signingKey.type !== 'private' || signingKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('The audit signing key must be an Ed25519 private key');
  }
  const rotateBytes = positive(options.rotateBytes, DEFAULT_ROTATE_BYTES, 'rotateBytes');
  const rotateMillis = positive(options.rotateMillis, DEFAULT_ROTATE_MILLIS, 'rotateMillis');
  const files = options.files ?? nodeFiles;
  const fingerprint = publicKeyFingerprint(signingKey);
  await files.mkdir(join(dir, DIGESTS_DIRECTORY));
  // The directories, and every entry already in them (a segment created just before a crash), made durable.
  await syncDirectory(files, dirname(dir));
  await syncDirectory(files, dir);
  await publishPublicKey(files, publicKeyPath(dir, fingerprint), signingKey);

  const recovery = await recoverTrail(files, dir, chainId, clock.now());
  const { stream, afterBatch } = options;
  const settings = {
    files,
    dir,
    chainId,
    signingKey,
    fingerprint,
    clock,
    rotateBytes,
    rotateMillis,
    stream,
    afterBatch,
  };
  const writer = new TrailWriter(settings, recovery.position, recovery.unsigned);
  if (recovery.open !== undefined) {
    const notice = recovery.cut && recoveryRecord(recovery.cut, clock.now(), options.serviceEventContext);
    await writer.resume(recovery.open, notice);
  }
  await writer.start();
  return {
    dir,
    chainId,
    append: (record) => writer.append(record),
    healthCheck: () => writer.healthCheck(),
    close: () => writer.close(),
  };
}
