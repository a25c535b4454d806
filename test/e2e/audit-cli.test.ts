import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { apiCallRecord } from '../../src/audit/cloudtrail.js';
import type { AuditIdentity, AuditRecord } from '../../src/audit/record.js';
import { publicKeyFingerprint, publicKeyPem, signDigest } from '../../src/audit/trail/digest.js';
import { lastRecords, openTrail, readRecords, sequenceOf, type Trail, trailEnd } from '../../src/audit/trail/index.js';
import { systemClock } from '../../src/shared/clock.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_TIMEOUT_MILLIS = 30_000;

const ACCOUNT = '111122223333';
const T0 = Date.parse('2025-03-01T12:00:00Z');
const K1 = '1234abcd-12ab-34cd-56ef-1234567890ab';
const K2 = '0987dcba-09fe-87dc-65ba-ab0987654321';
const keyArn = (id: string) => `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${id}`;

const ALICE: AuditIdentity = {
  type: 'IAMUser',
  principalId: 'AIDAALICE',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAALICE',
  userName: 'alice',
};
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`;
const SESSION: AuditIdentity = {
  type: 'AssumedRole',
  principalId: 'AROAAPP:nightly',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/nightly`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAAPP',
  sessionIssuer: { roleId: 'AROAAPP', roleArn: ROLE_ARN, roleName: 'app' },
};
const ROOT: AuditIdentity = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAROOT',
};

interface Call {
  readonly eventName: string;
  readonly identity: AuditIdentity;
  /** The KeyId the request named. */
  readonly keyId?: string;
  /** The keys the call touched. */
  readonly resources: readonly string[];
  readonly error?: string;
}

/**
 * Call n happened at T0 + n seconds with request id req-n; even calls are in chain main, odd ones in
 * worker-2, so that only a merge by eventTime gives them back in order.
 */
const CALLS: readonly Call[] = [
  { eventName: 'Encrypt', identity: ALICE, keyId: K1, resources: [keyArn(K1)] },
  { eventName: 'Decrypt', identity: SESSION, resources: [keyArn(K1)] },
  { eventName: 'CreateKey', identity: ROOT, resources: [keyArn(K2)] },
  { eventName: 'Decrypt', identity: ALICE, keyId: keyArn(K2), resources: [keyArn(K2)], error: 'AccessDeniedException' },
  { eventName: 'Encrypt', identity: SESSION, keyId: 'alias/app', resources: [keyArn(K2)] },
  { eventName: 'DescribeKey', identity: ALICE, keyId: 'alias/missing', resources: [], error: 'NotFoundException' },
  { eventName: 'Decrypt', identity: SESSION, resources: [keyArn(K1)] },
  { eventName: 'Encrypt', identity: ROOT, keyId: keyArn(K1), resources: [keyArn(K1)] },
  { eventName: 'Decrypt', identity: ALICE, keyId: K1, resources: [keyArn(K1)], error: 'AccessDeniedException' },
  { eventName: 'GenerateDataKey', identity: SESSION, keyId: K2, resources: [keyArn(K2)] },
];

function auditRecord(n: number, call: Call): AuditRecord {
  return apiCallRecord({
    eventTime: T0 + n * 1000,
    eventSource: 'kms.amazonaws.com',
    eventName: call.eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'test',
    identity: call.identity,
    requestParameters: call.keyId === undefined ? {} : { KeyId: call.keyId },
    responseElements: {},
    requestId: `req-${n}`,
    eventId: `event-${n}`,
    readOnly: false,
    resourceArns: call.resources,
    ...(call.error === undefined ? {} : { error: { code: call.error, message: 'refused' } }),
    recipientAccountId: ACCOUNT,
  });
}

interface Trails {
  readonly dataDir: string;
  readonly signingKey: KeyObject;
  /** The PEM of the key that signed the digests, as an operator would hold it. */
  readonly publicKeyFile: string;
  chainDir(chainId: string): string;
  open(chainId: string): Promise<Trail>;
  /** Segment file names of a chain, in order. */
  segments(chainId: string): Promise<string[]>;
  cleanUp(): Promise<void>;
}

