import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { accountRoot } from '../../../test/support/callers.js';
import { provisionAccount } from '../../auth/bootstrap.js';
import { QueryError, type QueryErrorCode } from '../../errors/catalogue.js';
import { Identities } from '../../identities/identity-service.js';
import { createSoftwareKeyStore } from '../../keystores/software/software-key-store.js';
import { createMemoryPersistence } from '../../persistence/memory/memory-persistence.js';
import type { Caller } from '../../shared/caller.js';
import { ManualClock } from '../../shared/clock.js';
import { pooledRandom } from '../../shared/random.js';
import type { QueryContext } from '../query/definition.js';
import { queryOperations } from '../query/registry.js';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const ACCOUNT_CREATED = Date.UTC(2025, 5, 1);
const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;

const contextOf = (caller: Caller): QueryContext => ({ requestId: 'request-1', caller, region: 'us-east-1' });
const asRoot = contextOf(accountRoot(ACCOUNT));

async function setup() {
  const persistence = createMemoryPersistence();
  await persistence.migrate();
  const random = pooledRandom();
  const keyStore = createSoftwareKeyStore(randomBytes(32), random);
  for (const accountId of [ACCOUNT, OTHER_ACCOUNT]) {
    const { accessKeyId } = accountRoot(accountId);
    await provisionAccount({ persistence, keyStore, now: ACCOUNT_CREATED }, accountId, {
      accessKeyId,
      secretAccessKey: 'root secret',
    });
  }
  const identities = new Identities({
    persistence,
    keyStore,
    random,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    principalExists: async (arn) => arn === ROOT_ARN,
  });

  /** What the pipeline runs before authorization: where NoSuchEntity must already be found. */
  function resolve(action: string, input: Record<string, unknown>, context = asRoot) {
    const operation = queryOperations.get(`iam:${action}`);
    assert.ok(operation, `iam:${action} is registered`);
    return operation.resolve(input, context, identities);
  }

  /** resolve, then handle with what resolve found, as the pipeline runs them once authorization has allowed. */
  async function call<Result = unknown>(action: string, input: Record<string, unknown>, context = asRoot) {
    const resolved = await resolve(action, input, context);
    const result = await queryOperations.get(`iam:${action}`)?.handle(input, resolved.target, context, identities);
    return { access: resolved.access, result: result as Result };
  }
  return { identities, persistence, resolve, call };
}

interface TagView {
  readonly Key: string;
  readonly Value: string;
}
interface UserView {
  readonly Path: string;
  readonly UserName: string;
  readonly UserId: string;
  readonly Arn: string;
  readonly CreateDate: Date;
  readonly Tags?: TagView[];
}
interface RoleView {
  readonly Arn: string;
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  readonly Tags?: TagView[];
}
interface AccessKeyView {
  readonly UserName?: string;
  readonly AccessKeyId: string;
  readonly Status: string;
  readonly SecretAccessKey: string;
  readonly CreateDate: Date;
}
type UserListView = { readonly Users: UserView[]; readonly IsTruncated: boolean; readonly Marker?: string };

