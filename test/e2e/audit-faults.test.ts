import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateKeyCommand,
  EncryptCommand,
  type KMSClient,
  ListKeysCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import type { AuditRecord } from '../../src/audit/record.js';
import {
  type AuditFiles,
  nodeFiles,
  PUBLIC_KEYS_DIRECTORY,
  readRecords,
  verifyTrail,
} from '../../src/audit/trail/index.js';
import { startTestTrent, type TestTrent } from '../support/trent.js';

/**
 * The audit trail fails closed when its disk fills up in the middle of a load, and comes back by itself once
 * space returns. A real Trent serves CreateKey, Encrypt and TagResource from 16 SDK clients while the disk
 * under <data dir>/audit is made full (ENOSPC injected through the trail's file layer, and, where the machine
 * allows mounting, a real tmpfs filled with a file), then freed. Afterwards the answers the clients got are
 * held against the trail: every 2xx has exactly one durable success record, nothing the disk refused was
 * answered 2xx or left a change behind, /readyz told the truth, and the trail verifies.
 */

const CONCURRENCY = 16;
const PHASE_MILLIS = { beforeFull: 700, full: 1_500, afterFreed: 1_000 };
const LOAD_OPERATIONS = ['CreateKey', 'Encrypt', 'TagResource'] as const;
/** What a refused call is told (http/call-audit.ts): no record, no result, no change. */
const AUDIT_REFUSAL = /could not be recorded in the audit trail/;
const REFUSAL_TIMEOUT_MILLIS = 5_000;
/** Room for the records of the whole load (about 1 KiB each) and the filler that takes the rest. */
const TMPFS_SIZE = '16m';

interface Answer {
  readonly operation: string;
  readonly requestId: string | undefined;
  /** Undefined when no HTTP answer came at all. */
  readonly status: number | undefined;
  readonly errorName: string | undefined;
  readonly message: string | undefined;
  /** performance.now() when the call was sent and when its answer arrived. */
  readonly sentAt: number;
  readonly answeredAt: number;
}

interface WithMetadata {
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** Sends one call and logs what came back; the output when it succeeded, else undefined. */
async function logged<Output extends WithMetadata>(
  answers: Answer[],
  operation: string,
  call: () => Promise<Output>,
): Promise<Output | undefined> {
  const sentAt = performance.now();
  try {
    const output = await call();
    const { httpStatusCode, requestId } = output.$metadata;
    answers.push({
      operation,
      requestId,
      status: httpStatusCode,
      errorName: undefined,
      message: undefined,
      sentAt,
      answeredAt: performance.now(),
    });
    return output;
  } catch (error) {
    const failure = error as Error & Partial<WithMetadata>;
    answers.push({
      operation,
      requestId: failure.$metadata?.requestId,
      status: failure.$metadata?.httpStatusCode,
      errorName: failure.name,
      message: failure.message,
      sentAt,
      answeredAt: performance.now(),
    });
    return undefined;
  }
}

const succeeded = (answer: Answer) => answer.status === 200;

/** What the load changed, as far as the answers say: only what got a 2xx. */
interface Acknowledged {
  readonly keyIds: Set<string>;
  /** Per key, the tag keys a TagResource was acknowledged for. */
  readonly tags: Map<string, Set<string>>;
}

function acknowledgeTag(acknowledged: Acknowledged, keyId: string, tagKey: string): void {
  const tags = acknowledged.tags.get(keyId) ?? new Set<string>();
  tags.add(tagKey);
  acknowledged.tags.set(keyId, tags);
}

interface LoadContext {
  readonly kms: KMSClient;
  readonly answers: Answer[];
  readonly acknowledged: Acknowledged;
  running: boolean;
}

/**
 * CreateKey, Encrypt under the newest key this worker created, TagResource on it with a tag key never used
 * before (so a refused one that stuck would show), and again, until stopped.
 */
async function loadWorker(context: LoadContext, worker: number, firstKeyId: string): Promise<void> {
  const { kms, answers, acknowledged } = context;
  let keyId = firstKeyId;
  for (let round = 0; context.running; round++) {
    const created = await logged(answers, 'CreateKey', () =>
      kms.send(new CreateKeyCommand({ Description: `load ${worker}-${round}` })),
    );
    const createdKeyId = created?.KeyMetadata?.KeyId;
    if (createdKeyId !== undefined) {
      acknowledged.keyIds.add(createdKeyId);
      keyId = createdKeyId;
    }
    await logged(answers, 'Encrypt', () =>
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(`${worker}-${round}`) })),
    );
    const tagKey = `load-${worker}-${round}`;
    const tagged = await logged(answers, 'TagResource', () =>
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: tagKey, TagValue: 'set' }] })),
    );
    if (tagged !== undefined) acknowledgeTag(acknowledged, keyId, tagKey);
  }
}