async function emptyTrails(): Promise<Trails> {
  const root = await mkdtemp(join(tmpdir(), 'trent-audit-cli-'));
  const dataDir = join(root, 'data');
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKeyFile = join(root, 'trusted.pem');
  await writeFile(publicKeyFile, publicKeyPem(privateKey));
  const chainDir = (chainId: string) => join(dataDir, 'audit', chainId);
  return {
    dataDir,
    signingKey: privateKey,
    publicKeyFile,
    chainDir,
    open: (chainId) =>
      openTrail({
        dir: chainDir(chainId),
        chainId,
        signingKey: privateKey,
        clock: systemClock,
        // About two records a segment, so that every chain has several sealed segments.
        rotateBytes: 1000,
        serviceEventContext: { recipientAccountId: ACCOUNT, awsRegion: 'eu-west-1' },
      }),
    segments: async (chainId) => (await readdir(chainDir(chainId))).filter((name) => name.endsWith('.json')).sort(),
    cleanUp: () => rm(root, { recursive: true, force: true }),
  };
}

/** The calls written to chains main and worker-2; both left open when `keepOpen`, else closed (sealed). */
async function writtenTrails(keepOpen = false): Promise<{ trails: Trails; open: Trail[] }> {
  const trails = await emptyTrails();
  const main = await trails.open('main');
  const worker = await trails.open('worker-2');
  for (const [n, call] of CALLS.entries()) await (n % 2 === 0 ? main : worker).append(auditRecord(n, call));
  if (keepOpen) return { trails, open: [main, worker] };
  await main.close();
  await worker.close();
  return { trails, open: [] };
}

interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function trent(...args: string[]): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const options = { cwd: REPO_ROOT, timeout: CLI_TIMEOUT_MILLIS };
    execFile(process.execPath, ['--import', 'tsx', 'cli/trent.ts', ...args], options, (error, stdout, stderr) => {
      if (error?.killed) reject(new Error(`trent ${args.join(' ')} timed out:\n${stderr}`));
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function requestIds(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => String((JSON.parse(line) as AuditRecord)['requestID']));
}

const ids = (...numbers: number[]) => numbers.map((n) => `req-${n}`);

/** The segment of `chainId` whose record carries `requestId`. */
async function segmentHolding(trails: Trails, chainId: string, requestId: string): Promise<string> {
  for (const name of await trails.segments(chainId)) {
    if ((await readFile(join(trails.chainDir(chainId), name), 'utf8')).includes(`"requestID":"${requestId}"`)) {
      return name;
    }
  }
  throw new Error(`no segment of ${chainId} holds ${requestId}`);
}

describe('trent audit verify', () => {
  it('reports each chain intact, trusting the stored keys with a warning, or the given key without one', async () => {
    const { trails } = await writtenTrails();
    try {
      const mainSegments = (await trails.segments('main')).length;
      const workerSegments = (await trails.segments('worker-2')).length;
      assert.ok(mainSegments > 1 && workerSegments > 1, 'several segments per chain');
      const expected =
        `chain main: ok, 5 records, ${mainSegments} segments, last sequence 5\n` +
        `chain worker-2: ok, 5 records, ${workerSegments} segments, last sequence 5\n`;

      const stored = await trent('audit', 'verify', '--data-dir', trails.dataDir);
      assert.equal(stored.code, 0, stored.stderr);
      assert.equal(stored.stdout, expected);
      assert.match(stored.stderr, /warning: .*public-keys.*against accidents only.*--public-key/s);

      const given = await trent('audit', 'verify', '--data-dir', trails.dataDir, '--public-key', trails.publicKeyFile);
      assert.equal(given.code, 0, given.stderr);
      assert.equal(given.stdout, expected);
      assert.equal(given.stderr, '');
    } finally {
      await trails.cleanUp();
    }
  });

  it('fails with a public key that did not sign the digests', async () => {
    const { trails } = await writtenTrails();
    try {
      const otherKeyFile = join(trails.dataDir, '..', 'other.pem');
      await writeFile(otherKeyFile, publicKeyPem(generateKeyPairSync('ed25519').privateKey));
      const result = await trent('audit', 'verify', '--data-dir', trails.dataDir, '--public-key', otherKeyFile);
      assert.equal(result.code, 1);
      const [first] = await trails.segments('main');
      assert.match(
        result.stdout,
        new RegExp(`^chain main: FAILED digest-forged in .*/main/${first}: signed by a key that is not trusted$`, 'm'),
      );
    } finally {
      await trails.cleanUp();
    }
  });

  it('names the record edited, its segment and its sequence', async () => {
    const { trails } = await writtenTrails();
    try {
      // Call 4 is main's third record.
      const segment = await segmentHolding(trails, 'main', 'req-4');
      const path = join(trails.chainDir('main'), segment);
      const original = await readFile(path, 'utf8');
      const edited = original.replace('"eventName":"Encrypt"', '"eventName":"Decrypt"');
      assert.notEqual(edited, original);
      await writeFile(path, edited);

      const result = await trent('audit', 'verify', '--data-dir', trails.dataDir);
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        new RegExp(`^chain main: FAILED record-changed in .*/main/${segment}, sequence 3: `, 'm'),
      );
      assert.match(result.stdout, /^chain worker-2: ok, 5 records/m, 'the other chain is still verified');
    } finally {
      await trails.cleanUp();
    }
  });

  it('names a deleted segment', async () => {
    const { trails } = await writtenTrails();
    try {
      const [, second] = await trails.segments('worker-2');
      assert.ok(second !== undefined);
      await unlink(join(trails.chainDir('worker-2'), second));
      const result = await trent('audit', 'verify', '--data-dir', trails.dataDir, '--public-key', trails.publicKeyFile);
      assert.equal(result.code, 1);
      assert.match(result.stdout, new RegExp(`^chain worker-2: FAILED segment-missing in .*/worker-2/${second}`, 'm'));
    } finally {
      await trails.cleanUp();
    }
  });

  it('tells a forged digest; one re-signed by a key planted beside the trail only with the key given', async () => {
    const { trails } = await writtenTrails();
    try {
      const digests = join(trails.chainDir('main'), 'digests');
      const segments = await trails.segments('main');
      const [first] = segments;
      const last = segments.at(-1);
      assert.ok(first !== undefined && last !== undefined && first !== last);
      const digestPath = (segment: string) => join(digests, `${segment}.digest.json`);

      // An attacker who can rewrite the directory re-signs the last digest and plants the key beside the trail.
      const attacker = generateKeyPairSync('ed25519').privateKey;
      const signed = JSON.parse(await readFile(digestPath(last), 'utf8'));
      const resigned = { ...signed.digest, publicKeyFingerprint: publicKeyFingerprint(attacker) };
      await writeFile(digestPath(last), signDigest(resigned, attacker));
      await writeFile(
        join(trails.dataDir, 'audit', 'public-keys', `${publicKeyFingerprint(attacker)}.pem`),
        publicKeyPem(attacker),
      );
      const fooled = await trent('audit', 'verify', '--data-dir', trails.dataDir);
      assert.equal(fooled.code, 0, 'the stored keys cannot tell; that is what the warning says');
      const caught = await trent('audit', 'verify', '--data-dir', trails.dataDir, '--public-key', trails.publicKeyFile);
      assert.equal(caught.code, 1);
      assert.match(
        caught.stdout,
        new RegExp(`^chain main: FAILED digest-forged in .*/main/${last}: .*not trusted`, 'm'),
      );

      // A digest changed without its signature.
      const firstDigest = JSON.parse(await readFile(digestPath(first), 'utf8'));
      firstDigest.digest.recordCount += 1;
      await writeFile(digestPath(first), `${JSON.stringify(firstDigest)}\n`);
      const changed = await trent('audit', 'verify', '--data-dir', trails.dataDir);
      assert.equal(changed.code, 1);
      assert.match(
        changed.stdout,
        new RegExp(`^chain main: FAILED digest-forged in .*/main/${first}: the signature does not hold$`, 'm'),
      );
    } finally {
      await trails.cleanUp();
    }
  });

  it('refuses a data directory without a trail, and a key file that is not a public key', async () => {
    const { trails } = await writtenTrails();
    try {
      const empty = await trent('audit', 'verify', '--data-dir', join(trails.dataDir, 'nothing-here'));
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /No audit trail in/);
      const notAKey = join(trails.dataDir, '..', 'not-a-key.pem');
      await writeFile(notAKey, 'hello');
      const garbled = await trent('audit', 'verify', '--data-dir', trails.dataDir, '--public-key', notAKey);
      assert.equal(garbled.code, 1);
      assert.match(garbled.stderr, /not-a-key\.pem is not a PEM public key/);
    } finally {
      await trails.cleanUp();
    }
  });
});