async function rejectsWith(promise: Promise<unknown>, code: QueryErrorCode, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QueryError, `expected a QueryError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  });
}

const kmsPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
});
const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'sts:AssumeRole' }],
});

const IAM_ACTIONS = [
  'CreateUser',
  'GetUser',
  'ListUsers',
  'DeleteUser',
  'CreateAccessKey',
  'ListAccessKeys',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'CreateRole',
  'GetRole',
  'ListRoles',
  'DeleteRole',
  'UpdateAssumeRolePolicy',
  'PutUserPolicy',
  'GetUserPolicy',
  'DeleteUserPolicy',
  'ListUserPolicies',
  'PutRolePolicy',
  'GetRolePolicy',
  'DeleteRolePolicy',
  'ListRolePolicies',
  'TagUser',
  'TagRole',
];

describe('the IAM registry', () => {
  test('holds every IAM action under iam:<Action>, read-only exactly for Get* and List*', () => {
    const iam = [...queryOperations.entries()].filter(([key]) => key.startsWith('iam:'));
    assert.deepEqual(iam.map(([key]) => key).sort(), IAM_ACTIONS.map((action) => `iam:${action}`).sort());
    for (const [key, operation] of iam) {
      assert.equal(key, `${operation.service}:${operation.name}`);
      assert.equal(operation.readOnly, /^(Get|List)/.test(operation.name), key);
    }
  });

  test("inputs carry the model's facts: required members, sensitive documents, refused boundaries", () => {
    const input = (action: string) => queryOperations.get(`iam:${action}`)?.input ?? {};
    assert.deepEqual(input('CreateUser')['UserName'], {
      kind: 'string',
      min: 1,
      max: 64,
      pattern: '[\\w+=,.@-]+',
      required: true,
    });
    assert.equal(input('GetUser')['UserName']?.kind, 'string');
    assert.equal((input('GetUser')['UserName'] as { required?: boolean }).required, undefined);
    for (const [action, member] of [
      ['CreateRole', 'AssumeRolePolicyDocument'],
      ['UpdateAssumeRolePolicy', 'PolicyDocument'],
      ['PutUserPolicy', 'PolicyDocument'],
      ['PutRolePolicy', 'PolicyDocument'],
    ] as const) {
      assert.deepEqual(input(action)[member], {
        kind: 'string',
        min: 1,
        max: 131072,
        pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
        sensitive: true,
        required: true,
      });
    }
    for (const action of ['CreateUser', 'CreateRole']) {
      assert.equal(input(action)['PermissionsBoundary']?.kind, 'unsupported');
      assert.deepEqual(input(action)['Tags'], { kind: 'tags', max: 50 });
    }
    assert.deepEqual(input('UpdateAccessKey')['Status'], {
      kind: 'string',
      required: true,
      enum: ['Active', 'Inactive', 'Expired'],
    });
  });
});

describe('users through the operations', () => {
  test('CreateUser names the new ARN and the request tags as conditions, and returns the user', async () => {
    const { call } = await setup();
    const { access, result } = await call<{ User: UserView }>('CreateUser', {
      UserName: 'alice',
      Path: '/team/',
      Tags: [{ Key: 'Team', Value: 'blue' }],
    });
    assert.deepEqual(access, [
      {
        action: 'iam:CreateUser',
        resource: `arn:aws:iam::${ACCOUNT}:user/team/alice`,
        conditions: new Map([
          ['aws:requesttag/team', ['blue']],
          ['aws:tagkeys', ['Team']],
        ]),
      },
    ]);
    assert.equal(result.User.UserName, 'alice');
    assert.equal(result.User.Path, '/team/');
    assert.equal(result.User.Arn, `arn:aws:iam::${ACCOUNT}:user/team/alice`);
    assert.match(result.User.UserId, /^AIDA/);
    assert.deepEqual(result.User.CreateDate, new Date(Date.UTC(2026, 0, 1)));
    assert.deepEqual(result.User.Tags, [{ Key: 'Team', Value: 'blue' }]);
  });

  test('GetUser: a named user, the calling user itself, and the root as IAM describes it', async () => {
    const { call } = await setup();
    const created = (
      await call<{ User: UserView }>('CreateUser', { UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] })
    ).result.User;
    const named = await call('GetUser', { UserName: 'ALICE' });
    assert.deepEqual(named.access, [{ action: 'iam:GetUser', resource: created.Arn }]);
    assert.deepEqual(named.result, { User: created });

    const asAlice = contextOf({
      accountId: ACCOUNT,
      arn: created.Arn,
      type: 'IAMUser',
      principalId: created.UserId,
      accessKeyId: 'AKIAALICE',
      userName: 'alice',
    });
    assert.deepEqual((await call('GetUser', {}, asAlice)).result, { User: created });

    const root = await call('GetUser', {});
    assert.deepEqual(root.access, [{ action: 'iam:GetUser', resource: ROOT_ARN }]);
    assert.deepEqual(root.result, { User: { UserId: ACCOUNT, Arn: ROOT_ARN, CreateDate: new Date(ACCOUNT_CREATED) } });
  });

  test("NoSuchEntity is found before authorization, and another account's users are absent", async () => {
    const { call, resolve } = await setup();
    await call('CreateUser', { UserName: 'alice' });
    const otherRoot = contextOf(accountRoot(OTHER_ACCOUNT));
    const missing = 'The user with name alice cannot be found.';
    for (const [action, input] of [
      ['GetUser', { UserName: 'alice' }],
      ['DeleteUser', { UserName: 'alice' }],
      ['CreateAccessKey', { UserName: 'alice' }],
      ['PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: kmsPolicy }],
      ['TagUser', { UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] }],
    ] as const) {
      await rejectsWith(resolve(action, input, otherRoot), 'NoSuchEntity', missing);
    }
  });

  test('ListUsers pages with IsTruncated and Marker, and leaves tags out', async () => {
    const { call } = await setup();
    for (const UserName of ['a', 'b', 'c']) await call('CreateUser', { UserName, Tags: [{ Key: 'k', Value: 'v' }] });
    const first = await call<UserListView>('ListUsers', { MaxItems: 2 });
    assert.deepEqual(first.access, [{ action: 'iam:ListUsers', resource: '*' }]);
    assert.deepEqual(
      first.result.Users.map((user) => user.UserName),
      ['a', 'b'],
    );
    assert.equal(first.result.IsTruncated, true);
    assert.equal(first.result.Users[0]?.Tags, undefined);
    const rest = await call<UserListView>('ListUsers', { Marker: first.result.Marker });
    assert.deepEqual(
      rest.result.Users.map((user) => user.UserName),
      ['c'],
    );
    assert.equal(rest.result.IsTruncated, false);
    assert.equal(rest.result.Marker, undefined);
  });

  test('DeleteUser says what must go first, and has no result element', async () => {
    const { call } = await setup();
    await call('CreateUser', { UserName: 'alice' });
    await call('PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: kmsPolicy });
    await rejectsWith(
      call('DeleteUser', { UserName: 'alice' }),
      'DeleteConflict',
      'Cannot delete entity, must delete policies first.',
    );
    await call('DeleteUserPolicy', { UserName: 'alice', PolicyName: 'p' });
    assert.equal((await call('DeleteUser', { UserName: 'alice' })).result, undefined);
  });

  test('TagUser carries the request tags as conditions on the user', async () => {
    const { call, identities } = await setup();
    const user = (await call<{ User: UserView }>('CreateUser', { UserName: 'alice' })).result.User;
    const { access } = await call('TagUser', { UserName: 'alice', Tags: [{ Key: 'env', Value: 'prod' }] });
    assert.deepEqual(access, [
      {
        action: 'iam:TagUser',
        resource: user.Arn,
        conditions: new Map([
          ['aws:requesttag/env', ['prod']],
          ['aws:tagkeys', ['env']],
        ]),
      },
    ]);
    const stored = await identities.requireUser(ACCOUNT, 'alice');
    assert.deepEqual(await identities.tagsOf({ kind: 'user', id: stored.userId, name: 'alice', arn: stored.arn }), [
      { TagKey: 'env', TagValue: 'prod' },
    ]);
  });
});

describe('access keys through the operations', () => {
  test("CreateAccessKey returns the secret once; ListAccessKeys never does; the root's keys name no user", async () => {
    const { call } = await setup();
    await call('CreateUser', { UserName: 'alice' });
    const created = await call<{ AccessKey: AccessKeyView }>('CreateAccessKey', { UserName: 'alice' });
    const key = created.result.AccessKey;
    assert.deepEqual(Object.keys(key), ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate']);
    assert.equal(key.UserName, 'alice');
    assert.equal(key.Status, 'Active');
    assert.equal(key.SecretAccessKey.length, 40);
    assert.equal(created.access[0]?.resource, `arn:aws:iam::${ACCOUNT}:user/alice`);

    const listed = await call('ListAccessKeys', { UserName: 'alice' });
    assert.deepEqual(listed.result, {
      AccessKeyMetadata: [
        { UserName: 'alice', AccessKeyId: key.AccessKeyId, Status: 'Active', CreateDate: key.CreateDate },
      ],
      IsTruncated: false,
      Marker: undefined,
    });

    const rootKeys = await call<{ AccessKeyMetadata: unknown }>('ListAccessKeys', {});
    assert.deepEqual(rootKeys.access, [{ action: 'iam:ListAccessKeys', resource: ROOT_ARN }]);
    assert.deepEqual(rootKeys.result.AccessKeyMetadata, [
      {
        UserName: undefined,
        AccessKeyId: `AKIAROOT${ACCOUNT}`,
        Status: 'Active',
        CreateDate: new Date(ACCOUNT_CREATED),
      },
    ]);
  });

  test('UpdateAccessKey and DeleteAccessKey act only on the named or calling user’s own keys', async () => {
    const { call, persistence } = await setup();
    await call('CreateUser', { UserName: 'alice' });
    const bob = (await call<{ User: UserView }>('CreateUser', { UserName: 'bob' })).result.User;
    const aliceKey = (await call<{ AccessKey: AccessKeyView }>('CreateAccessKey', { UserName: 'alice' })).result
      .AccessKey.AccessKeyId;
    const asBob = contextOf({
      accountId: ACCOUNT,
      arn: bob.Arn,
      type: 'IAMUser',
      principalId: bob.UserId,
      accessKeyId: 'AKIABOB',
      userName: 'bob',
    });
    const missing = `The Access Key with id ${aliceKey} cannot be found`;
    await rejectsWith(
      call('UpdateAccessKey', { AccessKeyId: aliceKey, Status: 'Inactive' }, asBob),
      'NoSuchEntity',
      missing,
    );
    await rejectsWith(call('DeleteAccessKey', { AccessKeyId: aliceKey }), 'NoSuchEntity', missing);
    await rejectsWith(
      call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: aliceKey, Status: 'Expired' }),
      'InvalidInput',
      'Trent supports the access key statuses Active and Inactive, not Expired.',
    );

    const update = await call('UpdateAccessKey', { UserName: 'alice', AccessKeyId: aliceKey, Status: 'Inactive' });
    assert.equal(update.result, undefined);
    assert.equal((await persistence.findAccessKey(aliceKey))?.status, 'Inactive');
    await call('DeleteAccessKey', { UserName: 'alice', AccessKeyId: aliceKey });
    assert.equal(await persistence.findAccessKey(aliceKey), undefined);
  });

  test('a role session must name the user', async () => {
    const { call } = await setup();
    const session = contextOf({
      accountId: ACCOUNT,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/R/s`,
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEEXAMPLE01:s',
      accessKeyId: 'ASIAEXAMPLE',
    });
    for (const action of ['GetUser', 'CreateAccessKey', 'ListAccessKeys']) {
      await rejectsWith(
        call(action, {}, session),
        'ValidationError',
        'Must specify userName when calling with non-User credentials',
      );
    }
  });
});