function startLoad(context: LoadContext, firstKeyIds: readonly string[]): { stop(): Promise<void> } {
  const workers = firstKeyIds.map((keyId, worker) => loadWorker(context, worker, keyId));
  return {
    async stop() {
      context.running = false;
      await Promise.all(workers);
    },
  };
}

async function readyStatus(url: string): Promise<number> {
  const response = await fetch(`${url}/readyz`);
  await response.arrayBuffer();
  return response.status;
}

/**
 * Asks /readyz until it answers `wanted` (or the time is up): on a real file system a batch small enough for
 * the room left in the segment's last page may still succeed, and the trail is healthy until the next fails.
 */
async function readyStatusUntil(url: string, wanted: number, timeoutMillis: number): Promise<number> {
  const deadline = performance.now() + timeoutMillis;
  let status = await readyStatus(url);
  while (status !== wanted && performance.now() < deadline) {
    await delay(20);
    status = await readyStatus(url);
  }
  return status;
}

async function until(condition: () => boolean, timeoutMillis: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMillis;
  while (!condition()) {
    assert.ok(performance.now() < deadline, `timed out waiting for ${what}`);
    await delay(10);
  }
}

/** What makes the disk under the audit directory full, and frees it again. */
interface DiskSpace {
  fill(): Promise<void>;
  free(): Promise<void>;
  /**
   * Bytes of records the trail may still make durable after fill() returned: nothing on the injected disk;
   * on a real file system, what is left of the page already allocated to the end of the open segment.
   */
  readonly slackBytes: number;
}

interface OutageRun {
  readonly answers: Answer[];
  readonly acknowledged: Acknowledged;
  /** After fill() returned: from here until freedAt, the disk takes no new block. */
  readonly fullAt: number;
  /** Before free() was called. */
  readonly freedAt: number;
  readonly ready: { readonly before: number; readonly whileFull: number; readonly after: number };
}

interface Outage {
  readonly fullAt: number;
  readonly freedAt: number;
  readonly readyWhileFull: number;
}

/**
 * Under load: the disk made full, /readyz asked once a call has been refused (so the trail knows it is
 * broken), the disk freed, the load going on. The disk is freed whatever failed meanwhile: a Trent cannot
 * even stop while its audit disk is full.
 */
async function outageUnderLoad(url: string, disk: DiskSpace, answers: readonly Answer[]): Promise<Outage> {
  await delay(PHASE_MILLIS.beforeFull);
  await disk.fill();
  const fullAt = performance.now();
  let readyWhileFull: number;
  let freedAt: number;
  try {
    await until(
      () => answers.some((answer) => answer.sentAt >= fullAt && answer.status === 500),
      REFUSAL_TIMEOUT_MILLIS,
      'a call refused on the full disk',
    );
    readyWhileFull = await readyStatusUntil(url, 503, REFUSAL_TIMEOUT_MILLIS);
    await delay(PHASE_MILLIS.full);
  } finally {
    freedAt = performance.now();
    await disk.free();
  }
  await delay(PHASE_MILLIS.afterFreed);
  return { fullAt, freedAt, readyWhileFull };
}

async function createFirstKeys(context: LoadContext): Promise<string[]> {
  const keyIds: string[] = [];
  for (let worker = 0; worker < CONCURRENCY; worker++) {
    const created = await logged(context.answers, 'CreateKey', () =>
      context.kms.send(new CreateKeyCommand({ Description: `first key of worker ${worker}` })),
    );
    const keyId = created?.KeyMetadata?.KeyId;
    assert.ok(keyId, 'CreateKey failed before the disk was full');
    context.acknowledged.keyIds.add(keyId);
    keyIds.push(keyId);
  }
  return keyIds;
}

