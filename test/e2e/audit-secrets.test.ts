/**
 * No secret Trent handles or hands out reaches a log line, the audit trail or any other file in the data dir,
 * in any encoding: a broad workload with distinctive secrets (plaintexts, data keys, random bytes, access-key
 * secrets, session credentials, grant tokens), every log line captured at debug and at trace, and then every
 * byte searched. The database is searched too: access-key secrets are stored only sealed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  type KMSClient,
  ListGrantsCommand,
  ReEncryptCommand,
  RetireGrantCommand,
} from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import pino from 'pino';
import { sendRaw } from '../support/raw-kms.js';
import {
  awsError,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  type TestCredentials,
  type TestTrent,
} from '../support/trent.js';

interface Secret {
  readonly label: string;
  readonly bytes: Buffer;
  /** Set for secrets handed out as text (access-key secrets, tokens). */
  readonly text?: string;
}

/** Where a secret must not be: a log, or a file's bytes. */
interface Haystack {
  readonly name: string;
  readonly bytes: Buffer;
}

/** SQLite's files: searched for secrets on their own (sealed secrets live there by design). */
const DATABASE_FILE = /^trent\.db(-wal|-shm|-journal)?$/;
/** Anything shorter could turn up by chance; every form below is longer. */
const SHORTEST_FORM = 12;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+=*$/;

/**
 * The whole 3-byte groups of `bytes` as they line up in a longer base64 stream, for each of the three offsets
 * the secret could start at: embedded in a bigger blob, its base64 is one of these.
 */
function base64Alignments(bytes: Buffer): Buffer[] {
  return [0, 1, 2].map((skip) => {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    return bytes.subarray(skip, skip + whole);
  });
}

/** Every form a secret could be written in: raw, hex, base64 and base64url (any alignment), and as text. */
function formsOf(secret: Secret): Haystack[] {
  const forms: Haystack[] = [
    { name: 'raw', bytes: secret.bytes },
    { name: 'hex', bytes: Buffer.from(secret.bytes.toString('hex')) },
    { name: 'HEX', bytes: Buffer.from(secret.bytes.toString('hex').toUpperCase()) },
    ...base64Alignments(secret.bytes).flatMap((cut, skip) => [
      { name: `base64+${skip}`, bytes: Buffer.from(cut.toString('base64')) },
      { name: `base64url+${skip}`, bytes: Buffer.from(cut.toString('base64url')) },
    ]),
  ];
  if (secret.text !== undefined) {
    forms.push(
      { name: 'utf16le', bytes: Buffer.from(secret.text, 'utf16le') },
      { name: 'percent-encoded', bytes: Buffer.from(encodeURIComponent(secret.text)) },
      { name: 'JSON string', bytes: Buffer.from(JSON.stringify(secret.text).slice(1, -1)) },
    );
    // A token that is itself base64 (grant and session tokens): the bytes it stands for.
    if (BASE64_TEXT.test(secret.text))
      forms.push({ name: 'base64-decoded', bytes: Buffer.from(secret.text, 'base64') });
  }
  for (const form of forms) assert.ok(form.bytes.length >= SHORTEST_FORM, `${secret.label} as ${form.name} is long`);
  return forms;
}

