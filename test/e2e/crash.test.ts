import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  paginateListAliases,
  paginateListKeys,
} from '@aws-sdk/client-kms';
import type { AuditRecord } from '../../src/audit/record.js';
import { PUBLIC_KEYS_DIRECTORY, readRecords, sequenceOf, verifyTrail } from '../../src/audit/trail/index.js';
import { isSegmentName, SEGMENT_TRAILER } from '../../src/audit/trail/segment-format.js';
import { killHard, type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * Crash safety: a real `trent server` child process is killed with SIGKILL in the middle of a burst of
 * CreateKey / CreateAlias / Encrypt. Whatever the client saw acknowledged (HTTP 200) must survive: after a
 * restart every acked key and alias exists and every acked ciphertext decrypts. And the audit trail survives
 * with it: every chain verifies, every 2xx has its record, and where a crash cut a record line, the next
 * start dropped it and said so with a TrentAuditRecovery record.
 */

const CYCLES = cyclesFromEnvironment();
const WORKERS = 8;
/** One chain is CreateKey -> CreateAlias -> Encrypt; the cap bounds a burst if the kill comes late. */
const MAX_CHAINS_PER_BURST = 400;
const KILL_AFTER_MILLIS = { min: 50, max: 400 };
const CREDENTIALS = {
  accessKeyId: 'AKIATRENTCRASHTEST01',
  secretAccessKey: 'trent-crash-test-secret-0123456789abcdef',
};
const REGION = 'us-east-1';
/** Every few cycles the test tears the open segments itself (see tearOpenSegments). */
const TEAR_EVERY_CYCLES = 5;
const PROCESS_EXIT_TIMEOUT_MILLIS = 5_000;
const RECOVERY_TIMEOUT_MILLIS = 15_000;
const NEWLINE = 0x0a;

function cyclesFromEnvironment(): number {
  const raw = process.env['TRENT_CRASH_CYCLES'];
  if (raw === undefined || raw === '') return 20;
  const cycles = Number(raw);
  if (!Number.isInteger(cycles) || cycles < 1)
    throw new Error(`TRENT_CRASH_CYCLES must be a positive integer, not ${raw}`);
  return cycles;
}

interface AckedAlias {
  readonly aliasName: string;
  readonly keyId: string;
}

interface AckedCiphertext {
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
  readonly plaintext: Buffer;
  readonly context: Record<string, string>;
}

interface Acked {
  readonly keyIds: string[];
  readonly aliases: AckedAlias[];
  readonly ciphertexts: AckedCiphertext[];
  /** Of every call answered 2xx, whatever it was. */
  readonly requestIds: string[];
}

const noneAcked = (): Acked => ({ keyIds: [], aliases: [], ciphertexts: [], requestIds: [] });

function appendAcked(into: Acked, from: Acked): void {
  into.keyIds.push(...from.keyIds);
  into.aliases.push(...from.aliases);
  into.ciphertexts.push(...from.ciphertexts);
  into.requestIds.push(...from.requestIds);
}

/** A client that adds the request id of each call answered 2xx to `acknowledged`. */
function kmsClient(url: string, acknowledged: string[]): KMSClient {
  const client = new KMSClient({
    endpoint: url,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 1_000 },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const { requestId } = result.output.$metadata;
      if (requestId !== undefined) acknowledged.push(requestId);
      return result;
    },
    { step: 'initialize', name: 'acknowledgedRequestIds' },
  );
  return client;
}