/**
 * /readyz before, the outage under load, /readyz only once the load has stopped: so nothing but the load's
 * own calls can have brought the trail back.
 */
async function runThroughOutage(trent: TestTrent, disk: DiskSpace): Promise<OutageRun> {
  const context: LoadContext = {
    kms: trent.kms(),
    answers: [],
    acknowledged: { keyIds: new Set(), tags: new Map() },
    running: true,
  };
  const firstKeyIds = await createFirstKeys(context);
  const before = await readyStatus(trent.url);
  const load = startLoad(context, firstKeyIds);
  let outage: Outage;
  try {
    outage = await outageUnderLoad(trent.url, disk, context.answers);
  } finally {
    await load.stop();
  }
  const after = await readyStatus(trent.url);
  return {
    answers: context.answers,
    acknowledged: context.acknowledged,
    fullAt: outage.fullAt,
    freedAt: outage.freedAt,
    ready: { before, whileFull: outage.readyWhileFull, after },
  };
}

/** Sent once the disk was full and answered before space returned. */
function duringOutage(run: OutageRun): Answer[] {
  return run.answers.filter((answer) => answer.sentAt >= run.fullAt && answer.answeredAt <= run.freedAt);
}

function describeAnswers(answers: readonly Answer[]): string {
  return JSON.stringify(answers.slice(0, 5), null, 1);
}

/** Every answer is a 2xx or the audit refusal; the outage refused every kind of call; service came back. */
function checkAnswers(run: OutageRun): void {
  const unexpected = run.answers.filter(
    (answer) =>
      !succeeded(answer) &&
      !(
        answer.status === 500 &&
        answer.errorName === 'KMSInternalException' &&
        AUDIT_REFUSAL.test(answer.message ?? '')
      ),
  );
  assert.deepEqual(unexpected, [], `answers neither 2xx nor the audit refusal: ${describeAnswers(unexpected)}`);
  assert.ok(
    run.answers.every((answer) => answer.requestId !== undefined),
    'an answer without x-amzn-RequestId',
  );
  const refused = duringOutage(run).filter((answer) => !succeeded(answer));
  const resumed = run.answers.filter((answer) => answer.sentAt >= run.freedAt && succeeded(answer));
  for (const operation of LOAD_OPERATIONS) {
    assert.ok(
      refused.some((answer) => answer.operation === operation),
      `no ${operation} was refused while the disk was full`,
    );
    assert.ok(
      resumed.some((answer) => answer.operation === operation),
      `no ${operation} succeeded after space returned`,
    );
  }
  assert.deepEqual(run.ready, { before: 200, whileFull: 503, after: 200 }, '/readyz before, while full, after');
}

/** Nothing refused left a change: the keys and tags are exactly the acknowledged ones. */
async function checkNothingRefusedStuck(kms: KMSClient, answers: Answer[], acknowledged: Acknowledged) {
  const listed = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await logged(answers, 'ListKeys', () =>
      kms.send(new ListKeysCommand({ Limit: 1000, Marker: marker })),
    );
    assert.ok(page !== undefined, 'ListKeys failed');
    for (const key of page.Keys ?? []) if (key.KeyId !== undefined) listed.add(key.KeyId);
    marker = page.NextMarker;
  } while (marker !== undefined);
  assert.deepEqual([...listed].sort(), [...acknowledged.keyIds].sort(), 'ListKeys differs from the acknowledged keys');

  const keyIds = [...acknowledged.keyIds];
  const readers = Array.from({ length: CONCURRENCY }, async () => {
    for (let keyId = keyIds.pop(); keyId !== undefined; keyId = keyIds.pop()) {
      const found = await logged(answers, 'ListResourceTags', () =>
        kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50 })),
      );
      assert.ok(found !== undefined && found.Truncated !== true, `ListResourceTags ${keyId} failed`);
      const tagKeys = (found.Tags ?? []).map((tag) => tag.TagKey).sort();
      assert.deepEqual(tagKeys, [...(acknowledged.tags.get(keyId) ?? [])].sort(), `the tags of ${keyId}`);
    }
  });
  await Promise.all(readers);
}