/** Each place a secret turns up in, in whatever form: none is the only right answer. */
function leaks(secrets: readonly Secret[], haystacks: readonly Haystack[]): string[] {
  return secrets.flatMap((secret) =>
    formsOf(secret).flatMap((form) =>
      haystacks
        .filter((haystack) => haystack.bytes.includes(form.bytes))
        .map((haystack) => `${secret.label} (${form.name}) in ${haystack.name}`),
    ),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file of the data dir, the database apart (split by DATABASE_FILE). */
function dataDirFiles(dataDir: string): { files: Haystack[]; database: Haystack[] } {
  const all = filesUnder(dataDir).map((path) => ({ name: relative(dataDir, path), bytes: readFileSync(path) }));
  const isDatabase = (file: Haystack) => DATABASE_FILE.test(file.name);
  return { files: all.filter((file) => !isDatabase(file)), database: all.filter(isDatabase) };
}

/** Secrets as the workload meets them, by what they are. */
class SecretKeeper {
  readonly all: Secret[] = [];

  bytes(label: string, value: Uint8Array | undefined): Uint8Array {
    assert.ok(value !== undefined && value.length > 0, `${label} was returned`);
    this.all.push({ label, bytes: Buffer.from(value) });
    return value;
  }

  text(label: string, value: string | undefined): string {
    assert.ok(value !== undefined && value.length > 0, `${label} was returned`);
    this.all.push({ label, bytes: Buffer.from(value, 'utf8'), text: value });
    return value;
  }

  /** A fresh 32-byte marker, e.g. a plaintext. */
  marker(label: string): Uint8Array {
    return this.bytes(label, randomBytes(32));
  }
}

const policy = (...Action: string[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
const trustFor = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });

/** Encrypts a fresh marker, decrypts it back and re-encrypts it: the three calls that carry a plaintext. */
async function roundTrip(kms: KMSClient, secrets: SecretKeeper, label: string, KeyId: string, ReKeyId = KeyId) {
  const Plaintext = secrets.marker(label);
  const EncryptionContext = { purpose: 'secrets' };
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId, Plaintext, EncryptionContext }));
  const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext }));
  assert.deepEqual(Buffer.from(decrypted.Plaintext ?? []), Buffer.from(Plaintext));
  await kms.send(
    new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: EncryptionContext, DestinationKeyId: ReKeyId }),
  );
}

async function newKey(kms: KMSClient): Promise<string> {
  return (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
}

/** KMS's secrets: plaintexts, data keys, random bytes and grant tokens, in calls that succeed and fail. */
async function kmsWorkload(server: TestTrent, secrets: SecretKeeper, grantee: string): Promise<void> {
  const kms = server.kms();
  const [key, other] = [await newKey(kms), await newKey(kms)];
  await roundTrip(kms, secrets, 'plaintext', key, other);
  const dryRun = new EncryptCommand({ KeyId: key, Plaintext: secrets.marker('dry-run plaintext'), DryRun: true });
  assert.equal((await awsError(() => kms.send(dryRun))).name, 'DryRunOperationException');
  for (const NumberOfBytes of [32, 64]) {
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: key, NumberOfBytes }));
    secrets.bytes(`data key (${NumberOfBytes} bytes)`, dataKey.Plaintext);
    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes }));
    secrets.bytes(`GenerateRandom (${NumberOfBytes} bytes)`, random.Plaintext);
  }
  const sealed = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key, KeySpec: 'AES_256' }));
  const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
  secrets.bytes('data key made without plaintext', opened.Plaintext);

  const grant = (Name: string) =>
    new CreateGrantCommand({ KeyId: key, GranteePrincipal: grantee, Operations: ['Encrypt', 'Decrypt'], Name });
  const used = secrets.text('grant token', (await kms.send(grant('used'))).GrantToken);
  const retired = secrets.text('retired grant token', (await kms.send(grant('retired'))).GrantToken);
  const Plaintext = secrets.marker('plaintext under a grant token');
  const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: key, Plaintext, GrantTokens: [used] }));
  await kms.send(new DecryptCommand({ CiphertextBlob, GrantTokens: [used] }));
  await kms.send(new ListGrantsCommand({ KeyId: key }));
  await kms.send(new RetireGrantCommand({ GrantToken: retired }));

  // Failures that carry secrets in: none may echo them into an error message, a record or a log line.
  const bogusToken = secrets.text('unknown grant token', randomBytes(32).toString('base64url'));
  const failures = [
    () => kms.send(new RetireGrantCommand({ GrantToken: bogusToken })),
    () => kms.send(new RetireGrantCommand({ GrantToken: retired })),
    () =>
      kms.send(
        new EncryptCommand({
          KeyId: key,
          Plaintext: Buffer.concat([secrets.marker('too long plaintext'), Buffer.alloc(4096)]),
        }),
      ),
    () =>
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { wrong: 'context' }, GrantTokens: [used] })),
  ];
  for (const failing of failures) await awsError(failing);
  await kms.send(new DisableKeyCommand({ KeyId: other }));
  const disabled = new EncryptCommand({ KeyId: other, Plaintext: secrets.marker('plaintext for a disabled key') });
  assert.equal((await awsError(() => kms.send(disabled))).name, 'DisabledException');
}

