/**
 * `trent audit verify|query|tail`: the audit trail read offline, straight from the data directory, with no
 * server running (or beside a running one: records are read only once their line is whole).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, type Option } from 'commander';
import type { AuditRecord } from '../src/audit/record.js';
import {
  lastRecords,
  PUBLIC_KEYS_DIRECTORY,
  readRecords,
  sequenceOf,
  type TrailEnd,
  trailEnd,
  type VerifyReport,
  verifyTrail,
} from '../src/audit/trail/index.js';
import { StartupError } from '../src/main.js';

/** How often `tail --follow` looks at the chains' last segments. */
const FOLLOW_POLL_MILLIS = 250;

interface Chain {
  readonly id: string;
  readonly dir: string;
}

function auditDirectory(dataDir: string): string {
  return join(dataDir, 'audit');
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A directory's entries; none when it does not exist (yet). */
async function entriesOf(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Every chain (one per process that wrote) under <data dir>/audit, by id. */
async function listChains(dataDir: string): Promise<Chain[]> {
  const audit = auditDirectory(dataDir);
  return (await entriesOf(audit))
    .filter((entry) => entry.isDirectory() && entry.name !== PUBLIC_KEYS_DIRECTORY && !entry.name.startsWith('.'))
    .map((entry) => ({ id: entry.name, dir: join(audit, entry.name) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The chains to read: all of them, or the one asked for; an empty selection is an error, not an empty answer. */
async function chosenChains(dataDir: string, only?: string): Promise<Chain[]> {
  const chains = await listChains(dataDir);
  if (chains.length === 0) throw new StartupError(`No audit trail in ${auditDirectory(dataDir)}.`);
  if (only === undefined) return chains;
  const chain = chains.find((candidate) => candidate.id === only);
  if (chain === undefined) {
    throw new StartupError(`No chain ${only}; the chains are ${chains.map((known) => known.id).join(', ')}.`);
  }
  return [chain];
}

// --- verify ---

function publicKeyFrom(pem: Buffer, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new StartupError(`${source} is not a PEM public key.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new StartupError(`${source} is not an Ed25519 public key.`);
  return key;
}

async function keysFromFiles(paths: readonly string[]): Promise<KeyObject[]> {
  return Promise.all(paths.map(async (path) => publicKeyFrom(await readFile(path), path)));
}

async function storedKeys(dataDir: string): Promise<KeyObject[]> {
  const directory = join(auditDirectory(dataDir), PUBLIC_KEYS_DIRECTORY);
  process.stderr.write(
    `trent: warning: no --public-key given, so the keys in ${directory} are trusted. Keys kept beside the trail ` +
      'prove its integrity against accidents only, not against someone who can rewrite the directory: pass ' +
      '--public-key with a key obtained out of band (TrentAdmin.GetAuditPublicKey).\n',
  );
  const pems = (await entriesOf(directory)).filter((entry) => entry.isFile() && entry.name.endsWith('.pem'));
  return keysFromFiles(pems.map((entry) => join(directory, entry.name)));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function reportLine(chain: Chain, report: VerifyReport): string {
  if (report.ok) {
    const { records, segments, lastSequence } = report;
    return `chain ${chain.id}: ok, ${plural(records, 'record')}, ${plural(segments, 'segment')}, last sequence ${lastSequence}`;
  }
  const { kind, segment, sequence, detail } = report.problem;
  const at = sequence === undefined ? '' : `, sequence ${sequence}`;
  return `chain ${chain.id}: FAILED ${kind} in ${join(chain.dir, segment)}${at}: ${detail}`;
}

async function verifyChain(chain: Chain, publicKeys: readonly KeyObject[]): Promise<boolean> {
  try {
    const report = await verifyTrail(chain.dir, { publicKeys });
    process.stdout.write(`${reportLine(chain, report)}\n`);
    return report.ok;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stdout.write(`chain ${chain.id}: FAILED, it cannot be read: ${reason}\n`);
    return false;
  }
}

interface VerifyCommandOptions {
  readonly dataDir: string;
  readonly publicKey?: string[];
}

async function verifyCommand(options: VerifyCommandOptions): Promise<void> {
  endQuietlyOnClosedPipe();
  const chains = await chosenChains(options.dataDir);
  const given = options.publicKey ?? [];
  const publicKeys = given.length > 0 ? await keysFromFiles(given) : await storedKeys(options.dataDir);
  let allOk = true;
  for (const chain of chains) allOk = (await verifyChain(chain, publicKeys)) && allOk;
  if (!allOk) process.exitCode = 1;
}

// --- reading records ---

function member(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** eventTime in ms since the epoch; NaN for a record without a readable one. */
function eventTimeOf(record: AuditRecord): number {
  const time = record['eventTime'];
  return typeof time === 'string' ? Date.parse(time) : Number.NaN;
}

/** Orders by eventTime; a record without one goes first rather than stalling its chain behind the others. */
function sortKey(record: AuditRecord): number {
  const time = eventTimeOf(record);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

interface Head {
  readonly iterator: AsyncIterator<AuditRecord>;
  record: AuditRecord;
}

/**
 * The chains' streams merged into one by eventTime. Each chain is in order already, so this is a k-way merge
 * that holds one record per chain; on a tie the chain listed first goes first.
 */
async function* byEventTime(sources: readonly AsyncIterable<AuditRecord>[]): AsyncGenerator<AuditRecord> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  try {
    const heads: Head[] = [];
    for (const iterator of iterators) {
      const next = await iterator.next();
      if (!next.done) heads.push({ iterator, record: next.value });
    }
    while (heads.length > 0) {
      const head = heads.reduce((best, candidate) =>
        sortKey(candidate.record) < sortKey(best.record) ? candidate : best,
      );
      yield head.record;
      const next = await head.iterator.next();
      if (next.done) heads.splice(heads.indexOf(head), 1);
      else head.record = next.value;
    }
  } finally {
    await Promise.all(iterators.map((iterator) => iterator.return?.()));
  }
}

async function* each(records: readonly AuditRecord[]): AsyncGenerator<AuditRecord> {
  yield* records;
}

async function mergedByEventTime(lists: readonly (readonly AuditRecord[])[]): Promise<AuditRecord[]> {
  const merged: AuditRecord[] = [];
  for await (const record of byEventTime(lists.map(each))) merged.push(record);
  return merged;
}

function printRecord(record: AuditRecord): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** `trent audit query | head`: the reader leaving early is how such a pipe ends, not an error. */
function endQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error) => {
    if (errorCode(error) !== 'EPIPE') throw error;
    process.exit(0);
  });
}

// --- query ---

interface QueryFilters {
  readonly from?: number;
  readonly to?: number;
  readonly eventName?: string;
  readonly keyId?: string;
  readonly principal?: string;
  readonly errorCode?: string;
  readonly requestId?: string;
}

function isArn(reference: string): boolean {
  return reference.startsWith('arn:');
}

/** What a key reference names within its account: `key/<id>` or `alias/<name>`, from an id, alias or ARN. */
function resourceName(reference: string): string {
  if (isArn(reference)) return reference.split(':').slice(5).join(':');
  return reference.startsWith('alias/') ? reference : `key/${reference}`;
}

/** Equal, or (when either is not an ARN, so names no account) naming the same key or alias. */
function sameKey(a: string, b: string): boolean {
  return a === b || ((!isArn(a) || !isArn(b)) && resourceName(a) === resourceName(b));
}

/** The keys a record names: its resources' ARNs and the request's keyId. */
function keyReferences(record: AuditRecord): string[] {
  const resources = record['resources'];
  const arns = Array.isArray(resources) ? resources.map((resource) => member(resource, 'ARN')) : [];
  return [...arns, member(record['requestParameters'], 'keyId')].filter(
    (reference): reference is string => typeof reference === 'string',
  );
}

/** The caller's ARN and, for a role session, the role's. */
function principalArns(record: AuditRecord): unknown[] {
  const identity = record['userIdentity'];
  return [member(identity, 'arn'), member(member(member(identity, 'sessionContext'), 'sessionIssuer'), 'arn')];
}

/** Every filter given must hold; --from and --to are inclusive, as CloudTrail's LookupEvents' are. */
function recordFilter(filters: QueryFilters): (record: AuditRecord) => boolean {
  const { from, to, eventName, keyId, principal, errorCode: code, requestId } = filters;
  const checks: ((record: AuditRecord) => boolean)[] = [];
  if (from !== undefined) checks.push((record) => eventTimeOf(record) >= from);
  if (to !== undefined) checks.push((record) => eventTimeOf(record) <= to);
  if (eventName !== undefined) checks.push((record) => record['eventName'] === eventName);
  if (keyId !== undefined) checks.push((record) => keyReferences(record).some((found) => sameKey(found, keyId)));
  if (principal !== undefined) checks.push((record) => principalArns(record).includes(principal));
  if (code !== undefined) checks.push((record) => record['errorCode'] === code);
  if (requestId !== undefined) checks.push((record) => record['requestID'] === requestId);
  return (record) => checks.every((check) => check(record));
}

interface QueryCommandOptions extends QueryFilters {
  readonly dataDir: string;
  readonly limit?: number;
  readonly chain?: string;
}

async function queryCommand(options: QueryCommandOptions): Promise<void> {
  const chains = await chosenChains(options.dataDir, options.chain);
  const where = recordFilter(options);
  endQuietlyOnClosedPipe();
  let printed = 0;
  for await (const record of byEventTime(chains.map((chain) => readRecords(chain.dir, { where })))) {
    printRecord(record);
    printed += 1;
    if (printed === options.limit) break;
  }
}

// --- tail ---

/** A chain being followed: where its trail ended when last looked at, and the last sequence printed or skipped. */
interface Followed {
  end: TrailEnd | undefined;
  seen: number;
}

function sameEnd(a: TrailEnd | undefined, b: TrailEnd | undefined): boolean {
  return a?.segment === b?.segment && a?.size === b?.size;
}

/**
 * The records written since the last look, read only when the last segment changed. The end is taken before
 * reading, so records appended meanwhile change it again and are read at the next look, never twice (by
 * sequence). A record is read once its line is whole in the file, which is when its batch's fdatasync is
 * under way; should that sync fail (a full disk), the writer cuts the batch back unacknowledged, and the
 * records it writes next under the same sequences are not printed.
 */
async function newRecords(chain: Chain, followed: Followed): Promise<AuditRecord[]> {
  const end = await trailEnd(chain.dir);
  if (sameEnd(end, followed.end)) return [];
  followed.end = end;
  const found: AuditRecord[] = [];
  for await (const record of readRecords(chain.dir, { fromSequence: followed.seen + 1 })) found.push(record);
  const last = found.at(-1);
  if (last !== undefined) followed.seen = sequenceOf(last);
  return found;
}

/** Resolves true after `millis`, or false as soon as `signal` aborts. */
async function pause(millis: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(millis, undefined, { signal });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

/** Until SIGINT or SIGTERM: each look prints what every chain (including chains that appear) gained, merged. */
async function follow(dataDir: string, following: Map<string, Followed>): Promise<void> {
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (await pause(FOLLOW_POLL_MILLIS, stopped.signal)) {
      const gained: AuditRecord[][] = [];
      for (const chain of await listChains(dataDir)) {
        const followed = following.get(chain.id) ?? { end: undefined, seen: 0 };
        following.set(chain.id, followed);
        gained.push(await newRecords(chain, followed));
      }
      for (const record of await mergedByEventTime(gained)) printRecord(record);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function lastOf<T>(list: readonly T[], count: number): T[] {
  return list.slice(Math.max(0, list.length - count));
}

interface TailCommandOptions {
  readonly dataDir: string;
  readonly lines: number;
  readonly follow: boolean;
}

async function tailCommand(options: TailCommandOptions): Promise<void> {
  const chains = await chosenChains(options.dataDir);
  endQuietlyOnClosedPipe();
  const following = new Map<string, Followed>();
  const lastOfEach: AuditRecord[][] = [];
  for (const chain of chains) {
    const end = await trailEnd(chain.dir);
    // At least the last record, whatever -n says: --follow starts after it.
    const last = await lastRecords(chain.dir, Math.max(options.lines, 1));
    const newest = last.at(-1);
    following.set(chain.id, { end, seen: newest === undefined ? 0 : sequenceOf(newest) });
    lastOfEach.push(lastOf(last, options.lines));
  }
  for (const record of lastOf(await mergedByEventTime(lastOfEach), options.lines)) printRecord(record);
  if (options.follow) await follow(options.dataDir, following);
}

// --- the command group ---

function isoTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError('must be an ISO 8601 time, e.g. 2025-03-01T12:00:00Z');
  return time;
}

function wholeNumber(minimum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < minimum) {
      throw new InvalidArgumentError(`must be a whole number, at least ${minimum}`);
    }
    return parsed;
  };
}

/** `dataDirOption` makes the --data-dir option `trent server` takes, so both find the same directory. */
export function auditCommand(dataDirOption: () => Option): Command {
  const audit = new Command('audit').description('the audit trail in the data directory, read offline');
  audit
    .command('verify')
    .description('verify every chain: hash links, segments and signed digests; exits 1 at the first problem')
    .addOption(dataDirOption())
    .option(
      '--public-key <file.pem...>',
      'trusted public key(s) that sign the digests, obtained out of band (default: those stored in the trail)',
    )
    .action(verifyCommand);
  audit
    .command('query')
    .description('print the records that match every filter, as JSON lines ordered by eventTime')
    .addOption(dataDirOption())
    .option('--from <time>', 'records at or after this ISO 8601 time', isoTime)
    .option('--to <time>', 'records at or before this ISO 8601 time', isoTime)
    .option('--event-name <name>', 'the API call or event, e.g. Decrypt')
    .option('--key-id <key>', 'the key (id, ARN, alias name or alias ARN) named in resources or requestParameters')
    .option('--principal <arn>', "the caller's ARN, or for a role session its role's ARN")
    .option('--error-code <code>', 'the error the call failed with, e.g. AccessDeniedException')
    .option('--request-id <id>', 'the request id')
    .option('--limit <n>', 'print at most this many records', wholeNumber(1))
    .option('--chain <id>', 'read only this chain (one per process that wrote)')
    .action(queryCommand);
  audit
    .command('tail')
    .description('print the last records of all chains, by eventTime; with --follow, then new ones as they come')
    .addOption(dataDirOption())
    .option('-n, --lines <n>', 'how many records', wholeNumber(0), 10)
    .option('-f, --follow', 'keep printing records as they are written, until interrupted', false)
    .action(tailCommand);
  return audit;
}