describe('trent audit query', () => {
  let trails: Trails;
  before(async () => {
    trails = (await writtenTrails()).trails;
  });
  after(() => trails.cleanUp());

  const query = async (...args: string[]) => {
    const result = await trent('audit', 'query', '--data-dir', trails.dataDir, ...args);
    assert.equal(result.code, 0, result.stderr);
    return requestIds(result.stdout);
  };

  it('prints every record of every chain by eventTime, each as written', async () => {
    const result = await trent('audit', 'query', '--data-dir', trails.dataDir);
    assert.deepEqual(requestIds(result.stdout), ids(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    const [first] = result.stdout.split('\n');
    assert.deepEqual(JSON.parse(first ?? ''), {
      ...auditRecord(0, CALLS[0] as Call),
      trentChain: JSON.parse(first ?? '').trentChain,
    });
    assert.equal(JSON.parse(first ?? '').trentChain.chainId, 'main');
  });

  it('filters by each criterion', async () => {
    const [eventName, keyById, keyByArn, alias, user, role, session, errorCode, requestId, window, limit, chain] =
      await Promise.all([
        query('--event-name', 'Decrypt'),
        query('--key-id', K1),
        query('--key-id', keyArn(K2)),
        query('--key-id', 'alias/missing'),
        query('--principal', ALICE.arn),
        query('--principal', ROLE_ARN),
        query('--principal', SESSION.arn),
        query('--error-code', 'AccessDeniedException'),
        query('--request-id', 'req-7'),
        query('--from', '2025-03-01T12:00:03Z', '--to', '2025-03-01T12:00:06Z'),
        query('--limit', '3'),
        query('--chain', 'worker-2'),
      ]);
    assert.deepEqual(eventName, ids(1, 3, 6, 8));
    assert.deepEqual(keyById, ids(0, 1, 6, 7, 8));
    assert.deepEqual(keyByArn, ids(2, 3, 4, 9));
    assert.deepEqual(alias, ids(5));
    assert.deepEqual(user, ids(0, 3, 5, 8));
    assert.deepEqual(role, ids(1, 4, 6, 9));
    assert.deepEqual(session, ids(1, 4, 6, 9));
    assert.deepEqual(errorCode, ids(3, 8));
    assert.deepEqual(requestId, ids(7));
    assert.deepEqual(window, ids(3, 4, 5, 6));
    assert.deepEqual(limit, ids(0, 1, 2));
    assert.deepEqual(chain, ids(1, 3, 5, 7, 9));
  });

  it('combines filters: every one must hold', async () => {
    const [decryptsOfK1Later, byAlice, limited] = await Promise.all([
      query('--event-name', 'Decrypt', '--key-id', K1, '--from', '2025-03-01T12:00:02Z'),
      query('--event-name', 'Decrypt', '--key-id', K1, '--from', '2025-03-01T12:00:02Z', '--principal', ALICE.arn),
      query('--chain', 'main', '--key-id', keyArn(K1), '--limit', '2'),
    ]);
    assert.deepEqual(decryptsOfK1Later, ids(6, 8));
    assert.deepEqual(byAlice, ids(8));
    assert.deepEqual(limited, ids(0, 6));
  });

  it('refuses a time that is not one, and a chain that does not exist', async () => {
    const badTime = await trent('audit', 'query', '--data-dir', trails.dataDir, '--from', 'yesterday');
    assert.notEqual(badTime.code, 0);
    assert.match(badTime.stderr, /must be an ISO 8601 time/);
    const badChain = await trent('audit', 'query', '--data-dir', trails.dataDir, '--chain', 'worker-9');
    assert.equal(badChain.code, 1);
    assert.match(badChain.stderr, /No chain worker-9; the chains are main, worker-2/);
  });
});

describe('trent audit tail', () => {
  it('prints the last N records across chains by eventTime (10 by default)', async () => {
    const { trails } = await writtenTrails();
    try {
      const tail = async (...args: string[]) =>
        requestIds((await trent('audit', 'tail', '--data-dir', trails.dataDir, ...args)).stdout);
      const [three, all, none] = await Promise.all([tail('-n', '3'), tail(), tail('-n', '0')]);
      assert.deepEqual(three, ids(7, 8, 9));
      assert.deepEqual(all, ids(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
      assert.deepEqual(none, []);
    } finally {
      await trails.cleanUp();
    }
  });

  it('--follow prints records appended after it started, in open chains and new ones, until SIGTERM', async () => {
    const { trails, open } = await writtenTrails(true);
    const [main] = open;
    assert.ok(main !== undefined);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cli/trent.ts', 'audit', 'tail', '--data-dir', trails.dataDir, '-n', '1', '--follow'],
      { cwd: REPO_ROOT, timeout: CLI_TIMEOUT_MILLIS },
    );
    const lines: string[] = [];
    let buffered = '';
    const waiters: (() => void)[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (buffered + chunk).split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      for (const wake of waiters.splice(0)) wake();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const printedLines = async (count: number) => {
      while (lines.length < count) {
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        const ended = exited.then(() => assert.fail(`tail exited after ${lines.length} lines`));
        await Promise.race([more, ended]);
      }
      return requestIds(lines.join('\n'));
    };
    let other: Trail | undefined;
    try {
      assert.deepEqual(await printedLines(1), ids(9));
      await main.append(auditRecord(10, CALLS[0] as Call));
      assert.deepEqual(await printedLines(2), ids(9, 10));
      other = await trails.open('worker-3');
      await other.append(auditRecord(11, CALLS[1] as Call));
      assert.deepEqual(await printedLines(3), ids(9, 10, 11));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.deepEqual(requestIds(lines.join('\n')), ids(9, 10, 11), 'nothing printed twice');
    } finally {
      child.kill('SIGKILL');
      await Promise.all([...open, ...(other ? [other] : [])].map((trail) => trail.close()));
      await trails.cleanUp();
    }
  });
});

describe('reading the last records of a trail', () => {
  it('lastRecords reads back across segments; trailEnd moves with each append', async () => {
    const trails = await emptyTrails();
    try {
      const trail = await trails.open('main');
      assert.equal(await trailEnd(trails.chainDir('main')), undefined);
      assert.deepEqual(await lastRecords(trails.chainDir('main'), 3), []);
      const ends = [];
      for (const [n, call] of CALLS.entries()) {
        await trail.append(auditRecord(n, call));
        ends.push(await trailEnd(trails.chainDir('main')));
      }
      assert.equal(new Set(ends.map((end) => JSON.stringify(end))).size, CALLS.length, 'every append moved the end');
      assert.ok((await trails.segments('main')).length > 3);

      const sequences = async (count: number) => (await lastRecords(trails.chainDir('main'), count)).map(sequenceOf);
      assert.deepEqual(await sequences(3), [8, 9, 10]);
      assert.deepEqual(await sequences(0), []);
      assert.deepEqual(await sequences(100), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const fromSeven = [];
      for await (const record of readRecords(trails.chainDir('main'), { fromSequence: 7 })) {
        fromSeven.push(sequenceOf(record));
      }
      assert.deepEqual(fromSeven, [7, 8, 9, 10]);
      await trail.close();
    } finally {
      await trails.cleanUp();
    }
  });
});