/** IAM's and STS's secrets: an IAM user's access keys and a role session's credentials, each then used. */
async function identityWorkload(server: TestTrent, secrets: SecretKeeper): Promise<TestCredentials> {
  const iam = server.iam();
  await iam.send(new CreateUserCommand({ UserName: 'keeper' }));
  const userPolicy = policy('kms:*', 'sts:AssumeRole');
  await iam.send(new PutUserPolicyCommand({ UserName: 'keeper', PolicyName: 'main', PolicyDocument: userPolicy }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'keeper' }));
  const user = {
    accessKeyId: AccessKey?.AccessKeyId ?? '',
    secretAccessKey: secrets.text("IAM user's secret access key", AccessKey?.SecretAccessKey),
  };
  const spare = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keeper' }))).AccessKey;
  secrets.text("IAM user's second secret access key", spare?.SecretAccessKey);
  await iam.send(
    new UpdateAccessKeyCommand({ UserName: 'keeper', AccessKeyId: spare?.AccessKeyId, Status: 'Inactive' }),
  );
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'keeper', AccessKeyId: spare?.AccessKeyId }));

  const userKms = server.kms(undefined, user);
  await roundTrip(userKms, secrets, "IAM user's plaintext", await newKey(server.kms()));
  await server.sts(user).send(new GetCallerIdentityCommand({}));

  const trust = trustFor(`arn:aws:iam::${TEST_ACCOUNT}:user/keeper`);
  await iam.send(new CreateRoleCommand({ RoleName: 'vault', AssumeRolePolicyDocument: trust }));
  const rolePolicy = policy('kms:*');
  await iam.send(new PutRolePolicyCommand({ RoleName: 'vault', PolicyName: 'main', PolicyDocument: rolePolicy }));
  const assumed = await server
    .sts(user)
    .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/vault`, RoleSessionName: 'keeper' }));
  const session = {
    accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
    secretAccessKey: secrets.text("session's secret access key", assumed.Credentials?.SecretAccessKey),
    sessionToken: secrets.text('session token', assumed.Credentials?.SessionToken),
  };
  const sessionKms = server.kms(undefined, session);
  await roundTrip(sessionKms, secrets, "session's plaintext", await newKey(sessionKms));
  const dataKey = await sessionKms.send(
    new GenerateDataKeyCommand({ KeyId: await newKey(sessionKms), NumberOfBytes: 32 }),
  );
  secrets.bytes("session's data key", dataKey.Plaintext);
  await server.sts(session).send(new GetCallerIdentityCommand({}));
  // The session's real token with a wrong signature: refused, and the token it carried must not be logged.
  const forged = { ...session, secretAccessKey: 'x'.repeat(40) };
  const refused = await sendRaw(server.url, { target: 'TrentService.ListKeys', body: '{}', credentials: forged });
  assert.equal(refused.status, 400);
  return user;
}

/** TrentAdmin.CreateAccount's root secret, then used by that account. */
async function adminWorkload(server: TestTrent, secrets: SecretKeeper): Promise<void> {
  const created = await sendRaw(server.url, { target: 'TrentAdmin.CreateAccount', body: '{}' });
  assert.equal(created.status, 200, created.body);
  const account = created.json();
  const root = {
    accessKeyId: String(account['AccessKeyId']),
    secretAccessKey: secrets.text("new account root's secret access key", String(account['SecretAccessKey'])),
  };
  const kms = server.kms(undefined, root);
  await roundTrip(kms, secrets, "new account's plaintext", await newKey(kms));
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: await newKey(kms), KeySpec: 'AES_128' }));
  secrets.bytes("new account's data key", dataKey.Plaintext);
}

interface Captured {
  /** Every file of the data dir but the database's. */
  readonly files: readonly Haystack[];
  readonly database: readonly Haystack[];
  readonly logs: Haystack;
  readonly lines: readonly string[];
}

/**
 * Runs `workload` on a Trent that logs at `level` into memory and copies its audit records to a stream file in
 * its data dir, stops it (which seals the open segment and signs its digest) and reads everything it left.
 */
async function capture(level: 'debug' | 'trace', workload: (server: TestTrent) => Promise<void>): Promise<Captured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-audit-secrets-'));
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(line) });
  const auditStream = { to: 'file' as const, path: join(dataDir, 'audit-stream.jsonl') };
  const server = await startTestTrent({ dataDir, overrides: { logger, auditStream } });
  try {
    await workload(server);
    await server.stop();
    const logs = { name: `the ${level} log`, bytes: Buffer.from(lines.join('')) };
    return { ...dataDirFiles(dataDir), logs, lines };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const SEGMENT = /^audit\/main\/\d+\.json$/;

describe('no secret reaches a log line or any file in the data dir, in any encoding', () => {
  for (const level of ['debug', 'trace'] as const) {
    it(`with the logger at ${level}`, { timeout: 60_000 }, async () => {
      const secrets = new SecretKeeper();
      secrets.text("admin's secret access key", TEST_CREDENTIALS.secretAccessKey);
      let userKeyId = '';
      const { files, database, logs, lines } = await capture(level, async (server) => {
        userKeyId = (await identityWorkload(server, secrets)).accessKeyId;
        await kmsWorkload(server, secrets, `arn:aws:iam::${TEST_ACCOUNT}:user/keeper`);
        await adminWorkload(server, secrets);
      });

      const names = files.map((file) => file.name);
      for (const expected of [SEGMENT, /^audit\/main\/digests\//, /^audit\/public-keys\/.+\.pem$/]) {
        assert.ok(
          names.some((name) => expected.test(name)),
          `${expected} is among ${names.join(', ')}`,
        );
      }
      // The search finds what is there: the user's access key id, which is no secret, in the trail and its copy.
      const segment = files.find((file) => SEGMENT.test(file.name));
      const stream = files.find((file) => file.name === 'audit-stream.jsonl');
      for (const haystack of [segment, stream]) assert.ok(haystack?.bytes.includes(userKeyId), haystack?.name);
      assert.ok(
        lines.some((line) => line.includes('Trent is listening')),
        'the log lines were captured',
      );
      assert.deepEqual(leaks(secrets.all, [logs, ...files]), []);

      assert.ok(
        database.some((file) => file.bytes.includes(userKeyId)),
        'the database was read',
      );
      // Access-key secrets are stored sealed; nothing else secret is stored at all (grant tokens as hashes).
      assert.deepEqual(leaks(secrets.all, database), []);
    });
  }

  it('a grant token in a request refused as invalid is not echoed into the trail', {
    timeout: 60_000,
  }, async () => {
    const secrets = new SecretKeeper();
    const { files, logs } = await capture('debug', async (server) => {
      const kms = server.kms();
      const KeyId = await newKey(kms);
      const token = secrets.text('over-long grant token', randomBytes(48).toString('base64url'));
      const tooLong = `${token}${'A'.repeat(8192)}`;
      const refused = [
        () => kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from('x'), GrantTokens: [tooLong] })),
        () => kms.send(new RetireGrantCommand({ GrantToken: tooLong })),
      ];
      for (const call of refused) assert.equal((await awsError(call)).name, 'ValidationException');
    });
    assert.deepEqual(leaks(secrets.all, [logs, ...files]), []);
  });
});
