/**
 * Every call Trent serves ends with exactly one audit record that says what the client saw: driven end to end
 * through the real SDK clients (sendRaw where no SDK command exists), one success and failures of every kind
 * per operation, each matched to its record by the request id the client received.
 */
import assert from 'node:assert/strict';
import { createPublicKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyLastUsageCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ListRetirableGrantsCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AuditRecord } from '../../src/audit/record.js';
import { PUBLIC_KEYS_DIRECTORY, readRecords, verifyTrail } from '../../src/audit/trail/index.js';
import { queryOperations } from '../../src/operations/query/registry.js';
import { operations } from '../../src/operations/registry.js';
import { OffsetClock } from '../support/clock.js';
import { type RawRequest, sendRaw } from '../support/raw-kms.js';
import {
  allow,
  keyPolicy,
  roleArn,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  TEST_ROOT,
  type TestCredentials,
  type TestTrent,
  userArn,
} from '../support/trent.js';

type Service = 'kms' | 'iam' | 'sts';

interface SessionIssuer {
  readonly type: 'Role';
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly userName: string;
}

/** userIdentity as CloudTrail writes it for this caller, sessionContext aside. */
interface ExpectedIdentity {
  readonly type: 'Root' | 'IAMUser' | 'AssumedRole';
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly userName?: string;
}

interface Principal {
  readonly credentials: TestCredentials;
  readonly identity: ExpectedIdentity;
  readonly sessionIssuer?: SessionIssuer;
}

/** One call as the client saw it: what its record must say. */
interface Observed {
  readonly requestId: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly caller: Principal;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  readonly readOnly: boolean;
  /** Keys the call acts on: each must be among the record's resources. */
  readonly keyArns: readonly string[];
  /** By the server's clock. */
  readonly startedAt: number;
  readonly endedAt: number;
}

interface CallOptions {
  readonly region?: string;
  readonly keys?: readonly string[];
  readonly systemClockOffset?: number;
}

/** The response type an SDK command resolves to. */
type OutputOf<Command> = Command extends {
  resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer Output }>;
}
  ? Output
  : never;

interface SdkFailure {
  readonly name: string;
  readonly message: string;
  /** The awsQuery error code (IAM, STS). */
  readonly Code?: string;
  /** The awsJson error type (KMS). */
  readonly __type?: string;
  readonly $metadata?: { readonly requestId?: string };
}

const DAY = 86_400_000;
const ROOT: Principal = {
  credentials: TEST_CREDENTIALS,
  identity: {
    type: 'Root',
    principalId: TEST_ACCOUNT,
    arn: TEST_ROOT,
    accountId: TEST_ACCOUNT,
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
  },
};

/** What CloudTrail marks read-only: reads, the cryptographic operations and AssumeRole, which change nothing. */
const READ_ONLY_EVENT =
  /^(Describe|Get|List).+$|^(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|GenerateDataKeyWithoutPlaintext|GenerateRandom|AssumeRole|TrentAdmin\.(SimulatePolicy|GetAuditPublicKey))$/;

const policy = keyPolicy;
const keyArn = (keyId: string, region = TEST_REGION) => `arn:aws:kms:${region}:${TEST_ACCOUNT}:key/${keyId}`;
const trustFor = (principal: string) =>
  policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' });

function eventNameOf(command: object): string {
  return command.constructor.name.replace(/Command$/, '');
}

/** The code and message an SDK error carries, as the service sent them. */
function failureOf(error: unknown): { requestId: string; code: string; message: string } {
  const failure = error as SdkFailure;
  const requestId = failure.$metadata?.requestId;
  assert.ok(requestId, `the failure carries a request id: ${String(error)}`);
  return { requestId, code: failure.Code ?? failure.__type ?? failure.name, message: failure.message };
}

/** `<Code>` and `<Message>` of an awsQuery error document. */
function queryFailureOf(xml: string): { code: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  assert.ok(code !== undefined && message !== undefined, `an awsQuery error document: ${xml}`);
  return { code, message };
}

function requestIdOf(response: { headers: Record<string, string | string[] | undefined> }): string {
  const requestId = response.headers['x-amzn-requestid'];
  assert.equal(typeof requestId, 'string', 'the response names its request id');
  return requestId as string;
}

/**
 * Drives calls and remembers, for each, what its record must say. `ok` and `fails` go through the SDK clients;
 * `admin` and `query` send exact requests; `refuse` sends requests that must fail authentication.
 */
class Workload {
  readonly observed: Observed[] = [];
  /** Request ids of calls refused before the caller was known: none may have a record. */
  readonly refused: string[] = [];
  private readonly clients = new Map<string, { send(command: object): Promise<unknown> }>();

  constructor(
    private readonly server: TestTrent,
    private readonly clock: OffsetClock,
  ) {}

  async ok<Command extends object>(
    service: Service,
    who: Principal,
    command: Command,
    options: CallOptions = {},
  ): Promise<OutputOf<Command>> {
    const startedAt = this.clock.now();
    const output = (await this.client(service, who, options).send(command)) as OutputOf<Command> & {
      $metadata: { requestId?: string };
    };
    const requestId = output.$metadata.requestId;
    assert.ok(requestId, `${eventNameOf(command)} returned a request id`);
    this.remember(service, who, eventNameOf(command), requestId, undefined, startedAt, options);
    return output;
  }

  async fails(code: string, service: Service, who: Principal, command: object, options: CallOptions = {}) {
    const startedAt = this.clock.now();
    const error = await this.client(service, who, options)
      .send(command)
      .then(
        () => assert.fail(`${eventNameOf(command)} was expected to fail with ${code}`),
        (failure: unknown) => failure,
      );
    const { requestId, ...outcome } = failureOf(error);
    assert.equal(outcome.code, code, `${eventNameOf(command)}: ${outcome.message}`);
    this.remember(service, who, eventNameOf(command), requestId, outcome, startedAt, options);
  }