/** The processes `pid` started (a cluster primary's workers); empty where there are none. */
function childProcesses(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

/** Gone, or a zombie: a worker whose primary died is nobody's child, and init may never reap it here. */
function hasExited(pid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * SIGKILL to the server, and in cluster mode the wait until its workers have followed (they exit once the
 * primary's channel closes): only then do the trail's files hold what the crash left.
 */
async function killWithWorkers(server: ServerProcess): Promise<void> {
  const workers = server.child.pid === undefined ? [] : childProcesses(server.child.pid);
  await killHard(server);
  const deadline = Date.now() + PROCESS_EXIT_TIMEOUT_MILLIS;
  for (const worker of workers) {
    while (!hasExited(worker)) {
      assert.ok(Date.now() < deadline, `worker ${worker} still runs after its primary was killed`);
      await delay(20);
    }
  }
}

/** SIGTERM: the server closes its trail (seals the open segments, signs their digests) and exits 0. */
async function stopGracefully(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, `trent server did not stop cleanly; stderr:\n${server.stderr()}`);
}

interface Burst {
  readonly cycle: number;
  readonly kms: KMSClient;
  readonly acked: Acked;
  chainsStarted: number;
  inFlight: number;
  /** Set just before SIGKILL: a failure before it is a real error, a failure after it is expected. */
  killed: boolean;
}

async function whileInFlight<T>(burst: Burst, call: () => Promise<T>): Promise<T> {
  burst.inFlight++;
  try {
    return await call();
  } finally {
    burst.inFlight--;
  }
}

/** Runs chains until the server dies or the burst cap is reached; records only what got a 200. */
async function runWorker(burst: Burst): Promise<void> {
  const { kms, acked, cycle } = burst;
  while (burst.chainsStarted < MAX_CHAINS_PER_BURST && !burst.killed) {
    const chain = burst.chainsStarted++;
    try {
      const created = await whileInFlight(burst, () =>
        kms.send(new CreateKeyCommand({ Description: `crash ${cycle}-${chain}` })),
      );
      const keyId = created.KeyMetadata?.KeyId;
      assert.ok(keyId, 'CreateKey acknowledged without a KeyId');
      acked.keyIds.push(keyId);

      const aliasName = `alias/crash-${cycle}-${chain}`;
      await whileInFlight(burst, () => kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId })));
      acked.aliases.push({ aliasName, keyId });

      const plaintext = randomBytes(randomInt(1, 4_097));
      const context = { cycle: String(cycle), chain: String(chain) };
      const encrypted = await whileInFlight(burst, () =>
        kms.send(new EncryptCommand({ KeyId: aliasName, Plaintext: plaintext, EncryptionContext: context })),
      );
      assert.ok(encrypted.CiphertextBlob, 'Encrypt acknowledged without a CiphertextBlob');
      acked.ciphertexts.push({ keyId, ciphertext: encrypted.CiphertextBlob, plaintext, context });
    } catch (error) {
      if (!burst.killed || error instanceof assert.AssertionError) throw error;
      return;
    }
  }
}

/** Runs one burst against `server` and kills it mid-flight; returns what was acked and how many were in flight. */
async function burstAndKill(server: ServerProcess, cycle: number): Promise<{ acked: Acked; inFlightAtKill: number }> {
  const acked = noneAcked();
  const burst: Burst = {
    cycle,
    kms: kmsClient(server.url, acked.requestIds),
    acked,
    chainsStarted: 0,
    inFlight: 0,
    killed: false,
  };
  try {
    const workers = Promise.allSettled(Array.from({ length: WORKERS }, () => runWorker(burst)));
    await delay(randomInt(KILL_AFTER_MILLIS.min, KILL_AFTER_MILLIS.max + 1));
    const inFlightAtKill = burst.inFlight;
    burst.killed = true;
    await killWithWorkers(server);
    for (const outcome of await workers) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
    return { acked: burst.acked, inFlightAtKill };
  } finally {
    burst.kms.destroy();
  }
}

async function inParallel<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const drain = async () => {
    while (next < items.length) await check(items[next++] as T);
  };
  await Promise.all(Array.from({ length: WORKERS }, drain));
}