describe('inline policies and roles through the operations', () => {
  test('GetUserPolicy returns the document URL-encoded; a missing policy is NoSuchEntity', async () => {
    const { call } = await setup();
    await call('CreateUser', { UserName: 'alice' });
    await rejectsWith(
      call('GetUserPolicy', { UserName: 'alice', PolicyName: 'p' }),
      'NoSuchEntity',
      'The user policy with name p cannot be found.',
    );
    await call('PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: kmsPolicy });
    const { result } = await call('GetUserPolicy', { UserName: 'alice', PolicyName: 'p' });
    assert.deepEqual(result, { UserName: 'alice', PolicyName: 'p', PolicyDocument: encodeURIComponent(kmsPolicy) });
    assert.deepEqual((await call('ListUserPolicies', { UserName: 'alice' })).result, {
      PolicyNames: ['p'],
      IsTruncated: false,
      Marker: undefined,
    });
  });

  test('CreateRole and GetRole return the trust policy URL-encoded, with IAM defaults', async () => {
    const { call } = await setup();
    const created = await call<{ Role: RoleView }>('CreateRole', {
      RoleName: 'Deployer',
      AssumeRolePolicyDocument: trustPolicy,
      Tags: [{ Key: 'team', Value: 'ops' }],
    });
    assert.equal(created.access[0]?.action, 'iam:CreateRole');
    assert.equal(created.access[0]?.resource, `arn:aws:iam::${ACCOUNT}:role/Deployer`);
    const role = (await call<{ Role: RoleView }>('GetRole', { RoleName: 'deployer' })).result.Role;
    assert.deepEqual(role, created.result.Role);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument), trustPolicy);
    assert.equal(role.MaxSessionDuration, 3600);
    assert.equal(role.Description, undefined);
    assert.deepEqual(role.Tags, [{ Key: 'team', Value: 'ops' }]);
    await rejectsWith(
      call('GetRolePolicy', { RoleName: 'Deployer', PolicyName: 'p' }),
      'NoSuchEntity',
      'The role policy with name p cannot be found.',
    );
    await rejectsWith(
      call('GetRole', { RoleName: 'Nope' }),
      'NoSuchEntity',
      'The role with name Nope cannot be found.',
    );
  });
});