  /** A TrentAdmin call: no SDK command exists for it. */
  async admin(operation: string, who: Principal, body: object, failsWith?: string): Promise<Record<string, unknown>> {
    const startedAt = this.clock.now();
    const response = await sendRaw(this.server.url, {
      target: `TrentAdmin.${operation}`,
      body: JSON.stringify(body),
      credentials: who.credentials,
    });
    const json = response.json();
    const outcome =
      response.status === 200 ? undefined : { code: String(json['__type']), message: String(json['message']) };
    assert.equal(outcome?.code, failsWith, `TrentAdmin.${operation}: ${response.body}`);
    this.remember('kms', who, `TrentAdmin.${operation}`, requestIdOf(response), outcome, startedAt, {});
    return json;
  }

  /**
   * An exact awsQuery request that must fail with `code`. `readOnly` is what the record must say: false when
   * the request never named an operation the service serves.
   */
  async query(service: 'iam' | 'sts', who: Principal, body: string, code: string, readOnly: boolean) {
    const startedAt = this.clock.now();
    const response = await sendRaw(this.server.url, {
      body,
      service,
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      credentials: who.credentials,
    });
    const outcome = queryFailureOf(response.body);
    assert.equal(outcome.code, code, response.body);
    const eventName = new URLSearchParams(body).get('Action') ?? '';
    this.remember(service, who, eventName, requestIdOf(response), outcome, startedAt, {}, readOnly);
  }

  /** A request whose signature does not hold: refused before anyone is known, so it leaves no record. */
  async refuse(request: RawRequest) {
    const response = await sendRaw(this.server.url, request);
    assert.ok(response.status === 400 || response.status === 403, `refused: ${response.status} ${response.body}`);
    this.refused.push(requestIdOf(response));
  }

  private remember(
    service: Service,
    who: Principal,
    eventName: string,
    requestId: string,
    error: Observed['error'],
    startedAt: number,
    options: CallOptions,
    readOnly = READ_ONLY_EVENT.test(eventName),
  ) {
    this.observed.push({
      requestId,
      eventSource: `${service}.amazonaws.com`,
      eventName,
      awsRegion: options.region ?? TEST_REGION,
      caller: who,
      error,
      readOnly,
      keyArns: options.keys ?? [],
      startedAt,
      endedAt: this.clock.now(),
    });
  }

  private client(service: Service, who: Principal, options: CallOptions) {
    const region = options.region ?? TEST_REGION;
    const clientOptions = { region, systemClockOffset: options.systemClockOffset ?? 0 };
    const id = `${service} ${region} ${who.credentials.accessKeyId} ${clientOptions.systemClockOffset}`;
    let client = this.clients.get(id);
    if (client === undefined) {
      const made =
        service === 'kms'
          ? this.server.kms(region, who.credentials, clientOptions)
          : service === 'iam'
            ? this.server.iam(who.credentials, clientOptions)
            : this.server.sts(who.credentials, clientOptions);
      client = made as unknown as { send(command: object): Promise<unknown> };
      this.clients.set(id, client);
    }
    return client;
  }
}

