import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { killHard, type ServerProcess, startServerProcess } from '../support/server-process.js';

/**
 * Crash safety: a real `trent server` child process is killed with SIGKILL in the middle of a burst of
 * CreateKey / CreateAlias / Encrypt. Whatever the client saw acknowledged (HTTP 200) must survive: after a
 * restart every acked key and alias exists and every acked ciphertext decrypts.
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
}

const noneAcked = (): Acked => ({ keyIds: [], aliases: [], ciphertexts: [] });

function appendAcked(into: Acked, from: Acked): void {
  into.keyIds.push(...from.keyIds);
  into.aliases.push(...from.aliases);
  into.ciphertexts.push(...from.ciphertexts);
}

function kmsClient(url: string): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 1_000 },
  });
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
  const burst: Burst = {
    cycle,
    kms: kmsClient(server.url),
    acked: noneAcked(),
    chainsStarted: 0,
    inFlight: 0,
    killed: false,
  };
  try {
    const workers = Promise.allSettled(Array.from({ length: WORKERS }, () => runWorker(burst)));
    await delay(randomInt(KILL_AFTER_MILLIS.min, KILL_AFTER_MILLIS.max + 1));
    const inFlightAtKill = burst.inFlight;
    burst.killed = true;
    await killHard(server);
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
  check: (kms: KMSClient) => Promise<void>,
  extraArguments: readonly string[] = [],
): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, CREDENTIALS, extraArguments);
  const kms = kmsClient(server.url);
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
    const started = Date.now();

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const previous = lastBurst;
      // Every other cycle runs a primary with two workers: the kill takes the primary, its workers follow.
      const server = await withRestartedServer(
        dataDir,
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
      t.diagnostic(
        `cycle ${cycle}: acked ${acked.keyIds.length} keys, ${acked.aliases.length} aliases, ` +
          `${acked.ciphertexts.length} ciphertexts; ${inFlightAtKill} requests in flight at the kill`,
      );
    }

    const final = await withRestartedServer(dataDir, (kms) => verifyEverything(kms, everything));
    running.add(final);
    await killHard(final);
    running.delete(final);

    t.diagnostic(
      `${CYCLES} cycles in ${Date.now() - started} ms: ${everything.keyIds.length} keys, ` +
        `${everything.aliases.length} aliases, ${everything.ciphertexts.length} ciphertexts verified`,
    );
    assert.ok(everything.ciphertexts.length > 0, 'no request was ever acknowledged: the test proved nothing');
    assert.ok(
      killsWithRequestsInFlight * 2 >= CYCLES,
      `only ${killsWithRequestsInFlight} of ${CYCLES} kills hit requests in flight`,
    );
  });
});