function requestIdOf(record: AuditRecord): string | undefined {
  return record['eventType'] === 'AwsApiCall' && typeof record['requestID'] === 'string'
    ? record['requestID']
    : undefined;
}

const isSuccessRecord = (record: AuditRecord) => record['errorCode'] === undefined;

async function apiCallRecordsByRequestId(chainDir: string): Promise<Map<string, AuditRecord[]>> {
  const byRequestId = new Map<string, AuditRecord[]>();
  for await (const record of readRecords(chainDir)) {
    const requestId = requestIdOf(record);
    if (requestId !== undefined) byRequestId.set(requestId, [...(byRequestId.get(requestId) ?? []), record]);
  }
  return byRequestId;
}

/** A record line's bytes in the segment: the line as written, its leading comma and its newline. */
const recordBytes = (record: AuditRecord) => Buffer.byteLength(JSON.stringify(record)) + 2;

/**
 * Every 2xx has exactly one record, a success; every success record was answered 2xx; records are only of
 * calls the clients made; and what was answered 2xx during the outage fits in what the disk still had.
 */
function checkRecordsAgainstAnswers(run: OutageRun, records: Map<string, AuditRecord[]>, slackBytes: number) {
  const answerOf = new Map(run.answers.map((answer) => [answer.requestId, answer]));
  const ackedWithoutOneSuccess = run.answers.filter((answer) => {
    const found = records.get(answer.requestId ?? '') ?? [];
    return succeeded(answer) && !(found.length === 1 && found.every(isSuccessRecord));
  });
  assert.deepEqual(ackedWithoutOneSuccess, [], `2xx answers without exactly one success record`);
  const strangers = [...records.keys()].filter((requestId) => !answerOf.has(requestId));
  assert.deepEqual(strangers, [], 'records of requests no client made');
  const successOfRefused = [...records.values()]
    .flat()
    .filter((record) => isSuccessRecord(record) && answerOf.get(requestIdOf(record))?.status !== 200);
  assert.deepEqual(successOfRefused, [], 'success records of calls that were not answered 2xx');

  const ackedWhileFull = duringOutage(run).filter(succeeded);
  const bytesWhileFull = ackedWhileFull
    .flatMap((answer) => records.get(answer.requestId ?? '') ?? [])
    .reduce((total, record) => total + recordBytes(record), 0);
  assert.ok(
    bytesWhileFull <= slackBytes,
    `${ackedWhileFull.length} calls answered 2xx while the disk was full (${bytesWhileFull} bytes of records, ` +
      `${slackBytes} were free): ${describeAnswers(ackedWhileFull)}`,
  );
}

async function checkTrailVerifies(auditDir: string, chainId: string): Promise<void> {
  const keysDir = join(auditDir, PUBLIC_KEYS_DIRECTORY);
  const publicKeys = readdirSync(keysDir).map((name) => createPublicKey(readFileSync(join(keysDir, name))));
  const report = await verifyTrail(join(auditDir, chainId), { publicKeys });
  assert.ok(report.ok, `the trail does not verify: ${JSON.stringify(report)}`);
}

function summary(run: OutageRun): string {
  const during = duringOutage(run);
  const count = (answers: readonly Answer[]) => `${answers.filter(succeeded).length}/${answers.length}`;
  return `2xx/answers: ${count(run.answers)} in all, ${count(during)} sent and answered while the disk was full`;
}

/** The whole scenario against a Trent whose audit directory sits on `disk`; the trail is read once it stopped. */
async function outageScenario(t: TestContext, trent: TestTrent, disk: DiskSpace): Promise<void> {
  let run: OutageRun;
  try {
    run = await runThroughOutage(trent, disk);
    t.diagnostic(summary(run));
    checkAnswers(run);
    await checkNothingRefusedStuck(trent.kms(), run.answers, run.acknowledged);
  } finally {
    await trent.stop();
  }
  const auditDir = join(trent.dataDir, 'audit');
  checkRecordsAgainstAnswers(run, await apiCallRecordsByRequestId(join(auditDir, 'main')), disk.slackBytes);
  await checkTrailVerifies(auditDir, 'main');
}

function enospc(syscall: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', syscall });
}

/**
 * nodeFiles on a disk that can be made full: then writes get a short count for the few bytes still free and
 * ENOSPC after that, and fdatasync and fsync fail with ENOSPC (blocks the page cache took and the file system
 * could not allocate). Cutting a file shorter still works, as it does on a full disk.
 */