/** Node 20 has no Map.groupBy. */
function groupBy<Item, Key>(items: readonly Item[], keyOf: (item: Item) => Key): Map<Key, Item[]> {
  const groups = new Map<Key, Item[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

async function trailRecords(dataDir: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of readRecords(join(dataDir, 'audit', 'main'))) records.push(record);
  return records;
}

/** The second the record's eventTime names must fall within the window, by the server's clock. */
function assertEventTime(record: AuditRecord, window: { startedAt: number; endedAt: number }, label: string): void {
  const eventTime = String(record['eventTime']);
  assert.match(eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const at = Date.parse(eventTime);
  assert.ok(
    at >= Math.floor(window.startedAt / 1000) * 1000 && at <= window.endedAt,
    `${label}: eventTime ${eventTime} within ${new Date(window.startedAt).toISOString()}..${new Date(window.endedAt).toISOString()}`,
  );
}

function assertIdentity(record: AuditRecord, call: Observed): void {
  const { sessionContext, ...identity } = record['userIdentity'] as Record<string, unknown>;
  assert.deepEqual(identity, call.caller.identity, `${call.eventName}: userIdentity`);
  if (call.caller.sessionIssuer === undefined) {
    assert.equal(sessionContext, undefined, `${call.eventName}: no sessionContext outside a role session`);
    return;
  }
  const context = sessionContext as { sessionIssuer?: unknown; attributes?: Record<string, unknown> } | undefined;
  assert.deepEqual(context?.sessionIssuer, call.caller.sessionIssuer, `${call.eventName}: sessionIssuer`);
  assert.equal(context?.attributes?.['mfaAuthenticated'], 'false');
}

function assertResources(record: AuditRecord, call: Observed): void {
  const resources = (record['resources'] ?? []) as { accountId?: string; type?: string; ARN?: string }[];
  if (call.eventSource !== 'kms.amazonaws.com') {
    assert.equal(record['resources'], undefined, `${call.eventName}: an ${call.eventSource} call names no KMS key`);
    return;
  }
  for (const arn of call.keyArns) {
    assert.ok(
      resources.some(
        (resource) =>
          resource.ARN === arn && resource.type === 'AWS::KMS::Key' && resource.accountId === arn.split(':')[4],
      ),
      `${call.eventName} (${call.error?.code ?? 'success'}): resources ${JSON.stringify(resources)} name ${arn}`,
    );
  }
}

/** Everything a call's record must say, as the client saw the call. */
function assertRecordOf(record: AuditRecord, call: Observed): void {
  const label = `${call.eventName} (${call.error?.code ?? 'success'})`;
  assert.equal(record['eventVersion'], '1.11');
  assert.equal(record['eventType'], 'AwsApiCall', label);
  assert.equal(record['eventSource'], call.eventSource, label);
  assert.equal(record['eventName'], call.eventName, label);
  assert.equal(record['awsRegion'], call.awsRegion, label);
  assert.equal(record['requestID'], call.requestId, label);
  assert.match(String(record['eventID']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(record['recipientAccountId'], call.caller.identity.accountId, label);
  assert.equal(record['readOnly'], call.readOnly, `${label}: readOnly`);
  assert.equal(record['sourceIPAddress'], '127.0.0.1', label);
  assert.equal(record['errorCode'], call.error?.code, `${label}: errorCode`);
  assert.equal(record['errorMessage'], call.error?.message, `${label}: errorMessage`);
  if (call.error !== undefined) assert.equal(record['responseElements'], null, `${label}: no response on failure`);
  assertEventTime(record, call, label);
  assertIdentity(record, call);
  assertResources(record, call);
}

/** Each call's request id has exactly one record in the trail, and it says what the client saw. */
function assertOneRecordEach(records: readonly AuditRecord[], calls: readonly Observed[]): void {
  const byRequest = groupBy(records, (record) => record['requestID']);
  for (const call of calls) {
    const found = byRequest.get(call.requestId) ?? [];
    assert.equal(found.length, 1, `${call.eventName} ${call.requestId}: ${found.length} records`);
    assertRecordOf(found[0] as AuditRecord, call);
  }
}

describe('audit records: one per call, saying what the client saw', () => {
  const clock = new OffsetClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-audit-records-'));
  let server: TestTrent;
  let calls: Workload;
  let alice: Principal;
  let nobody: Principal;
  let session: Principal;
  const keys = { a: '', b: '', doomed: '' };
  let blob: Uint8Array;

  async function newUser(name: string, userPolicy?: string): Promise<Principal> {
    const { User } = await calls.ok('iam', ROOT, new CreateUserCommand({ UserName: name }));
    if (userPolicy !== undefined) {
      const put = new PutUserPolicyCommand({ UserName: name, PolicyName: 'main', PolicyDocument: userPolicy });
      await calls.ok('iam', ROOT, put);
    }
    const { AccessKey } = await calls.ok('iam', ROOT, new CreateAccessKeyCommand({ UserName: name }));
    const credentials = {
      accessKeyId: AccessKey?.AccessKeyId ?? '',
      secretAccessKey: AccessKey?.SecretAccessKey ?? '',
    };
    const identity = {
      type: 'IAMUser' as const,
      principalId: User?.UserId ?? '',
      arn: userArn(name),
      accountId: TEST_ACCOUNT,
      accessKeyId: credentials.accessKeyId,
      userName: name,
    };
    return { credentials, identity };
  }

  async function assumeAuditRole(as: Principal, roleId: string): Promise<Principal> {
    const assume = new AssumeRoleCommand({ RoleArn: roleArn('auditor'), RoleSessionName: 'audit-session' });
    const { Credentials } = await calls.ok('sts', as, assume);
    const credentials = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
    return {
      credentials,
      identity: {
        type: 'AssumedRole',
        principalId: `${roleId}:audit-session`,
        arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/auditor/audit-session`,
        accountId: TEST_ACCOUNT,
        accessKeyId: credentials.accessKeyId,
      },
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: roleArn('auditor'),
        accountId: TEST_ACCOUNT,
        userName: 'auditor',
      },
    };
  }

  before(async () => {
    server = await startTestTrent({ clock, dataDir });
    calls = new Workload(server, clock);
    alice = await newUser('alice', policy(allow(['kms:*', 'sts:AssumeRole', 'iam:GetUser'])));
    nobody = await newUser('nobody');
    const { Role } = await calls.ok(
      'iam',
      ROOT,
      new CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: trustFor(userArn('alice')) }),
    );
    const rolePolicy = new PutRolePolicyCommand({
      RoleName: 'auditor',
      PolicyName: 'main',
      PolicyDocument: policy(allow('kms:*')),
    });
    await calls.ok('iam', ROOT, rolePolicy);
    session = await assumeAuditRole(alice, Role?.RoleId ?? '');
    for (const name of ['a', 'b', 'doomed'] as const) {
      const { KeyMetadata } = await calls.ok('kms', ROOT, new CreateKeyCommand({ Description: `audit ${name}` }));
      keys[name] = KeyMetadata?.KeyId ?? '';
    }
    const encrypted = await calls.ok(
      'kms',
      alice,
      new EncryptCommand({ KeyId: keys.a, Plaintext: Buffer.from('audited'), EncryptionContext: { purpose: 'audit' } }),
      { keys: [keyArn(keys.a)] },
    );
    blob = encrypted.CiphertextBlob ?? new Uint8Array();
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('KMS: each operation succeeds, dry-runs and fails once for each reason, and each call has its record', async () => {
    const before = calls.observed.length;
    const [a, b] = [keyArn(keys.a), keyArn(keys.b)];
    const onA = { keys: [a] };
    const missing = randomUUID();
    const context = { purpose: 'audit' };

    await calls.ok('kms', alice, new DescribeKeyCommand({ KeyId: keys.a }), onA);
    await calls.ok('kms', session, new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }), onA);
    await calls.ok(
      'kms',
      ROOT,
      new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: context, DestinationKeyId: keys.b }),
      { keys: [a, b] },
    );
    await calls.ok('kms', session, new GenerateDataKeyCommand({ KeyId: keys.a, KeySpec: 'AES_256' }), onA);
    await calls.ok('kms', ROOT, new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keys.a, NumberOfBytes: 32 }), onA);
    await calls.ok('kms', ROOT, new GenerateRandomCommand({ NumberOfBytes: 32 }));
    await calls.ok('kms', ROOT, new GetKeyLastUsageCommand({ KeyId: keys.a }), onA);
    const { Policy } = await calls.ok(
      'kms',
      ROOT,
      new GetKeyPolicyCommand({ KeyId: keys.a, PolicyName: 'default' }),
      onA,
    );
    await calls.ok('kms', ROOT, new ListKeyPoliciesCommand({ KeyId: keys.a }), onA);
    await calls.ok('kms', ROOT, new PutKeyPolicyCommand({ KeyId: keys.a, PolicyName: 'default', Policy }), onA);
    await calls.ok('kms', ROOT, new ListKeysCommand({}));
    const { KeyMetadata: euKey } = await calls.ok('kms', ROOT, new CreateKeyCommand({}), { region: 'eu-west-1' });
    await calls.ok('kms', ROOT, new DescribeKeyCommand({ KeyId: euKey?.KeyId }), {
      region: 'eu-west-1',
      keys: [keyArn(euKey?.KeyId ?? '', 'eu-west-1')],
    });
    await calls.ok('kms', ROOT, new CreateAliasCommand({ AliasName: 'alias/audit', TargetKeyId: keys.a }), onA);
    await calls.ok('kms', ROOT, new CreateAliasCommand({ AliasName: 'alias/audit-kept', TargetKeyId: keys.a }), onA);
    await calls.ok('kms', ROOT, new ListAliasesCommand({}));
    await calls.ok('kms', ROOT, new UpdateAliasCommand({ AliasName: 'alias/audit', TargetKeyId: keys.b }), {
      keys: [a, b],
    });
    await calls.ok('kms', ROOT, new DeleteAliasCommand({ AliasName: 'alias/audit' }), { keys: [b] });
    const tags = [{ TagKey: 'team', TagValue: 'audit' }];
    await calls.ok('kms', ROOT, new TagResourceCommand({ KeyId: keys.a, Tags: tags }), onA);
    await calls.ok('kms', ROOT, new ListResourceTagsCommand({ KeyId: keys.a }), onA);
    await calls.ok('kms', ROOT, new UntagResourceCommand({ KeyId: keys.a, TagKeys: ['team'] }), onA);
    await calls.ok('kms', ROOT, new UpdateKeyDescriptionCommand({ KeyId: keys.a, Description: 'audited' }), onA);
    await calls.ok('kms', ROOT, new DisableKeyCommand({ KeyId: keys.b }), { keys: [b] });
    await calls.ok('kms', ROOT, new EnableKeyCommand({ KeyId: keys.b }), { keys: [b] });

    const grantTo = (Name: string) =>
      new CreateGrantCommand({
        KeyId: keys.a,
        GranteePrincipal: userArn('alice'),
        RetiringPrincipal: userArn('alice'),
        Operations: ['Decrypt', 'Encrypt'],
        Name,
      });
    const retired = await calls.ok('kms', ROOT, grantTo('retired'), onA);
    const revoked = await calls.ok('kms', ROOT, grantTo('revoked'), onA);
    const kept = await calls.ok('kms', ROOT, grantTo('kept'), onA);
    await calls.ok('kms', ROOT, new ListGrantsCommand({ KeyId: keys.a }), onA);
    await calls.ok('kms', ROOT, new ListRetirableGrantsCommand({ RetiringPrincipal: userArn('alice') }));

    // A dry run is authorised and checked, then answered DryRunOperationException: recorded as exactly that.
    const dryRuns = [
      new EncryptCommand({ KeyId: keys.a, Plaintext: Buffer.from('x'), DryRun: true }),
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context, DryRun: true }),
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: context,
        DestinationKeyId: keys.a,
        DryRun: true,
      }),
      new GenerateDataKeyCommand({ KeyId: keys.a, NumberOfBytes: 16, DryRun: true }),
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keys.a, NumberOfBytes: 16, DryRun: true }),
      new CreateGrantCommand({
        KeyId: keys.a,
        GranteePrincipal: userArn('alice'),
        Operations: ['Decrypt'],
        DryRun: true,
      }),
      new RetireGrantCommand({ KeyId: keys.a, GrantId: kept.GrantId, DryRun: true }),
      new RevokeGrantCommand({ KeyId: keys.a, GrantId: kept.GrantId, DryRun: true }),
    ];
    for (const command of dryRuns) await calls.fails('DryRunOperationException', 'kms', ROOT, command);

    await calls.ok('kms', alice, new RetireGrantCommand({ GrantToken: retired.GrantToken }));
    await calls.ok('kms', ROOT, new RevokeGrantCommand({ KeyId: keys.a, GrantId: revoked.GrantId }), onA);
    await calls.ok('kms', ROOT, new ScheduleKeyDeletionCommand({ KeyId: keys.b, PendingWindowInDays: 7 }), {
      keys: [b],
    });
    await calls.ok('kms', ROOT, new CancelKeyDeletionCommand({ KeyId: keys.b }), { keys: [b] });

    const tooLong = 'x'.repeat(8193);
    const invalid = [
      new CancelKeyDeletionCommand({ KeyId: '' }),
      new CreateAliasCommand({ AliasName: '', TargetKeyId: keys.a }),
      new CreateGrantCommand({ KeyId: keys.a, GranteePrincipal: userArn('alice'), Operations: [], Name: 'bad name!' }),
      new CreateKeyCommand({ Description: tooLong }),
      new DecryptCommand({ CiphertextBlob: new Uint8Array() }),
      new DeleteAliasCommand({ AliasName: '' }),
      new DescribeKeyCommand({ KeyId: '' }),
      new DisableKeyCommand({ KeyId: '' }),
      new EnableKeyCommand({ KeyId: '' }),
      new EncryptCommand({ KeyId: keys.a, Plaintext: new Uint8Array(4097) }),
      new GenerateDataKeyCommand({ KeyId: keys.a, NumberOfBytes: 2000 }),
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keys.a, NumberOfBytes: 0 }),
      new GenerateRandomCommand({ NumberOfBytes: 0 }),
      new GetKeyLastUsageCommand({ KeyId: '' }),
      new GetKeyPolicyCommand({ KeyId: keys.a, PolicyName: '' }),
      new ListAliasesCommand({ Limit: 0 }),
      new ListGrantsCommand({ KeyId: keys.a, Limit: 0 }),
      new ListKeyPoliciesCommand({ KeyId: keys.a, Limit: 0 }),
      new ListKeysCommand({ Limit: 0 }),
      new ListResourceTagsCommand({ KeyId: keys.a, Limit: 0 }),
      new ListRetirableGrantsCommand({ RetiringPrincipal: '' }),
      new PutKeyPolicyCommand({ KeyId: keys.a, PolicyName: 'default', Policy: '' }),
      new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: '' }),
      new RetireGrantCommand({ GrantToken: '' }),
      new RevokeGrantCommand({ KeyId: keys.a, GrantId: '' }),
      new ScheduleKeyDeletionCommand({ KeyId: keys.a, PendingWindowInDays: 3 }),
      new TagResourceCommand({ KeyId: keys.a, Tags: [{ TagKey: '', TagValue: 'v' }] }),
      new UntagResourceCommand({ KeyId: keys.a, TagKeys: [''] }),
      new UpdateAliasCommand({ AliasName: '', TargetKeyId: keys.a }),
      new UpdateKeyDescriptionCommand({ KeyId: keys.a, Description: tooLong }),
    ];
    for (const command of invalid) await calls.fails('ValidationException', 'kms', ROOT, command);

    // A caller with no policy at all: refused on every operation, on keys that exist.
    const deniedOnA = [
      new CancelKeyDeletionCommand({ KeyId: keys.a }),
      new CreateAliasCommand({ AliasName: 'alias/nobody', TargetKeyId: keys.a }),
      new CreateGrantCommand({ KeyId: keys.a, GranteePrincipal: userArn('nobody'), Operations: ['Decrypt'] }),
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }),
      new DeleteAliasCommand({ AliasName: 'alias/audit-kept' }),
      new DescribeKeyCommand({ KeyId: keys.a }),
      new DisableKeyCommand({ KeyId: keys.a }),
      new EnableKeyCommand({ KeyId: keys.a }),
      new EncryptCommand({ KeyId: keys.a, Plaintext: Buffer.from('x') }),
      new GenerateDataKeyCommand({ KeyId: keys.a, NumberOfBytes: 32 }),
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keys.a, NumberOfBytes: 32 }),
      new GetKeyLastUsageCommand({ KeyId: keys.a }),
      new GetKeyPolicyCommand({ KeyId: keys.a, PolicyName: 'default' }),
      new ListGrantsCommand({ KeyId: keys.a }),
      new ListKeyPoliciesCommand({ KeyId: keys.a }),
      new ListResourceTagsCommand({ KeyId: keys.a }),
      new PutKeyPolicyCommand({ KeyId: keys.a, PolicyName: 'default', Policy }),
      new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: context, DestinationKeyId: keys.a }),
      new RevokeGrantCommand({ KeyId: keys.a, GrantId: kept.GrantId }),
      new ScheduleKeyDeletionCommand({ KeyId: keys.a, PendingWindowInDays: 7 }),
      new TagResourceCommand({ KeyId: keys.a, Tags: tags }),
      new UntagResourceCommand({ KeyId: keys.a, TagKeys: ['team'] }),
      new UpdateAliasCommand({ AliasName: 'alias/audit-kept', TargetKeyId: keys.a }),
      new UpdateKeyDescriptionCommand({ KeyId: keys.a, Description: 'no' }),
    ];
    for (const command of deniedOnA) await calls.fails('AccessDeniedException', 'kms', nobody, command, onA);
    const deniedAccountWide = [
      new CreateKeyCommand({}),
      new GenerateRandomCommand({ NumberOfBytes: 8 }),
      new ListAliasesCommand({}),
      new ListKeysCommand({}),
      new ListRetirableGrantsCommand({ RetiringPrincipal: userArn('nobody') }),
      new RetireGrantCommand({ KeyId: keys.a, GrantId: kept.GrantId }),
    ];
    for (const command of deniedAccountWide) await calls.fails('AccessDeniedException', 'kms', nobody, command);

    const notFound = [
      new CancelKeyDeletionCommand({ KeyId: missing }),
      new CreateAliasCommand({ AliasName: 'alias/nowhere', TargetKeyId: missing }),
      new CreateGrantCommand({ KeyId: missing, GranteePrincipal: userArn('alice'), Operations: ['Decrypt'] }),
      new DeleteAliasCommand({ AliasName: 'alias/missing' }),
      new DescribeKeyCommand({ KeyId: missing }),
      new DisableKeyCommand({ KeyId: missing }),
      new EnableKeyCommand({ KeyId: missing }),
      new EncryptCommand({ KeyId: missing, Plaintext: Buffer.from('x') }),
      new GenerateDataKeyCommand({ KeyId: missing, NumberOfBytes: 32 }),
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: missing, NumberOfBytes: 32 }),
      new GetKeyLastUsageCommand({ KeyId: missing }),
      new GetKeyPolicyCommand({ KeyId: missing, PolicyName: 'default' }),
      new ListGrantsCommand({ KeyId: missing }),
      new ListKeyPoliciesCommand({ KeyId: missing }),
      new ListResourceTagsCommand({ KeyId: missing }),
      new PutKeyPolicyCommand({ KeyId: missing, PolicyName: 'default', Policy }),
      new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: context, DestinationKeyId: missing }),
      new RetireGrantCommand({ KeyId: keys.a, GrantId: 'f'.repeat(64) }),
      new RevokeGrantCommand({ KeyId: keys.a, GrantId: 'f'.repeat(64) }),
      new ScheduleKeyDeletionCommand({ KeyId: missing, PendingWindowInDays: 7 }),
      new TagResourceCommand({ KeyId: missing, Tags: tags }),
      new UntagResourceCommand({ KeyId: missing, TagKeys: ['team'] }),
      new UpdateAliasCommand({ AliasName: 'alias/missing', TargetKeyId: keys.a }),
      new UpdateKeyDescriptionCommand({ KeyId: missing, Description: 'no' }),
    ];
    for (const command of notFound) await calls.fails('NotFoundException', 'kms', ROOT, command);
    await calls.fails(
      'IncorrectKeyException',
      'kms',
      ROOT,
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context, KeyId: keys.b }),
    );

    assertOneRecordEach(await trailRecords(dataDir), calls.observed.slice(before));
  });

  it("a call on a key the request does not name by KeyId still lists the key's ARN among its resources, as CloudTrail does", {}, async () => {
    const grant = new CreateGrantCommand({
      KeyId: keys.a,
      GranteePrincipal: userArn('alice'),
      RetiringPrincipal: userArn('alice'),
      Operations: ['Decrypt'],
    });
    const { GrantToken, GrantId } = await calls.ok('kms', ROOT, grant, { keys: [keyArn(keys.a)] });
    const { GrantId: second } = await calls.ok('kms', ROOT, grant, { keys: [keyArn(keys.a)] });
    const byToken = await calls.ok('kms', alice, new RetireGrantCommand({ GrantToken }));
    const byId = await calls.ok('kms', ROOT, new RetireGrantCommand({ KeyId: keys.a, GrantId: second }));
    const created = await calls.ok('kms', ROOT, new CreateKeyCommand({}));
    assert.notEqual(GrantId, second);

    const records = await trailRecords(dataDir);
    const resourcesOf = (output: { $metadata: { requestId?: string } }) =>
      records.find((record) => record['requestID'] === output.$metadata.requestId)?.['resources'];
    const keyResource = (arn: string | undefined) => [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }];
    assert.deepEqual(resourcesOf(byToken), keyResource(keyArn(keys.a)), 'RetireGrant by grant token');
    assert.deepEqual(resourcesOf(byId), keyResource(keyArn(keys.a)), 'RetireGrant by key and grant id');
    assert.deepEqual(resourcesOf(created), keyResource(created.KeyMetadata?.Arn), 'CreateKey');
  });

  it('IAM: each action succeeds and fails (ValidationError, AccessDenied, NoSuchEntity), and each has its record', async () => {
    const before = calls.observed.length;
    const aliceKey = alice.credentials.accessKeyId;
    const ghostKey = 'AKIAGHOSTGHOSTGHOST1';
    const tags = [{ Key: 'team', Value: 'audit' }];
    const document = policy(allow('kms:DescribeKey'));

    await calls.ok('iam', alice, new GetUserCommand({ UserName: 'alice' }));
    await calls.ok('iam', ROOT, new ListUsersCommand({}));
    await calls.ok('iam', ROOT, new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'main' }));
    await calls.ok('iam', ROOT, new ListUserPoliciesCommand({ UserName: 'alice' }));
    await calls.ok('iam', ROOT, new ListAccessKeysCommand({ UserName: 'alice' }));
    await calls.ok('iam', ROOT, new TagUserCommand({ UserName: 'alice', Tags: tags }));
    const { AccessKey } = await calls.ok('iam', ROOT, new CreateAccessKeyCommand({ UserName: 'alice' }));
    const spare = AccessKey?.AccessKeyId;
    await calls.ok(
      'iam',
      ROOT,
      new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: spare, Status: 'Inactive' }),
    );
    await calls.ok('iam', ROOT, new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: spare }));
    const userPolicy = { UserName: 'alice', PolicyName: 'spare' };
    await calls.ok('iam', ROOT, new PutUserPolicyCommand({ ...userPolicy, PolicyDocument: document }));
    await calls.ok('iam', ROOT, new DeleteUserPolicyCommand(userPolicy));
    await calls.ok('iam', ROOT, new GetRoleCommand({ RoleName: 'auditor' }));
    await calls.ok('iam', ROOT, new ListRolesCommand({}));
    await calls.ok('iam', ROOT, new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'main' }));
    await calls.ok('iam', ROOT, new ListRolePoliciesCommand({ RoleName: 'auditor' }));
    await calls.ok('iam', ROOT, new TagRoleCommand({ RoleName: 'auditor', Tags: tags }));
    const trust = trustFor(userArn('alice'));
    await calls.ok('iam', ROOT, new UpdateAssumeRolePolicyCommand({ RoleName: 'auditor', PolicyDocument: trust }));
    const rolePolicy = { RoleName: 'auditor', PolicyName: 'spare' };
    await calls.ok('iam', ROOT, new PutRolePolicyCommand({ ...rolePolicy, PolicyDocument: document }));
    await calls.ok('iam', ROOT, new DeleteRolePolicyCommand(rolePolicy));
    await calls.ok('iam', ROOT, new CreateUserCommand({ UserName: 'passing' }));
    await calls.ok('iam', ROOT, new DeleteUserCommand({ UserName: 'passing' }));
    await calls.ok('iam', ROOT, new CreateRoleCommand({ RoleName: 'passing', AssumeRolePolicyDocument: trust }));
    await calls.ok('iam', ROOT, new DeleteRoleCommand({ RoleName: 'passing' }));

    const badUser = 'bad name!';
    const badRole = 'bad role!';
    const invalid = [
      new CreateAccessKeyCommand({ UserName: badUser }),
      new CreateRoleCommand({ RoleName: badRole, AssumeRolePolicyDocument: trust }),
      new CreateUserCommand({ UserName: badUser }),
      new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: 'short' }),
      new DeleteRoleCommand({ RoleName: badRole }),
      new DeleteRolePolicyCommand({ RoleName: 'auditor', PolicyName: badUser }),
      new DeleteUserCommand({ UserName: badUser }),
      new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: badUser }),
      new GetRoleCommand({ RoleName: badRole }),
      new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: badUser }),
      new GetUserCommand({ UserName: badUser }),
      new GetUserPolicyCommand({ UserName: 'alice', PolicyName: badUser }),
      new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 0 }),
      new ListRolePoliciesCommand({ RoleName: 'auditor', MaxItems: 0 }),
      new ListRolesCommand({ MaxItems: 0 }),
      new ListUserPoliciesCommand({ UserName: 'alice', MaxItems: 0 }),
      new ListUsersCommand({ MaxItems: 0 }),
      new PutRolePolicyCommand({ RoleName: 'auditor', PolicyName: badUser, PolicyDocument: document }),
      new PutUserPolicyCommand({ UserName: 'alice', PolicyName: badUser, PolicyDocument: document }),
      new TagRoleCommand({ RoleName: 'auditor', Tags: [{ Key: '', Value: 'v' }] }),
      new TagUserCommand({ UserName: 'alice', Tags: [{ Key: '', Value: 'v' }] }),
      new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: aliceKey, Status: 'Dormant' as 'Active' }),
      new UpdateAssumeRolePolicyCommand({ RoleName: badRole, PolicyDocument: trust }),
    ];
    for (const command of invalid) await calls.fails('ValidationError', 'iam', ROOT, command);

    const denied = [
      new CreateAccessKeyCommand({ UserName: 'alice' }),
      new CreateRoleCommand({ RoleName: 'nobodys', AssumeRolePolicyDocument: trust }),
      new CreateUserCommand({ UserName: 'nobodys' }),
      new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: aliceKey }),
      new DeleteRoleCommand({ RoleName: 'auditor' }),
      new DeleteRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'main' }),
      new DeleteUserCommand({ UserName: 'alice' }),
      new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'main' }),
      new GetRoleCommand({ RoleName: 'auditor' }),
      new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'main' }),
      new GetUserCommand({ UserName: 'alice' }),
      new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'main' }),
      new ListAccessKeysCommand({ UserName: 'alice' }),
      new ListRolePoliciesCommand({ RoleName: 'auditor' }),
      new ListRolesCommand({}),
      new ListUserPoliciesCommand({ UserName: 'alice' }),
      new ListUsersCommand({}),
      new PutRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'main', PolicyDocument: document }),
      new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'main', PolicyDocument: document }),
      new TagRoleCommand({ RoleName: 'auditor', Tags: tags }),
      new TagUserCommand({ UserName: 'alice', Tags: tags }),
      new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: aliceKey, Status: 'Inactive' }),
      new UpdateAssumeRolePolicyCommand({ RoleName: 'auditor', PolicyDocument: trust }),
    ];
    for (const command of denied) await calls.fails('AccessDenied', 'iam', nobody, command);

    const noSuchEntity = [
      new CreateAccessKeyCommand({ UserName: 'ghost' }),
      new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: ghostKey }),
      new DeleteRoleCommand({ RoleName: 'ghost' }),
      new DeleteRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'ghost' }),
      new DeleteUserCommand({ UserName: 'ghost' }),
      new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'ghost' }),
      new GetRoleCommand({ RoleName: 'ghost' }),
      new GetRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'ghost' }),
      new GetUserCommand({ UserName: 'ghost' }),
      new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'ghost' }),
      new ListAccessKeysCommand({ UserName: 'ghost' }),
      new ListRolePoliciesCommand({ RoleName: 'ghost' }),
      new ListUserPoliciesCommand({ UserName: 'ghost' }),
      new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'main', PolicyDocument: document }),
      new PutUserPolicyCommand({ UserName: 'ghost', PolicyName: 'main', PolicyDocument: document }),
      new TagRoleCommand({ RoleName: 'ghost', Tags: tags }),
      new TagUserCommand({ UserName: 'ghost', Tags: tags }),
      new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: ghostKey, Status: 'Inactive' }),
      new UpdateAssumeRolePolicyCommand({ RoleName: 'ghost', PolicyDocument: trust }),
    ];
    for (const command of noSuchEntity) await calls.fails('NoSuchEntity', 'iam', ROOT, command);
    await calls.fails('EntityAlreadyExists', 'iam', ROOT, new CreateUserCommand({ UserName: 'alice' }));
    await calls.fails(
      'EntityAlreadyExists',
      'iam',
      ROOT,
      new CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: trust }),
    );

    assertOneRecordEach(await trailRecords(dataDir), calls.observed.slice(before));
  });

  it('STS: AssumeRole and GetCallerIdentity succeed and fail, each with its record', async () => {
    const before = calls.observed.length;
    const assume = (RoleSessionName: string, role = 'auditor') =>
      new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName });
    for (const who of [ROOT, alice, nobody, session]) await calls.ok('sts', who, new GetCallerIdentityCommand({}));
    await calls.ok('sts', session, new GetCallerIdentityCommand({}), { region: 'eu-west-1' });
    await calls.ok('sts', alice, assume('second-session'));
    await calls.fails('ValidationError', 'sts', alice, assume('s'));
    await calls.fails('AccessDenied', 'sts', nobody, assume('nobodys-session'));
    await calls.fails('AccessDenied', 'sts', alice, assume('ghost-session', 'ghost'));
    await calls.fails('AccessDenied', 'sts', ROOT, assume('roots-session'));
    // GetCallerIdentity needs no permission and takes no input: only a version STS does not serve can fail it.
    await calls.query('sts', alice, 'Action=GetCallerIdentity&Version=2010-01-01', 'InvalidAction', false);

    assertOneRecordEach(await trailRecords(dataDir), calls.observed.slice(before));
  });

  it('TrentAdmin: SimulatePolicy and CreateAccount succeed and fail, each with its record', async () => {
    const before = calls.observed.length;
    const simulate = { PrincipalArn: userArn('alice'), Action: 'kms:Encrypt', KeyId: keys.a };
    const decision = await calls.admin('SimulatePolicy', ROOT, simulate);
    assert.equal(decision['Decision'], 'Allow');
    await calls.admin('SimulatePolicy', ROOT, { ...simulate, PrincipalArn: 'alice' }, 'ValidationException');
    await calls.admin('SimulatePolicy', nobody, simulate, 'AccessDeniedException');
    await calls.admin('SimulatePolicy', ROOT, { ...simulate, KeyId: randomUUID() }, 'NotFoundException');

    const account = await calls.admin('CreateAccount', ROOT, { AccountId: '444455556666' });
    assert.equal(account['AccountId'], '444455556666');
    await calls.admin('CreateAccount', ROOT, { AccountId: 'abc' }, 'ValidationException');
    await calls.admin('CreateAccount', nobody, {}, 'AccessDeniedException');
    await calls.admin('CreateAccount', ROOT, { AccountId: '444455556666' }, 'AlreadyExistsException');

    assertOneRecordEach(await trailRecords(dataDir), calls.observed.slice(before));
  });

  it('a request that fails authentication leaves no record', async () => {
    const wrongSecret = { ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret-access-key-of-this-key00' };
    const unknownKey = { accessKeyId: 'AKIAUNKNOWNUNKNOWN01', secretAccessKey: TEST_CREDENTIALS.secretAccessKey };
    const form = 'application/x-www-form-urlencoded; charset=utf-8';
    const token = session.credentials.sessionToken ?? '';
    const tampered = {
      ...session.credentials,
      sessionToken: `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}=`,
    };
    await calls.refuse({ target: 'TrentService.ListKeys', body: '{}', credentials: wrongSecret });
    await calls.refuse({ target: 'TrentService.ListKeys', body: '{}', credentials: unknownKey });
    await calls.refuse({ target: 'TrentService.ListKeys', body: '{}', credentials: tampered });
    await calls.refuse({ target: 'TrentAdmin.CreateAccount', body: '{}', credentials: wrongSecret });
    await calls.refuse({
      service: 'iam',
      contentType: form,
      body: 'Action=ListUsers&Version=2010-05-08',
      credentials: wrongSecret,
    });
    await calls.refuse({
      service: 'sts',
      contentType: form,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      credentials: tampered,
    });

    const records = await trailRecords(dataDir);
    for (const requestId of calls.refused) {
      assert.equal(records.filter((record) => record['requestID'] === requestId).length, 0, requestId);
    }
  });

  it('a key deleted at the end of its waiting period gets one AwsServiceEvent DeleteKey record', async () => {
    const doomed = keyArn(keys.doomed);
    await calls.ok('kms', ROOT, new ScheduleKeyDeletionCommand({ KeyId: keys.doomed, PendingWindowInDays: 7 }), {
      keys: [doomed],
    });
    clock.offset = 7 * DAY + 60_000;
    const startedAt = clock.now();
    assert.equal(await server.trent.runKeyDeletion(), 1);
    const endedAt = clock.now();
    await calls.fails('NotFoundException', 'kms', ROOT, new DescribeKeyCommand({ KeyId: keys.doomed }), {
      systemClockOffset: clock.offset,
    });

    const events = (await trailRecords(dataDir)).filter((record) => record['eventType'] === 'AwsServiceEvent');
    assert.equal(events.length, 1);
    const [event] = events as [AuditRecord];
    assert.equal(event['eventSource'], 'kms.amazonaws.com');
    assert.equal(event['eventName'], 'DeleteKey');
    assert.equal(event['awsRegion'], TEST_REGION);
    assert.equal(event['recipientAccountId'], TEST_ACCOUNT);
    assert.equal(event['readOnly'], false);
    assert.equal(event['requestID'], undefined, 'no request caused it');
    assert.deepEqual(event['userIdentity'], { accountId: TEST_ACCOUNT, invokedBy: 'kms.amazonaws.com' });
    assert.deepEqual(event['resources'], [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: doomed }]);
    assert.deepEqual(event['responseElements'], { keyId: doomed });
    assertEventTime(event, { startedAt, endedAt }, 'DeleteKey');
  });

  it('the whole trail: one record per request and nothing else, unique event ids, and it verifies', async () => {
    const served = [
      ...[...operations.keys()].map((name) => `kms.amazonaws.com ${name}`),
      ...[...queryOperations.values()].map((operation) => `${operation.service}.amazonaws.com ${operation.name}`),
      'kms.amazonaws.com TrentAdmin.SimulatePolicy',
      'kms.amazonaws.com TrentAdmin.CreateAccount',
    ];
    const outcomes = groupBy(calls.observed, (call) => `${call.eventSource} ${call.eventName}`);
    for (const operation of served) {
      const seen = outcomes.get(operation) ?? [];
      assert.ok(
        seen.some((call) => call.error === undefined),
        `${operation}: a success was driven`,
      );
      assert.ok(
        seen.some((call) => call.error !== undefined),
        `${operation}: a failure was driven`,
      );
    }

    const records = await trailRecords(dataDir);
    const apiCalls = records.filter((record) => record['eventType'] === 'AwsApiCall');
    assert.deepEqual(
      apiCalls.map((record) => record['requestID']).sort(),
      calls.observed.map((call) => call.requestId).sort(),
      'the trail holds exactly the calls made, each once',
    );
    assertOneRecordEach(records, calls.observed);
    const eventIds = records.map((record) => record['eventID']);
    assert.equal(new Set(eventIds).size, eventIds.length, 'event ids are unique');

    await server.stop();
    const keysDir = join(dataDir, 'audit', PUBLIC_KEYS_DIRECTORY);
    const publicKeys = readdirSync(keysDir).map((name) => createPublicKey(readFileSync(join(keysDir, name))));
    assert.ok(publicKeys.length > 0);
    const report = await verifyTrail(join(dataDir, 'audit', 'main'), { publicKeys });
    assert.deepEqual(report.ok && { ok: true, records: report.records }, { ok: true, records: records.length });
  });
});
