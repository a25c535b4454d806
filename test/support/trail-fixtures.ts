/** Shared by the trail's tests only: temporary trail directories, keys, records and injectable files. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../src/audit/record.js';
import type { AuditFiles } from '../../src/audit/trail/files.js';
import { nodeFiles } from '../../src/audit/trail/files.js';
import { openTrail, type Trail, type TrailOptions } from '../../src/audit/trail/open.js';
import { ManualClock } from '../../src/shared/clock.js';

export const CHAIN_ID = 'test-chain';
export const START = Date.parse('2025-03-01T12:00:00Z');
const serviceEventContext = { recipientAccountId: '111122223333', awsRegion: 'eu-west-1' };

export interface TrailFixture {
  /** The chain's directory, <tmp>/audit/<chain id>. */
  readonly dir: string;
  readonly clock: ManualClock;
  readonly signingKey: KeyObject;
  readonly publicKey: KeyObject;
  open(options?: Partial<TrailOptions>): Promise<Trail>;
  segmentNames(): Promise<string[]>;
  segment(name: string): Promise<Buffer>;
  cleanUp(): Promise<void>;
}

/** Runs `test` against a fresh trail directory, removed afterwards whatever happens. */
export async function withTrailFixture(test: (fixture: TrailFixture) => Promise<void>): Promise<void> {
  const fixture = await trailFixture();
  try {
    await test(fixture);
  } finally {
    await fixture.cleanUp();
  }
}

export function ed25519(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

export async function trailFixture(): Promise<TrailFixture> {
  const root = await mkdtemp(join(tmpdir(), 'trent-trail-'));
  const dir = join(root, 'audit', CHAIN_ID);
  const clock = new ManualClock(START);
  const { privateKey, publicKey } = ed25519();
  return {
    dir,
    clock,
    signingKey: privateKey,
    publicKey,
    open: (options = {}) =>
      openTrail({ dir, chainId: CHAIN_ID, signingKey: privateKey, clock, serviceEventContext, ...options }),
    segmentNames: async () => (await readdir(dir)).filter((name) => name.endsWith('.json')).sort(),
    segment: (name) => readFile(join(dir, name)),
    cleanUp: () => rm(root, { recursive: true, force: true }),
  };
}

export function record(n: number): AuditRecord {
  return {
    eventVersion: '1.08',
    eventTime: '2025-03-01T12:00:00Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'Encrypt',
    eventID: `event-${n}`,
    requestParameters: { keyId: 'alias/test', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    readOnly: true,
  };
}

export function noSpace(call: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${call}`), { code: 'ENOSPC' });
}

/**
 * The default files, with switches that make write (after writing half of its bytes, as a disk filling up
 * does) or fdatasync fail with ENOSPC, and counters of each.
 */
export function faultyFiles(): {
  files: AuditFiles;
  fail: { write: boolean; fdatasync: boolean };
  calls: { write: number; fdatasync: number };
} {
  const fail = { write: false, fdatasync: false };
  const calls = { write: 0, fdatasync: 0 };
  const files: AuditFiles = {
    ...nodeFiles,
    write: async (file, data, position) => {
      calls.write += 1;
      if (!fail.write) return nodeFiles.write(file, data, position);
      await nodeFiles.write(file, data.subarray(0, Math.ceil(data.length / 2)), position);
      throw noSpace('write');
    },
    fdatasync: async (file) => {
      calls.fdatasync += 1;
      if (fail.fdatasync) throw noSpace('fdatasync');
      return nodeFiles.fdatasync(file);
    },
  };
  return { files, fail, calls };
}