/** Cheap and cumulative: every acked key and alias appears in ListKeys / ListAliases with its target. */
async function verifyListed(kms: KMSClient, acked: Acked): Promise<void> {
  const listedKeys = new Set<string>();
  for await (const page of paginateListKeys({ client: kms, pageSize: 1000 }, {})) {
    for (const key of page.Keys ?? []) if (key.KeyId) listedKeys.add(key.KeyId);
  }
  const missingKeys = acked.keyIds.filter((keyId) => !listedKeys.has(keyId));
  assert.deepEqual(missingKeys, [], 'acknowledged keys missing after restart');

  const listedAliases = new Map<string, string | undefined>();
  for await (const page of paginateListAliases({ client: kms, pageSize: 100 }, {})) {
    for (const alias of page.Aliases ?? []) if (alias.AliasName) listedAliases.set(alias.AliasName, alias.TargetKeyId);
  }
  const wrongAliases = acked.aliases.filter(({ aliasName, keyId }) => listedAliases.get(aliasName) !== keyId);
  assert.deepEqual(wrongAliases, [], 'acknowledged aliases missing or pointing elsewhere after restart');
}

async function verifyDecrypts(kms: KMSClient, ciphertexts: readonly AckedCiphertext[]): Promise<void> {
  await inParallel(ciphertexts, async ({ keyId, ciphertext, plaintext, context }) => {
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context }));
    assert.ok(decrypted.KeyId?.endsWith(`:key/${keyId}`), `decrypted under ${decrypted.KeyId}, expected ${keyId}`);
    assert.ok(decrypted.Plaintext && plaintext.equals(decrypted.Plaintext), `plaintext differs for ${keyId}`);
  });
}

/** One by one: DescribeKey for every key and every alias, and Decrypt for every ciphertext. */
async function verifyEverything(kms: KMSClient, acked: Acked): Promise<void> {
  await inParallel(acked.keyIds, async (keyId) => {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata?.KeyId, keyId);
  });
  await inParallel(acked.aliases, async ({ aliasName, keyId }) => {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: aliasName }));
    assert.equal(described.KeyMetadata?.KeyId, keyId, `${aliasName} resolves to the wrong key`);
  });
  await verifyDecrypts(kms, acked.ciphertexts);
}

async function withRestartedServer(
  dataDir: string,
  acknowledged: string[],
  check: (kms: KMSClient) => Promise<void>,
  extraArguments: readonly string[] = [],
): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, CREDENTIALS, extraArguments);
  const kms = kmsClient(server.url, acknowledged);
  try {
    await check(kms);
  } catch (error) {
    await killHard(server);
    throw error;
  } finally {
    kms.destroy();
  }
  return server;
}

/** A record line cut short at the end of a chain's last segment: what the chain's next start must drop. */
interface Cut {
  readonly chain: string;
  readonly segment: string;
  readonly bytesDropped: number;
  readonly lastGoodSequence: number;
}

const cutKey = ({ chain, segment, bytesDropped, lastGoodSequence }: Cut) =>
  JSON.stringify([chain, segment, bytesDropped, lastGoodSequence]);

/** One directory per chain: 'main' for a single process, 'primary' and 'worker-<n>' for a cluster. */
function chainDirs(auditDir: string): string[] {
  if (!existsSync(auditDir)) return [];
  return readdirSync(auditDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== PUBLIC_KEYS_DIRECTORY)
    .map((entry) => join(auditDir, entry.name));
}

function lastSegment(chainDir: string): string | undefined {
  return readdirSync(chainDir).filter(isSegmentName).sort().at(-1);
}

async function recordsOf(chainDir: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of readRecords(chainDir)) records.push(record);
  return records;
}

/** The bytes after the last newline of each chain's last segment: the line a crash cut, where there is one. */
async function cutsIn(auditDir: string): Promise<Cut[]> {
  const cuts: Cut[] = [];
  for (const chainDir of chainDirs(auditDir)) {
    const segment = lastSegment(chainDir);
    if (segment === undefined) continue;
    const bytes = readFileSync(join(chainDir, segment));
    const bytesDropped = bytes.length - (bytes.lastIndexOf(NEWLINE) + 1);
    if (bytesDropped === 0) continue;
    const last = (await recordsOf(chainDir)).at(-1);
    const lastGoodSequence = last === undefined ? 0 : sequenceOf(last);
    cuts.push({ chain: basename(chainDir), segment, bytesDropped, lastGoodSequence });
  }
  return cuts;
}

