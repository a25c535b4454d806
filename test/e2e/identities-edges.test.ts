import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  type KMSClient,
  ListKeysCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import { AssumeRoleCommand, type AssumeRoleCommandInput, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { callTrent } from '../../cli/signed-request.js';
import {
  allow,
  awsError,
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

/**
 * The less-travelled paths of IAM and STS: several accounts, cross-account roles, session tags, session
 * policies, durations, grants to roles, refused members, ExternalId and the root's own access keys.
 */

const policy = keyPolicy;
/** A trust policy statement letting `principals` perform `Action` on the role. */
const trusting = (principals: string[], Action: string | string[], Condition?: object) => ({
  Effect: 'Allow',
  Principal: { AWS: principals },
  Action,
  ...(Condition ? { Condition } : {}),
});
const sessionArn = (role: string, session: string, account = TEST_ACCOUNT) =>
  `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
const rootArn = (account: string) => `arn:aws:iam::${account}:root`;
const plaintext = Buffer.from('edge');

/** AssumeRole's input, the session name defaulting to 'edge-session'. */
type AssumeInput = Omit<AssumeRoleCommandInput, 'RoleSessionName'> & { RoleSessionName?: string };

interface NewAccount {
  readonly accountId: string;
  readonly credentials: TestCredentials;
}

describe('IAM and STS off the main paths, with the real SDK clients', () => {
  let server: TestTrent;
  let iam: IAMClient;
  let kms: KMSClient;
  let names = 0;
  const unique = (prefix: string) => `${prefix}-${++names}`;

  before(async () => {
    server = await startTestTrent();
    iam = server.iam();
    kms = server.kms();
  });
  after(() => server.stop());

  /** TrentAdmin.CreateAccount as `caller`; resolves with the status and the JSON body. */
  const createAccountAs = (caller: TestCredentials, body: object = {}) =>
    callTrent(server.url, TEST_REGION, caller, 'TrentAdmin.CreateAccount', body);

  async function newAccount(body: object = {}): Promise<NewAccount> {
    const { status, body: created } = await createAccountAs(TEST_CREDENTIALS, body);
    assert.equal(status, 200, JSON.stringify(created));
    return {
      accountId: created['AccountId'] as string,
      credentials: {
        accessKeyId: created['AccessKeyId'] as string,
        secretAccessKey: created['SecretAccessKey'] as string,
      },
    };
  }

  /** A user of the first account with one access key and, when given, one inline policy. */
  async function newUser(name: string, identityPolicy?: string): Promise<TestCredentials> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (identityPolicy) {
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: identityPolicy }));
    }
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string };
  }

  /** A role made by `admin` (the first account's root unless given), with an inline policy when given. */
  async function newRole(
    name: string,
    role: { trustPolicy: string; rolePolicy?: string; maxSessionDuration?: number; tags?: Tag[] },
    admin = iam,
  ): Promise<void> {
    await admin.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: role.trustPolicy,
        MaxSessionDuration: role.maxSessionDuration,
        Tags: role.tags,
      }),
    );
    if (role.rolePolicy) {
      await admin.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: role.rolePolicy }));
    }
  }

  async function assume(as: TestCredentials, input: AssumeInput) {
    const { Credentials, AssumedRoleUser } = await server
      .sts(as)
      .send(new AssumeRoleCommand({ RoleSessionName: 'edge-session', ...input }));
    const credentials: TestCredentials = {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    };
    return { credentials, expiration: Credentials?.Expiration as Date, arn: AssumedRoleUser?.Arn };
  }

  const newKey = async (Policy?: string) =>
    (await kms.send(new CreateKeyCommand({ Policy }))).KeyMetadata?.Arn as string;

  /** The error name an Encrypt under `credentials` fails with, or 'ok' when it succeeds. */
  async function encryptOutcome(credentials: TestCredentials, keyArn: string): Promise<string> {
    try {
      await server.kms(undefined, credentials).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }));
      return 'ok';
    } catch (error) {
      return (error as Error).name;
    }
  }

  it('accounts are tenants: only the operator creates them, and each root sees only its own', async () => {
    const firstUser = unique('shared-name');
    const firstUserKeys = await newUser(firstUser, policy(allow('*')));
    const firstKey = await newKey();
    const firstRole = unique('first-role');
    await newRole(firstRole, { trustPolicy: policy(trusting([TEST_ROOT], 'sts:AssumeRole')) });

    const chosen = await newAccount({ AccountId: '444455556666' });
    assert.equal(chosen.accountId, '444455556666');
    assert.match(chosen.credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    const taken = await createAccountAs(TEST_CREDENTIALS, { AccountId: '444455556666' });
    assert.deepEqual([taken.status, taken.body['__type']], [400, 'AlreadyExistsException']);
    const operatorTaken = await createAccountAs(TEST_CREDENTIALS, { AccountId: TEST_ACCOUNT });
    assert.equal(operatorTaken.body['__type'], 'AlreadyExistsException');

    const second = await newAccount();
    assert.match(second.accountId, /^\d{12}$/);
    assert.notEqual(second.accountId, TEST_ACCOUNT);
    for (const caller of [firstUserKeys, second.credentials]) {
      const refused = await createAccountAs(caller);
      assert.deepEqual([refused.status, refused.body['__type']], [400, 'AccessDeniedException']);
      assert.match(refused.body['message'] as string, /not authorized to perform: trent:CreateAccount/);
    }

    const secondIam = server.iam(second.credentials);
    const missing = await awsError(() => secondIam.send(new GetUserCommand({ UserName: firstUser })));
    assert.deepEqual([missing.name, missing.status], ['NoSuchEntityException', 404]);
    assert.deepEqual((await secondIam.send(new ListUsersCommand({}))).Users, []);
    assert.deepEqual((await secondIam.send(new ListRolesCommand({}))).Roles, []);
    const secondKms = server.kms(undefined, second.credentials);
    assert.deepEqual((await secondKms.send(new ListKeysCommand({}))).Keys, []);
    // DescribeKey works across accounts by key ARN (the API Reference's "Cross-account use: Yes"), so AWS
    // answers a key policy that does not let the caller in with AccessDenied; a bare key id is looked up in
    // the caller's own account, where it does not exist.
    const byArn = await awsError(() => secondKms.send(new DescribeKeyCommand({ KeyId: firstKey })));
    assert.equal(byArn.name, 'AccessDeniedException');
    assert.match(byArn.message, /because no resource-based policy allows the kms:DescribeKey action$/);
    const firstKeyId = firstKey.split('/')[1] as string;
    const byId = await awsError(() => secondKms.send(new DescribeKeyCommand({ KeyId: firstKeyId })));
    assert.equal(byId.name, 'NotFoundException');

    const { User } = await secondIam.send(new CreateUserCommand({ UserName: firstUser }));
    assert.equal(User?.Arn, userArn(firstUser, second.accountId));
    const firstStill = await iam.send(new GetUserCommand({ UserName: firstUser }));
    assert.equal(firstStill.User?.Arn, userArn(firstUser));
    assert.notEqual(firstStill.User?.UserId, User?.UserId);

    const who = await server.sts(second.credentials).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { Account: who.Account, Arn: who.Arn, UserId: who.UserId },
      { Account: second.accountId, Arn: rootArn(second.accountId), UserId: second.accountId },
    );
  });

  it("a role of account B trusting a user of account A needs the user's own identity policy too", async () => {
    const accountB = await newAccount();
    const role = unique('cross');
    const roleInB = roleArn(role, accountB.accountId);
    const traveller = unique('traveller');
    const travellerKeys = await newUser(traveller);
    await newRole(
      role,
      { trustPolicy: policy(trusting([userArn(traveller)], 'sts:AssumeRole')) },
      server.iam(accountB.credentials),
    );

    const withoutIdentityPolicy = await awsError(() => assume(travellerKeys, { RoleArn: roleInB }));
    assert.deepEqual([withoutIdentityPolicy.name, withoutIdentityPolicy.status], ['AccessDenied', 403]);
    assert.match(
      withoutIdentityPolicy.message,
      new RegExp(`not authorized to perform: sts:AssumeRole on resource: ${roleInB}`),
    );

    await iam.send(
      new PutUserPolicyCommand({
        UserName: traveller,
        PolicyName: 'assume-b',
        PolicyDocument: policy(allow('sts:AssumeRole', roleInB)),
      }),
    );
    const session = await assume(travellerKeys, { RoleArn: roleInB, RoleSessionName: 'visit' });
    assert.equal(session.arn, sessionArn(role, 'visit', accountB.accountId));
    const who = await server.sts(session.credentials).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { Account: who.Account, Arn: who.Arn },
      { Account: accountB.accountId, Arn: sessionArn(role, 'visit', accountB.accountId) },
    );

    // The identity policy alone is not enough: B's trust policy must name the caller too.
    const stranger = unique('stranger');
    const strangerKeys = await newUser(stranger, policy(allow('sts:AssumeRole', roleInB)));
    assert.equal((await awsError(() => assume(strangerKeys, { RoleArn: roleInB }))).name, 'AccessDenied');
  });

  it('session tags need sts:TagSession, override role tags in aws:PrincipalTag, and aws:RequestTag limits them', async () => {
    const tagger = unique('tagger');
    const taggerKeys = await newUser(tagger);
    const keyArn = await newKey();
    const team = (Value: string): Tag[] => [{ Key: 'team', Value }];

    const untaggable = unique('no-tag-session');
    await newRole(untaggable, { trustPolicy: policy(trusting([userArn(tagger)], 'sts:AssumeRole')) });
    const refused = await awsError(() => assume(taggerKeys, { RoleArn: roleArn(untaggable), Tags: team('blue') }));
    assert.deepEqual([refused.name, refused.status], ['AccessDenied', 403]);
    assert.match(refused.message, /sts:TagSession/);
    await assume(taggerKeys, { RoleArn: roleArn(untaggable) });

    const tagged = unique('tagged');
    await newRole(tagged, {
      trustPolicy: policy(trusting([userArn(tagger)], ['sts:AssumeRole', 'sts:TagSession'])),
      rolePolicy: policy(allow('kms:Encrypt', '*', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } })),
      tags: team('red'),
    });
    const untaggedSession = await assume(taggerKeys, { RoleArn: roleArn(tagged) });
    assert.equal(await encryptOutcome(untaggedSession.credentials, keyArn), 'AccessDeniedException');
    const blueSession = await assume(taggerKeys, { RoleArn: roleArn(tagged), Tags: team('blue') });
    assert.equal(await encryptOutcome(blueSession.credentials, keyArn), 'ok');
    const otherSession = await assume(taggerKeys, { RoleArn: roleArn(tagged), Tags: team('green') });
    assert.equal(await encryptOutcome(otherSession.credentials, keyArn), 'AccessDeniedException');

    const restricted = unique('only-blue');
    await newRole(restricted, {
      trustPolicy: policy(
        trusting([userArn(tagger)], 'sts:AssumeRole'),
        trusting([userArn(tagger)], 'sts:TagSession', {
          StringEquals: { 'aws:RequestTag/team': 'blue' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
        }),
      ),
    });
    await assume(taggerKeys, { RoleArn: roleArn(restricted), Tags: team('blue') });
    const wrongValue = await awsError(() => assume(taggerKeys, { RoleArn: roleArn(restricted), Tags: team('red') }));
    assert.equal(wrongValue.name, 'AccessDenied');
    const extraKey = await awsError(() =>
      assume(taggerKeys, {
        RoleArn: roleArn(restricted),
        Tags: [...team('blue'), { Key: 'project', Value: 'x' }],
      }),
    );
    assert.equal(extraKey.name, 'AccessDenied');
  });

  it('a session policy caps the role and its Deny wins; a key policy naming the session itself is not capped', async () => {
    const capped = unique('capped');
    const cappedKeys = await newUser(capped);
    const role = unique('encrypt-only');
    await newRole(role, {
      trustPolicy: policy(trusting([userArn(capped)], 'sts:AssumeRole')),
      rolePolicy: policy(allow('kms:Encrypt')),
    });
    const keyArn = await newKey();
    const blob = (await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }))).CiphertextBlob;

    const wide = await assume(cappedKeys, { RoleArn: roleArn(role), Policy: policy(allow('kms:*')) });
    const asWide = server.kms(undefined, wide.credentials);
    assert.equal(await encryptOutcome(wide.credentials, keyArn), 'ok');
    const notGranted = await awsError(() => asWide.send(new DecryptCommand({ CiphertextBlob: blob })));
    assert.equal(notGranted.name, 'AccessDeniedException');
    assert.match(notGranted.message, /because no identity-based policy allows the kms:Decrypt action$/);
    assert.equal(
      (await awsError(() => asWide.send(new DescribeKeyCommand({ KeyId: keyArn })))).name,
      'AccessDeniedException',
    );

    const denying = await assume(cappedKeys, {
      RoleArn: roleArn(role),
      Policy: policy(allow('kms:*'), { Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }),
    });
    const denied = await awsError(() =>
      server.kms(undefined, denying.credentials).send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })),
    );
    assert.equal(denied.name, 'AccessDeniedException');
    assert.match(denied.message, /with an explicit deny in a session policy$/);

    const encryptOnly = policy(allow('kms:Encrypt'));
    const named = await assume(cappedKeys, { RoleArn: roleArn(role), RoleSessionName: 'named', Policy: encryptOnly });
    const rootStatement = {
      Sid: 'root',
      Effect: 'Allow',
      Principal: { AWS: TEST_ROOT },
      Action: 'kms:*',
      Resource: '*',
    };
    const decryptFor = (principal: string) =>
      keyPolicy(rootStatement, {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    const sessionKey = await newKey(decryptFor(sessionArn(role, 'named')));
    const roleKey = await newKey(decryptFor(roleArn(role)));
    const sealedFor = async (key: string) =>
      (await kms.send(new EncryptCommand({ KeyId: key, Plaintext: plaintext }))).CiphertextBlob;
    const sessionBlob = await sealedFor(sessionKey);
    const roleBlob = await sealedFor(roleKey);

    const asNamed = server.kms(undefined, named.credentials);
    const opened = await asNamed.send(new DecryptCommand({ CiphertextBlob: sessionBlob }));
    assert.deepEqual(Buffer.from(opened.Plaintext as Uint8Array), plaintext);
    const cappedByRole = await awsError(() => asNamed.send(new DecryptCommand({ CiphertextBlob: roleBlob })));
    assert.equal(cappedByRole.name, 'AccessDeniedException');
    assert.match(cappedByRole.message, /because no session policy allows the kms:Decrypt action$/);

    // Without a session policy, the key policy naming the role is what lets the session decrypt.
    const free = await assume(cappedKeys, { RoleArn: roleArn(role), RoleSessionName: 'free' });
    await server.kms(undefined, free.credentials).send(new DecryptCommand({ CiphertextBlob: roleBlob }));
  });

  it('DurationSeconds: at least 900, at most MaxSessionDuration, and one hour when a session assumes a role', async () => {
    const timer = unique('timer');
    const timerKeys = await newUser(timer);
    const hourly = unique('hourly');
    const longLived = unique('long-lived');
    await newRole(hourly, { trustPolicy: policy(trusting([userArn(timer)], 'sts:AssumeRole')) });
    await newRole(longLived, {
      trustPolicy: policy(trusting([userArn(timer), roleArn(hourly)], 'sts:AssumeRole')),
      maxSessionDuration: 43200,
    });

    const tooLong = await awsError(() => assume(timerKeys, { RoleArn: roleArn(hourly), DurationSeconds: 3601 }));
    assert.deepEqual([tooLong.name, tooLong.status], ['ValidationError', 400]);
    assert.match(tooLong.message, /exceeds the MaxSessionDuration set for this role/);
    const tooShort = await awsError(() => assume(timerKeys, { RoleArn: roleArn(hourly), DurationSeconds: 899 }));
    assert.equal(tooShort.name, 'ValidationError');
    assert.match(tooShort.message, /'899' at 'durationSeconds' failed to satisfy constraint/);

    const expectExpiry = async (input: AssumeInput, as: TestCredentials, seconds: number) => {
      const asked = Date.now();
      const { credentials, expiration } = await assume(as, input);
      const expected = asked + seconds * 1000;
      assert.ok(
        Math.abs(expiration.getTime() - expected) < 5_000,
        `expires at ${expiration.toISOString()}, expected about ${new Date(expected).toISOString()}`,
      );
      return credentials;
    };
    await expectExpiry({ RoleArn: roleArn(hourly), DurationSeconds: 900 }, timerKeys, 900);
    await expectExpiry({ RoleArn: roleArn(longLived), DurationSeconds: 43200 }, timerKeys, 43200);
    const first = await expectExpiry({ RoleArn: roleArn(hourly) }, timerKeys, 3600);

    const chainedTooLong = await awsError(() => assume(first, { RoleArn: roleArn(longLived), DurationSeconds: 3601 }));
    assert.equal(chainedTooLong.name, 'ValidationError');
    assert.match(chainedTooLong.message, /1 hour session limit for roles assumed by role chaining/);
    await expectExpiry({ RoleArn: roleArn(longLived), DurationSeconds: 3600 }, first, 3600);
  });

  it("a grant to a role ARN covers the role's sessions", async () => {
    const holder = unique('holder');
    const holderKeys = await newUser(holder);
    const role = unique('grantee');
    await newRole(role, { trustPolicy: policy(trusting([userArn(holder)], 'sts:AssumeRole')) });
    const keyArn = await newKey();
    const session = await assume(holderKeys, { RoleArn: roleArn(role) });
    assert.equal(await encryptOutcome(session.credentials, keyArn), 'AccessDeniedException');

    const { GrantId } = await kms.send(
      new CreateGrantCommand({ KeyId: keyArn, GranteePrincipal: roleArn(role), Operations: ['Encrypt'] }),
    );
    assert.equal(await encryptOutcome(session.credentials, keyArn), 'ok');
    const later = await assume(holderKeys, { RoleArn: roleArn(role), RoleSessionName: 'later' });
    assert.equal(await encryptOutcome(later.credentials, keyArn), 'ok');
    assert.equal(await encryptOutcome(holderKeys, keyArn), 'AccessDeniedException', 'the grant is not to the user');

    await kms.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId }));
    assert.equal(await encryptOutcome(session.credentials, keyArn), 'AccessDeniedException');
  });

  it('members Trent does not implement are refused, never ignored', async () => {
    const caller = unique('refused');
    const callerKeys = await newUser(caller);
    const role = unique('plain');
    await newRole(role, { trustPolicy: policy(trusting([userArn(caller)], ['sts:AssumeRole', 'sts:TagSession'])) });
    const unsupported: [string, Partial<AssumeRoleCommandInput>][] = [
      ['PolicyArns', { PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }],
      ['SerialNumber', { SerialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/${caller}`, TokenCode: '123456' }],
      ['TransitiveTagKeys', { Tags: [{ Key: 'team', Value: 'blue' }], TransitiveTagKeys: ['team'] }],
    ];
    for (const [member, extra] of unsupported) {
      const refused = await awsError(() => assume(callerKeys, { RoleArn: roleArn(role), ...extra }));
      assert.deepEqual([refused.name, refused.status], ['ValidationError', 400], member);
    }

    const bounded = unique('bounded');
    const boundary = await awsError(() =>
      iam.send(
        new CreateUserCommand({
          UserName: bounded,
          PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
        }),
      ),
    );
    assert.deepEqual([boundary.name, boundary.status], ['ValidationError', 400]);
    assert.match(boundary.message, /permissions boundary/);
    const notCreated = await awsError(() => iam.send(new GetUserCommand({ UserName: bounded })));
    assert.equal(notCreated.name, 'NoSuchEntityException');
  });

  it('a trust policy requiring sts:ExternalId refuses a missing or wrong one', async () => {
    const partner = unique('partner');
    const partnerKeys = await newUser(partner);
    const role = unique('external');
    await newRole(role, {
      trustPolicy: policy(
        trusting([userArn(partner)], 'sts:AssumeRole', { StringEquals: { 'sts:ExternalId': 'expected-id' } }),
      ),
    });
    for (const ExternalId of [undefined, 'wrong-id', 'EXPECTED-ID']) {
      const refused = await awsError(() => assume(partnerKeys, { RoleArn: roleArn(role), ExternalId }));
      assert.equal(refused.name, 'AccessDenied', `ExternalId ${ExternalId}`);
    }
    const session = await assume(partnerKeys, { RoleArn: roleArn(role), ExternalId: 'expected-id' });
    assert.equal(session.arn, sessionArn(role, 'edge-session'));
  });

  it("the root's second access key works for KMS at once, a third is over the limit, and deleting it stops it", async () => {
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({}));
    assert.ok(AccessKey?.AccessKeyId && AccessKey.SecretAccessKey);
    const secondRoot = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    try {
      const listed = await iam.send(new ListAccessKeysCommand({}));
      assert.deepEqual(
        (listed.AccessKeyMetadata ?? []).map((key) => key.AccessKeyId).sort(),
        [TEST_CREDENTIALS.accessKeyId, secondRoot.accessKeyId].sort(),
      );
      const who = await server.sts(secondRoot).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Arn, TEST_ROOT);
      const keyArn = (await server.kms(undefined, secondRoot).send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
      assert.ok(keyArn);
      assert.equal(await encryptOutcome(secondRoot, keyArn), 'ok');

      const third = await awsError(() => iam.send(new CreateAccessKeyCommand({})));
      assert.deepEqual([third.name, third.status], ['LimitExceededException', 409]);
      assert.match(third.message, /Cannot exceed quota for AccessKeysPerUser: 2/);
    } finally {
      await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: secondRoot.accessKeyId }));
    }
    const stopped = await awsError(() => server.kms(undefined, secondRoot).send(new ListKeysCommand({})));
    assert.equal(stopped.name, 'UnrecognizedClientException');
    assert.equal(
      (await awsError(() => server.sts(secondRoot).send(new GetCallerIdentityCommand({})))).name,
      'InvalidClientTokenId',
    );
    await kms.send(new ListKeysCommand({}));
  });
});