class FillableDisk implements DiskSpace {
  readonly slackBytes = 0;
  /** Failures handed out: the trail did meet the full disk. */
  refusals = 0;
  private freeBytes = Number.POSITIVE_INFINITY;

  readonly files: AuditFiles = {
    ...nodeFiles,
    write: async (file, data, position) => {
      if (this.freeBytes <= 0) throw this.refuse('write');
      const taken = Math.min(data.length, this.freeBytes);
      this.freeBytes -= taken;
      return nodeFiles.write(file, data.subarray(0, taken), position);
    },
    fdatasync: async (file) => {
      if (this.full) throw this.refuse('fdatasync');
      await nodeFiles.fdatasync(file);
    },
    fsync: async (file) => {
      if (this.full) throw this.refuse('fsync');
      await nodeFiles.fsync(file);
    },
  };

  /** Leaves a few hundred bytes, less than a record: the first write that reaches them is cut short. */
  async fill(): Promise<void> {
    this.freeBytes = 300;
  }

  async free(): Promise<void> {
    this.freeBytes = Number.POSITIVE_INFINITY;
  }

  private get full(): boolean {
    return Number.isFinite(this.freeBytes);
  }

  private refuse(syscall: string): Error {
    this.refusals++;
    return enospc(syscall);
  }
}

describe('the audit trail on a disk that fills up mid-load (ENOSPC injected)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-audit-enospc-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses every call while no record can be made durable, changes nothing, and resumes by itself', {
    timeout: 60_000,
  }, async (t) => {
    const disk = new FillableDisk();
    await outageScenario(t, await startTestTrent({ dataDir, overrides: { auditFiles: disk.files } }), disk);
    assert.ok(disk.refusals > 0, 'the trail never touched the full disk');
  });

  it('a Trent stopped while its audit disk is full still releases the data dir', { timeout: 30_000 }, async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'trent-audit-close-full-'));
    try {
      const disk = new FillableDisk();
      const first = await startTestTrent({ dataDir: ownDir, overrides: { auditFiles: disk.files } });
      await first.kms().send(new CreateKeyCommand({}));
      await disk.fill();
      await assert.rejects(first.stop(), /ENOSPC/, 'sealing the segment on a full disk fails');
      await disk.free();
      const second = await startTestTrent({ dataDir: ownDir });
      assert.equal((await second.kms().send(new ListKeysCommand({}))).Keys?.length, 1);
      await second.stop();
    } finally {
      rmSync(ownDir, { recursive: true, force: true });
    }
  });
});

/** The page size of the machine: how much a file may grow on a full tmpfs without a new page. */
function pageSize(): number {
  return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
}

/** Mounts a tmpfs of `size` on `dir`; the reason it cannot, where it cannot. */
function mountTmpfs(dir: string, size: string): string | undefined {
  if (process.platform !== 'linux') return `tmpfs needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `mount -t tmpfs failed: ${stderr || String(error)}`;
  }
}

/** Writes a new file at `path` until the file system refuses: what is left free is less than a page. */
async function fillWithFile(path: string): Promise<void> {
  const file = await open(path, 'wx');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    await file.close();
  }
}

describe('the audit trail on a real tmpfs that fills up mid-load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-audit-tmpfs-'));
  const auditDir = join(dataDir, 'audit');
  let notMounted: string | undefined = 'not tried';
  before(() => {
    mkdirSync(auditDir);
    notMounted = mountTmpfs(auditDir, TMPFS_SIZE);
  });
  after(() => {
    // Lazily: a Trent that failed to stop may still hold files open there.
    if (notMounted === undefined) execFileSync('umount', ['-l', auditDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses calls while the file system is full, changes nothing, and resumes once a file is deleted', {
    timeout: 60_000,
  }, async (t) => {
    if (notMounted !== undefined) {
      t.skip(notMounted);
      return;
    }
    const filler = join(auditDir, 'filler');
    const disk: DiskSpace = {
      fill: () => fillWithFile(filler),
      free: () => unlink(filler),
      slackBytes: pageSize(),
    };
    await outageScenario(t, await startTestTrent({ dataDir }), disk);
  });
});