/**
 * kill -9 leaves in the page cache every byte write() took, so it seldom cuts a line; a power cut does. So
 * on some cycles the test tears the open segments itself, as a write torn mid-way would leave them: half a
 * copy of the last line appended. Segments already cut, sealed or empty are left alone.
 */
function tearOpenSegments(auditDir: string): void {
  for (const chainDir of chainDirs(auditDir)) {
    const segment = lastSegment(chainDir);
    if (segment === undefined) continue;
    const path = join(chainDir, segment);
    const bytes = readFileSync(path);
    if (bytes.at(-1) !== NEWLINE || bytes.subarray(-SEGMENT_TRAILER.length).equals(SEGMENT_TRAILER)) continue;
    const lastLine = bytes.subarray(bytes.lastIndexOf(NEWLINE, bytes.length - 2) + 1);
    appendFileSync(path, lastLine.subarray(0, Math.ceil(lastLine.length / 2)));
  }
}

interface Recovery {
  readonly cut: Cut;
  /** Where the TrentAuditRecovery record itself sits in its chain. */
  readonly sequence: number;
}

function recoveriesIn(chain: string, records: readonly AuditRecord[]): Recovery[] {
  return records
    .filter((record) => record['eventName'] === 'TrentAuditRecovery')
    .map((record) => {
      const details = record['serviceEventDetails'] as Omit<Cut, 'chain'>;
      const { segment, bytesDropped, lastGoodSequence } = details;
      return { cut: { chain, segment, bytesDropped, lastGoodSequence }, sequence: sequenceOf(record) };
    });
}

async function recoveriesUnder(auditDir: string): Promise<Recovery[]> {
  const found: Recovery[] = [];
  for (const chainDir of chainDirs(auditDir)) {
    found.push(...recoveriesIn(basename(chainDir), await recordsOf(chainDir)));
  }
  return found;
}

/** A cluster's workers start after the primary answers: wait until each has recovered its chain. */
async function untilRecovered(auditDir: string, cuts: readonly Cut[]): Promise<void> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MILLIS;
  for (;;) {
    const recovered = new Set((await recoveriesUnder(auditDir)).map(({ cut }) => cutKey(cut)));
    const pending = cuts.filter((cut) => !recovered.has(cutKey(cut)));
    if (pending.length === 0) return;
    assert.ok(Date.now() < deadline, `no TrentAuditRecovery record for ${JSON.stringify(pending)}`);
    await delay(100);
  }
}

/**
 * Every chain verifies (records, chain, signed digests of the sealed segments); every call answered 2xx has
 * exactly one record, a success; every cut line is followed by the TrentAuditRecovery record that reports
 * it, and no recovery reports a cut that was not there.
 */
async function checkAuditTrail(auditDir: string, acknowledged: readonly string[], cuts: readonly Cut[]) {
  const keysDir = join(auditDir, PUBLIC_KEYS_DIRECTORY);
  const publicKeys = readdirSync(keysDir).map((name) => createPublicKey(readFileSync(join(keysDir, name))));
  const byRequestId = new Map<string, AuditRecord[]>();
  const recoveries: Recovery[] = [];
  for (const chainDir of chainDirs(auditDir)) {
    const report = await verifyTrail(chainDir, { publicKeys });
    assert.ok(report.ok, `audit chain ${basename(chainDir)} does not verify: ${JSON.stringify(report)}`);
    const records = await recordsOf(chainDir);
    for (const record of records) {
      const requestId = record['requestID'];
      if (typeof requestId === 'string') byRequestId.set(requestId, [...(byRequestId.get(requestId) ?? []), record]);
    }
    recoveries.push(...recoveriesIn(basename(chainDir), records));
  }
  const withoutOneSuccess = acknowledged.filter((requestId) => {
    const records = byRequestId.get(requestId) ?? [];
    return records.length !== 1 || records.some((record) => record['errorCode'] !== undefined);
  });
  assert.deepEqual(withoutOneSuccess, [], 'calls answered 2xx without exactly one success record');
  const misplaced = recoveries.filter(({ cut, sequence }) => sequence !== cut.lastGoodSequence + 1);
  assert.deepEqual(misplaced, [], 'TrentAuditRecovery records not right after the last good record');
  assert.deepEqual(
    recoveries.map(({ cut }) => cutKey(cut)).sort(),
    cuts.map(cutKey).sort(),
    'the TrentAuditRecovery records do not report exactly the cuts the crashes left',
  );
}

