import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  type GrantConstraints,
  type GrantOperation,
  type KMSClient,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OffsetClock } from '../support/clock.js';
import { sendRaw } from '../support/raw-kms.js';
import {
  allow,
  awsError,
  keyPolicy,
  roleArn,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_ROOT,
  type TestCredentials,
  type TestTrent,
  userArn,
} from '../support/trent.js';

const policy = keyPolicy;
const trustFor = (...principals: string[]) =>
  policy({ Effect: 'Allow', Principal: { AWS: principals }, Action: ['sts:AssumeRole', 'sts:TagSession'] });

describe('IAM users and roles, STS sessions and identity policies, with the real SDK clients', () => {
  const clock = new OffsetClock();
  let server: TestTrent;
  let iam: IAMClient;
  let kms: KMSClient;
  let names = 0;
  const unique = (prefix: string) => `${prefix}-${++names}`;

  before(async () => {
    server = await startTestTrent({ clock });
    iam = server.iam();
    kms = server.kms();
  });
  after(() => server.stop());

  /** A user with one access key and, when given, one inline policy. */
  async function newUser(name: string, identityPolicy?: string): Promise<TestCredentials> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    if (identityPolicy) {
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: identityPolicy }));
    }
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: AccessKey?.AccessKeyId as string, secretAccessKey: AccessKey?.SecretAccessKey as string };
  }

  async function newRole(name: string, trustPolicy: string, rolePolicy?: string, MaxSessionDuration?: number) {
    await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy, MaxSessionDuration }),
    );
    if (rolePolicy) {
      await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: rolePolicy }));
    }
  }

  async function assume(
    as: TestCredentials,
    role: string,
    extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {},
  ) {
    const { Credentials, AssumedRoleUser } = await server
      .sts(as)
      .send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: 'session-1', ...extra }));
    const credentials: TestCredentials = {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    };
    return { credentials, expiration: Credentials?.Expiration as Date, user: AssumedRoleUser };
  }

  const newKey = async (Policy?: string) =>
    (await kms.send(new CreateKeyCommand({ Policy }))).KeyMetadata?.KeyId as string;

  it('a user assumes a role its trust policy names, and GetCallerIdentity names user, session and root', async () => {
    const alice = unique('alice');
    const role = unique('reader');
    const aliceKeys = await newUser(alice);
    await newRole(role, trustFor(userArn(alice)));

    const asUser = await server.sts(aliceKeys).send(new GetCallerIdentityCommand({}));
    const { User } = await iam.send(new GetUserCommand({ UserName: alice }));
    assert.deepEqual(
      { Account: asUser.Account, Arn: asUser.Arn, UserId: asUser.UserId },
      { Account: TEST_ACCOUNT, Arn: userArn(alice), UserId: User?.UserId },
    );
    assert.match(User?.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);

    const session = await assume(aliceKeys, role);
    const sessionArn = `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/${role}/session-1`;
    assert.equal(session.user?.Arn, sessionArn);
    assert.match(session.credentials.accessKeyId, /^ASIA/);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: role }));
    const asSession = await server.sts(session.credentials).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      { Arn: asSession.Arn, UserId: asSession.UserId },
      { Arn: sessionArn, UserId: `${Role?.RoleId}:session-1` },
    );
    const asRoot = await server.sts().send(new GetCallerIdentityCommand({}));
    assert.deepEqual({ Arn: asRoot.Arn, UserId: asRoot.UserId }, { Arn: TEST_ROOT, UserId: TEST_ACCOUNT });
  });

  it('session credentials stop working at expiry, for STS and for KMS', async () => {
    const bob = unique('bob');
    const role = unique('short');
    const bobKeys = await newUser(bob);
    await newRole(role, trustFor(userArn(bob)), policy(allow('kms:*')));
    const session = await assume(bobKeys, role, { DurationSeconds: 900 });
    assert.ok(Math.abs(session.expiration.getTime() - (clock.now() + 900_000)) < 5_000, 'expires in 900 s');
    const keyId = await newKey();
    await server
      .kms(undefined, session.credentials)
      .send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));

    clock.offset = 901_000;
    try {
      const later = { systemClockOffset: clock.offset };
      const sts = await awsError(() => server.sts(session.credentials, later).send(new GetCallerIdentityCommand({})));
      assert.equal(sts.name, 'ExpiredToken');
      assert.equal(sts.message, 'The security token included in the request is expired');
      const kmsCall = await awsError(() =>
        server
          .kms(undefined, session.credentials, later)
          .send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      );
      assert.equal(kmsCall.name, 'ExpiredTokenException');
    } finally {
      clock.offset = 0;
    }
  });

  it('session credentials stop working once the role is deleted', async () => {
    const carol = unique('carol');
    const role = unique('doomed');
    const carolKeys = await newUser(carol);
    await newRole(role, trustFor(userArn(carol)), policy(allow('kms:*')));
    const session = await assume(carolKeys, role);
    await server.sts(session.credentials).send(new GetCallerIdentityCommand({}));

    const conflict = await awsError(() => iam.send(new DeleteRoleCommand({ RoleName: role })));
    assert.deepEqual([conflict.name, conflict.status], ['DeleteConflictException', 409]);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: role }));

    const refused = await awsError(() => server.sts(session.credentials).send(new GetCallerIdentityCommand({})));
    assert.equal(refused.name, 'InvalidClientTokenId');
    const kmsRefused = await awsError(() => server.kms(undefined, session.credentials).send(new CreateKeyCommand({})));
    assert.equal(kmsRefused.name, 'UnrecognizedClientException');

    // A role re-created under the same name is a new role: the old session stays dead.
    await newRole(role, trustFor(userArn(carol)));
    const stillRefused = await awsError(() => server.sts(session.credentials).send(new GetCallerIdentityCommand({})));
    assert.equal(stillRefused.name, 'InvalidClientTokenId');
  });

  it('the trust policy decides who may assume a role; the account root never may', async () => {
    const dave = unique('dave');
    const eve = unique('eve');
    const role = unique('guarded');
    const daveKeys = await newUser(dave);
    const eveKeys = await newUser(eve);
    await newRole(role, trustFor(userArn(dave)));

    const denied = await awsError(() => assume(eveKeys, role));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(denied.status, 403);
    assert.match(
      denied.message,
      new RegExp(`User: ${userArn(eve)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn(role)}`),
    );
    const missing = await awsError(() => assume(daveKeys, unique('no-such-role')));
    assert.equal(missing.name, 'AccessDenied', 'a role that does not exist looks the same as one that refuses');
    const root = await awsError(() =>
      server.sts().send(new AssumeRoleCommand({ RoleArn: roleArn(role), RoleSessionName: 'root' })),
    );
    assert.deepEqual([root.name, root.message], ['AccessDenied', 'Roles may not be assumed by root accounts.']);

    // A trust policy naming only the account hands the decision to the caller's identity policies.
    const accountRole = unique('account-trusted');
    await newRole(accountRole, trustFor(TEST_ROOT));
    assert.equal((await awsError(() => assume(eveKeys, accountRole))).name, 'AccessDenied');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: eve,
        PolicyName: 'assume',
        PolicyDocument: policy(allow('sts:AssumeRole', roleArn(accountRole))),
      }),
    );
    assert.match((await assume(eveKeys, accountRole)).user?.Arn ?? '', /assumed-role/);
  });

  it('a user allowed only kms:Encrypt with kms:EncryptionContext:Department=IT can do exactly that', async () => {
    const keyId = await newKey();
    const frank = await newUser(
      unique('frank'),
      policy(allow('kms:Encrypt', '*', { StringEquals: { 'kms:EncryptionContext:Department': 'IT' } })),
    );
    const asFrank = server.kms(undefined, frank);
    const sealed = await asFrank.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('it'), EncryptionContext: { Department: 'IT' } }),
    );
    assert.ok(sealed.CiphertextBlob);
    const contexts: (Record<string, string> | undefined)[] = [{ Department: 'HR' }, undefined, { department: 'it' }];
    for (const EncryptionContext of contexts) {
      const refused = await awsError(() =>
        asFrank.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext })),
      );
      assert.equal(refused.name, 'AccessDeniedException');
      assert.match(refused.message, /because no identity-based policy allows the kms:Encrypt action$/);
    }
    const decrypt = await awsError(() =>
      asFrank.send(
        new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { Department: 'IT' } }),
      ),
    );
    assert.equal(decrypt.name, 'AccessDeniedException');
    assert.equal((await awsError(() => asFrank.send(new CreateKeyCommand({})))).name, 'AccessDeniedException');
  });

  it('a role session can decrypt; a session policy narrows it to what both allow', async () => {
    const keyId = await newKey();
    const blob = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') })))
      .CiphertextBlob;
    const grace = unique('grace');
    const role = unique('decrypter');
    const graceKeys = await newUser(grace);
    await newRole(role, trustFor(userArn(grace)), policy(allow(['kms:Decrypt', 'kms:Encrypt'])));

    const session = await assume(graceKeys, role);
    const asSession = server.kms(undefined, session.credentials);
    const { Plaintext } = await asSession.send(new DecryptCommand({ CiphertextBlob: blob }));
    assert.equal(Buffer.from(Plaintext as Uint8Array).toString(), 'secret');

    const narrowed = await assume(graceKeys, role, { Policy: policy(allow('kms:Encrypt')) });
    const asNarrowed = server.kms(undefined, narrowed.credentials);
    await asNarrowed.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('ok') }));
    const refused = await awsError(() => asNarrowed.send(new DecryptCommand({ CiphertextBlob: blob })));
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, /because no session policy allows the kms:Decrypt action$/);
  });

  it('a Deny for a principal in the key policy beats an account-wide Allow and the identity policy', async () => {
    const heidi = unique('heidi');
    const heidiKeys = await newUser(heidi, policy(allow('kms:*')));
    const keyId = await newKey(
      keyPolicy(
        { Sid: 'account', Effect: 'Allow', Principal: { AWS: TEST_ROOT }, Action: 'kms:*', Resource: '*' },
        { Sid: 'no-heidi', Effect: 'Deny', Principal: { AWS: userArn(heidi) }, Action: 'kms:Encrypt', Resource: '*' },
      ),
    );
    const refused = await awsError(() =>
      server.kms(undefined, heidiKeys).send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    );
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, /with an explicit deny in a resource-based policy$/);
    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('root still can') }));
  });

  it('identity policies count only where the key policy enables them (names the account)', async () => {
    const ivan = unique('ivan');
    const judy = unique('judy');
    const ivanKeys = await newUser(ivan, policy(allow('kms:*')));
    await newUser(judy);
    const judyOnly = await newKey(
      keyPolicy(
        { Sid: 'root', Effect: 'Allow', Principal: { AWS: TEST_ROOT }, Action: 'kms:PutKeyPolicy', Resource: '*' },
        { Sid: 'judy', Effect: 'Allow', Principal: { AWS: userArn(judy) }, Action: 'kms:*', Resource: '*' },
      ),
    );
    const enabled = await newKey();
    const asIvan = server.kms(undefined, ivanKeys);
    await asIvan.send(new EncryptCommand({ KeyId: enabled, Plaintext: Buffer.from('x') }));
    const refused = await awsError(() =>
      asIvan.send(new EncryptCommand({ KeyId: judyOnly, Plaintext: Buffer.from('x') })),
    );
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, /because no resource-based policy allows the kms:Encrypt action$/);
  });

  it('aws:PrincipalTag and aws:username follow the user, and a change applies to the next request', async () => {
    const mallory = unique('mallory');
    const identityPolicy = policy(
      allow('kms:Encrypt', '*', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }),
      allow('kms:DescribeKey', '*', { StringEquals: { 'aws:username': mallory } }),
    );
    const keys = await newUser(mallory, identityPolicy);
    const other = await newUser(unique('oscar'), identityPolicy);
    const keyId = await newKey();
    const asMallory = server.kms(undefined, keys);
    const before = await awsError(() =>
      asMallory.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    );
    assert.equal(before.name, 'AccessDeniedException');
    await iam.send(new TagUserCommand({ UserName: mallory, Tags: [{ Key: 'team', Value: 'blue' }] }));
    await asMallory.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));

    await asMallory.send(new DescribeKeyCommand({ KeyId: keyId }));
    const asOther = server.kms(undefined, other);
    assert.equal(
      (await awsError(() => asOther.send(new DescribeKeyCommand({ KeyId: keyId })))).name,
      'AccessDeniedException',
    );
  });

  it('aws:ResourceTag/* and kms:ResourceAliases describe the key, and follow its tags and aliases at once', async () => {
    const tagged = await newUser(
      unique('tagged'),
      policy(
        allow('kms:Encrypt', '*', { StringEquals: { 'aws:ResourceTag/team': 'blue' } }),
        allow('kms:DescribeKey', '*', { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/app-*' } }),
      ),
    );
    const keyId = await newKey();
    const asTagged = server.kms(undefined, tagged);
    const encrypt = () => asTagged.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    assert.equal((await awsError(encrypt)).name, 'AccessDeniedException');
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'team', TagValue: 'blue' }] }));
    await encrypt();
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'team', TagValue: 'red' }] }));
    assert.equal((await awsError(encrypt)).name, 'AccessDeniedException');

    const describe = () => asTagged.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal((await awsError(describe)).name, 'AccessDeniedException');
    const aliasName = `alias/app-${unique('x')}`;
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    await describe();
    await kms.send(new DeleteAliasCommand({ AliasName: aliasName }));
    assert.equal((await awsError(describe)).name, 'AccessDeniedException');
  });

  it('a grant that allows CreateGrant lets its grantee pass on only a grant no wider than its own', async () => {
    const keyId = await newKey();
    const parentHolder = unique('granter');
    const childHolder = unique('grantee');
    const granter = await newUser(parentHolder);
    const grantee = await newUser(childHolder);
    await kms.send(
      new CreateGrantCommand({
        KeyId: keyId,
        GranteePrincipal: userArn(parentHolder),
        Operations: ['CreateGrant', 'Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextSubset: { app: 'x' } },
      }),
    );
    const asGranter = server.kms(undefined, granter);
    const passOn = (Operations: GrantOperation[], Constraints?: GrantConstraints) =>
      asGranter.send(
        new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: userArn(childHolder), Operations, Constraints }),
      );
    await passOn(['Encrypt'], { EncryptionContextEquals: { app: 'x', env: 'prod' } });
    const asGrantee = server.kms(undefined, grantee);
    await asGrantee.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { app: 'x', env: 'prod' } }),
    );
    const outside = await awsError(() =>
      asGrantee.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { app: 'x' } }),
      ),
    );
    assert.equal(outside.name, 'AccessDeniedException');

    for (const [operations, constraints] of [
      [['Encrypt', 'DescribeKey'], { EncryptionContextSubset: { app: 'x' } }],
      [['Encrypt'], undefined],
      [['Encrypt'], { EncryptionContextSubset: { env: 'prod' } }],
    ] as const) {
      const wider = await awsError(() => passOn([...operations], constraints));
      assert.equal(wider.name, 'AccessDeniedException', JSON.stringify({ operations, constraints }));
    }
  });

  it('IAM calls need identity-policy permission; a deactivated or deleted access key stops at once', async () => {
    const admin = unique('admin');
    const adminKeys = await newUser(admin, policy(allow(['iam:CreateUser', 'iam:ListUsers'])));
    const asAdmin = server.iam(adminKeys);
    await asAdmin.send(new CreateUserCommand({ UserName: unique('made-by-admin') }));
    const listed = await asAdmin.send(new ListUsersCommand({}));
    assert.ok((listed.Users ?? []).some((user) => user.UserName === admin));
    const denied = await awsError(() =>
      asAdmin.send(new CreateRoleCommand({ RoleName: unique('r'), AssumeRolePolicyDocument: trustFor(TEST_ROOT) })),
    );
    assert.deepEqual([denied.name, denied.status], ['AccessDenied', 403]);
    assert.match(denied.message, /because no identity-based policy allows the iam:CreateRole action$/);

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: admin, AccessKeyId: adminKeys.accessKeyId, Status: 'Inactive' }),
    );
    assert.equal((await awsError(() => asAdmin.send(new ListUsersCommand({})))).name, 'InvalidClientTokenId');
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: admin, AccessKeyId: adminKeys.accessKeyId, Status: 'Active' }),
    );
    await asAdmin.send(new ListUsersCommand({}));
    await iam.send(new DeleteAccessKeyCommand({ UserName: admin, AccessKeyId: adminKeys.accessKeyId }));
    assert.equal((await awsError(() => asAdmin.send(new ListUsersCommand({})))).name, 'InvalidClientTokenId');
  });

  it("IAM's own error codes for bad input, never a 500", async () => {
    const name = unique('dup');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const duplicate = await awsError(() => iam.send(new CreateUserCommand({ UserName: name.toUpperCase() })));
    assert.deepEqual([duplicate.name, duplicate.status], ['EntityAlreadyExistsException', 409]);
    const unknown = await awsError(() => iam.send(new GetUserCommand({ UserName: unique('nobody') })));
    assert.deepEqual([unknown.name, unknown.status], ['NoSuchEntityException', 404]);
    const malformed = await awsError(() =>
      iam.send(new CreateRoleCommand({ RoleName: unique('bad'), AssumeRolePolicyDocument: '{"Statement": [' })),
    );
    assert.deepEqual([malformed.name, malformed.status], ['MalformedPolicyDocumentException', 400]);
    const badName = await awsError(() => iam.send(new CreateUserCommand({ UserName: 'no spaces allowed' })));
    assert.equal(badName.name, 'ValidationError');
    assert.match(badName.message, /Value 'no spaces allowed' at 'userName' failed to satisfy constraint/);
  });

  it('a wrong or missing API version and an unknown action are refused in XML', async () => {
    const call = (body: string, service = 'iam') =>
      sendRaw(server.url, { body, service, contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
    const wrongVersion = await call('Action=ListUsers&Version=2011-06-15');
    assert.equal(wrongVersion.status, 400);
    assert.match(wrongVersion.body, /<Code>InvalidAction<\/Code>/);
    assert.match(wrongVersion.body, /Could not find operation ListUsers for version 2011-06-15/);
    const noVersion = await call('Action=GetCallerIdentity', 'sts');
    assert.match(noVersion.body, /for version NO_VERSION_SPECIFIED/);
    const unknownAction = await call('Action=CreateVirtualMFADevice&Version=2010-05-08');
    assert.match(unknownAction.body, /<Code>InvalidAction<\/Code>/);
    const noAction = await call('Version=2010-05-08');
    assert.match(noAction.body, /<Code>MissingAction<\/Code>/);
    const unsigned = await sendRaw(server.url, {
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      contentType: 'application/x-www-form-urlencoded',
      unsigned: true,
    });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
  });
});