describe('crash safety of a real trent server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-crash-'));
  const running = new Set<ServerProcess>();
  after(async () => {
    await Promise.all([...running].map(killHard));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged key, alias and ciphertext across ${CYCLES} kill -9 cycles`, {
    timeout: 240_000,
  }, async (t) => {
    const everything = noneAcked();
    let lastBurst = noneAcked();
    let killsWithRequestsInFlight = 0;
    const auditDir = join(dataDir, 'audit');
    const cuts = new Map<string, Cut>();
    let cutsByKill = 0;
    const started = Date.now();

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const previous = lastBurst;
      // Every other cycle runs a primary with two workers: the kill takes the primary, its workers follow.
      const server = await withRestartedServer(
        dataDir,
        everything.requestIds,
        async (kms) => {
          await verifyListed(kms, everything);
          await verifyDecrypts(kms, previous.ciphertexts);
        },
        cycle % 2 === 1 ? ['--workers', '2'] : [],
      );
      running.add(server);
      const { acked, inFlightAtKill } = await burstAndKill(server, cycle);
      running.delete(server);
      if (inFlightAtKill > 0) killsWithRequestsInFlight++;
      appendAcked(everything, acked);
      lastBurst = acked;
      cutsByKill += (await cutsIn(auditDir)).filter((cut) => !cuts.has(cutKey(cut))).length;
      if (cycle % TEAR_EVERY_CYCLES === TEAR_EVERY_CYCLES - 1) tearOpenSegments(auditDir);
      for (const cut of await cutsIn(auditDir)) cuts.set(cutKey(cut), cut);
      t.diagnostic(
        `cycle ${cycle}: acked ${acked.keyIds.length} keys, ${acked.aliases.length} aliases, ` +
          `${acked.ciphertexts.length} ciphertexts; ${inFlightAtKill} requests in flight at the kill`,
      );
    }

    const final = await withRestartedServer(dataDir, everything.requestIds, (kms) => verifyEverything(kms, everything));
    running.add(final);
    await stopGracefully(final);
    running.delete(final);
    // Only a cluster opens (so recovers, and on SIGTERM seals) the primary's and the workers' chains.
    const cluster = await startServerProcess(dataDir, CREDENTIALS, ['--workers', '2']);
    running.add(cluster);
    await untilRecovered(auditDir, [...cuts.values()]);
    await stopGracefully(cluster);
    running.delete(cluster);
    await checkAuditTrail(auditDir, everything.requestIds, [...cuts.values()]);

    t.diagnostic(
      `${CYCLES} cycles in ${Date.now() - started} ms: ${everything.keyIds.length} keys, ` +
        `${everything.aliases.length} aliases, ${everything.ciphertexts.length} ciphertexts verified; ` +
        `${everything.requestIds.length} 2xx answers with their audit records, ${cuts.size} cut record lines ` +
        `recovered (${cutsByKill} cut by kill -9 itself)`,
    );
    assert.ok(everything.ciphertexts.length > 0, 'no request was ever acknowledged: the test proved nothing');
    assert.ok(cuts.size > 0, 'no record line was ever cut: recovery was never exercised');
    assert.ok(
      killsWithRequestsInFlight * 2 >= CYCLES,
      `only ${killsWithRequestsInFlight} of ${CYCLES} kills hit requests in flight`,
    );
  });
});
