import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  answerOf,
  type CreationStep,
  createAll,
  decodedPolicyDocument,
  decodeXmlText,
  elementContent,
  elementText,
  failureMessage,
  type Iam,
  IamError,
  iamEndpoint,
  PartialCreation,
  userCreationSteps,
} from '../../cli/identities.js';
import { environmentWithoutAws, execute, type Outcome } from '../support/aws-cli.js';
import {
  awsError,
  keyPolicy,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  type TestCredentials,
  type TestTrent,
} from '../support/trent.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('reading IAM XML', () => {
  it('decodes the named entities and character references once, and leaves unknown ones alone', () => {
    assert.equal(decodeXmlText('a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;'), `a&b <c> "d" 'e'`);
    assert.equal(decodeXmlText('line&#13;&#10;tab&#x9;smile&#x1F600;'), 'line\r\ntab\tsmile\u{1F600}');
    assert.equal(decodeXmlText('&amp;lt;'), '&lt;');
    assert.equal(decodeXmlText('&nbsp; &#x110000; & alone'), '&nbsp; &#x110000; & alone');
  });

  it('finds an element by its exact name, with attributes, empty, or not at all', () => {
    const xml =
      '<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>' +
      '<Path/><UserNameHint>no</UserNameHint><UserName>a&amp;b</UserName><Arn>arn:x</Arn></User>' +
      '</CreateUserResult></CreateUserResponse>';
    assert.equal(elementContent(xml, 'Path'), '');
    assert.equal(elementContent(xml, 'UserName'), 'a&amp;b');
    assert.equal(elementText(xml, 'UserName'), 'a&b');
    assert.equal(
      elementContent(xml, 'User'),
      '<Path/><UserNameHint>no</UserNameHint><UserName>a&amp;b</UserName><Arn>arn:x</Arn>',
    );
    assert.match(elementContent(xml, 'CreateUserResponse') ?? '', /^<CreateUserResult>/);
    assert.equal(elementContent(xml, 'UserId'), undefined);
    assert.equal(elementContent('<Arn>unterminated', 'Arn'), undefined);
    assert.throws(() => elementContent(xml, 'a>b'), /not an XML element name/);
  });

  it("turns IAM's error document into an IamError, and anything else non-200 into UnexpectedResponse", () => {
    const error =
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
      '<Code>NoSuchEntity</Code><Message>The user with name &quot;bob&quot; cannot be found.</Message></Error>' +
      '<RequestId>r-1</RequestId></ErrorResponse>';
    assert.throws(
      () => answerOf(404, error),
      (thrown: unknown) =>
        thrown instanceof IamError &&
        thrown.code === 'NoSuchEntity' &&
        thrown.message === 'The user with name "bob" cannot be found.',
    );
    assert.throws(
      () => answerOf(502, '<html>Bad Gateway</html>'),
      (thrown: unknown) =>
        thrown instanceof IamError && thrown.code === 'UnexpectedResponse' && /HTTP 502: <html>/.test(thrown.message),
    );
    assert.equal(answerOf(200, '<OkResponse/>'), '<OkResponse/>');
  });

  it('shows policy documents decoded, as JSON when they are JSON', () => {
    assert.deepEqual(decodedPolicyDocument(encodeURIComponent('{"Version":"2012-10-17"}')), { Version: '2012-10-17' });
    assert.equal(decodedPolicyDocument('not%20json'), 'not json');
    assert.equal(decodedPolicyDocument('%E0%A4%A'), '%E0%A4%A');
  });

  it('reads the endpoint from the option, then AWS_ENDPOINT_URL_IAM, then AWS_ENDPOINT_URL, then the default', () => {
    const both = { AWS_ENDPOINT_URL_IAM: 'http://iam', AWS_ENDPOINT_URL: 'http://all' };
    assert.equal(iamEndpoint('http://option', both, 'http://default'), 'http://option');
    assert.equal(iamEndpoint(undefined, both, 'http://default'), 'http://iam');
    assert.equal(iamEndpoint(undefined, { AWS_ENDPOINT_URL: 'http://all' }, 'http://default'), 'http://all');
    assert.equal(iamEndpoint(undefined, {}, 'http://default'), 'http://default');
  });
});

describe('creating in steps', () => {
  const steps = userCreationSteps({
    userName: 'alice',
    policy: { name: 'p', document: '{}' },
    accessKey: true,
  });
  const userXml = '<CreateUserResult><User><UserName>alice</UserName><Arn>arn:aws:iam::1:user/alice</Arn></User>';

  /** An IAM that answers CreateUser and fails `failing` with `failure`; records the actions it was asked for. */
  function fakeIam(failing: string, failure: Error): { iam: Iam; asked: string[] } {
    const asked: string[] = [];
    const iam: Iam = async (action) => {
      asked.push(action);
      if (action === failing) throw failure;
      return action === 'CreateUser' ? userXml : '<Ok/>';
    };
    return { iam, asked };
  }

  async function partial(failing: string, failure: Error): Promise<{ report: string; asked: string[] }> {
    const { iam, asked } = fakeIam(failing, failure);
    const thrown = await createAll(iam, steps).catch((error: unknown) => error);
    assert.ok(thrown instanceof PartialCreation, `expected a PartialCreation, got ${String(thrown)}`);
    return { report: failureMessage(thrown), asked };
  }

  it('builds CreateUser, PutUserPolicy, CreateAccessKey, leaving out what was not asked for', () => {
    assert.deepEqual(
      steps.map((step) => [step.action, step.params]),
      [
        ['CreateUser', { UserName: 'alice' }],
        ['PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: '{}' }],
        ['CreateAccessKey', { UserName: 'alice' }],
      ],
    );
    const bare = userCreationSteps({ userName: 'bob', path: '/x/', accessKey: false });
    assert.deepEqual(
      bare.map((step) => [step.action, step.params]),
      [['CreateUser', { UserName: 'bob', Path: '/x/' }]],
    );
  });

  it('a refused first call made nothing: its IamError is thrown as it is', async () => {
    const { iam, asked } = fakeIam('CreateUser', new IamError('EntityAlreadyExists', 'exists'));
    const thrown = await createAll(iam, steps).catch((error: unknown) => error);
    assert.ok(thrown instanceof IamError);
    assert.equal(failureMessage(thrown), 'trent: EntityAlreadyExists: exists');
    assert.deepEqual(asked, ['CreateUser']);
  });

  it('a later refusal says what was made, what failed and what was not attempted', async () => {
    const { report, asked } = await partial('PutUserPolicy', new IamError('MalformedPolicyDocument', 'bad'));
    assert.deepEqual(asked, ['CreateUser', 'PutUserPolicy']);
    assert.deepEqual(report.split('\n'), [
      'trent: MalformedPolicyDocument: bad',
      'trent: stopped part way; what exists now:',
      '  made:     user alice (CreateUser)',
      "  not made: inline policy 'p' (PutUserPolicy failed)",
      '  not made: access key (CreateAccessKey not attempted)',
    ]);
  });

  it('a call without an answer may have happened: its outcome is unknown, not denied', async () => {
    const { report } = await partial('CreateAccessKey', new Error('no answer within 30000 ms'));
    assert.match(report, /^trent: no answer within 30000 ms\n/);
    assert.match(report, /made: {5}inline policy 'p' \(PutUserPolicy\)/);
    assert.match(report, /unknown: {2}access key \(CreateAccessKey got no usable answer; check before retrying\)/);
  });

  it('prints the merged parts of the answers, and refuses an answer without what it must print', async () => {
    const answers: Record<string, string> = {
      CreateUser: userXml,
      PutUserPolicy: '<PutUserPolicyResponse/>',
      CreateAccessKey:
        '<AccessKey><UserName>alice</UserName><AccessKeyId>AKIA1</AccessKeyId><SecretAccessKey>s&amp;</SecretAccessKey></AccessKey>',
    };
    const printed = await createAll(async (action) => answers[action] ?? '', steps);
    assert.deepEqual(printed, {
      User: { UserName: 'alice', Arn: 'arn:aws:iam::1:user/alice' },
      AccessKey: { UserName: 'alice', AccessKeyId: 'AKIA1', SecretAccessKey: 's&' },
    });
    const noUser: CreationStep[] = steps.slice(0, 1);
    await assert.rejects(
      createAll(async () => '<CreateUserResult/>', noUser),
      PartialCreation,
    );
  });
});

describe('trent user create and trent role create against a real Trent', () => {
  let server: TestTrent;
  let workDir: string;
  let names = 0;
  const unique = (prefix: string) => `${prefix}-${++names}`;
  const userArn = (name: string, path = '/') => `arn:aws:iam::${TEST_ACCOUNT}:user${path}${name}`;

  before(async () => {
    server = await startTestTrent();
    workDir = mkdtempSync(join(tmpdir(), 'trent-cli-identities-'));
  });
  after(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  function file(name: string, content: string): string {
    const path = join(workDir, name);
    writeFileSync(path, content);
    return path;
  }

  const policy = keyPolicy;

  /** The CLI as a user runs it, with only the environment given (no ambient AWS_* settings). */
  function trent(args: readonly string[], environment: NodeJS.ProcessEnv = {}): Promise<Outcome> {
    return execute(process.execPath, ['--import', 'tsx', `${REPO_ROOT}cli/trent.ts`, ...args], {
      ...environmentWithoutAws(),
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      ...environment,
    });
  }

  const atServer = () => ['--endpoint-url', server.url];

  function printedCredentials(outcome: Outcome): TestCredentials {
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    const { AccessKey } = JSON.parse(outcome.stdout) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string };
    };
    return { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  }

  it('creates a user with a policy and a key that works, printed once on stdout and nowhere else', async () => {
    const name = unique('alice');
    const policyFile = file(`${name}.json`, policy({ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }));
    const filesBefore = readdirSync(workDir).sort();
    const outcome = await trent(['user', 'create', name, '--path', '/team/', '--policy-file', policyFile], {
      AWS_ENDPOINT_URL_IAM: server.url,
    });
    const credentials = printedCredentials(outcome);
    const printed = JSON.parse(outcome.stdout) as { User: Record<string, string>; AccessKey: Record<string, string> };
    assert.equal(printed.User['Arn'], userArn(name, '/team/'));
    assert.equal(printed.User['UserName'], name);
    assert.equal(printed.User['Path'], '/team/');
    assert.match(printed.User['UserId'] ?? '', /^AIDA/);
    assert.equal(printed.AccessKey['Status'], 'Active');
    assert.equal(outcome.stderr, '');
    assert.deepEqual(readdirSync(workDir).sort(), filesBefore, 'nothing is written beside the policy file');

    const caller = await server.sts(credentials).send(new GetCallerIdentityCommand({}));
    assert.equal(caller.Arn, userArn(name, '/team/'));

    const { PolicyNames } = await server.iam().send(new ListUserPoliciesCommand({ UserName: name }));
    assert.deepEqual(PolicyNames, ['trent-cli']);
    const asUser = server.kms(undefined, credentials);
    assert.ok((await asUser.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId, 'the policy allows kms:CreateKey');
    const notAllowed = await awsError(() => asUser.send(new ListKeysCommand({})));
    assert.equal(notAllowed.name, 'AccessDeniedException', 'and only that');
  });

  it('a user made without a policy file has no permissions; --policy-name names the policy', async () => {
    const plain = unique('plain');
    const credentials = printedCredentials(await trent(['user', 'create', plain, ...atServer()]));
    const refused = await awsError(() => server.kms(undefined, credentials).send(new CreateKeyCommand({})));
    assert.equal(refused.name, 'AccessDeniedException');

    const named = unique('named');
    const document = policy({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' });
    const outcome = await trent(
      ['user', 'create', named, '--policy-file', file(`${named}.json`, document), '--policy-name', 'lister'],
      { AWS_ENDPOINT_URL: server.url },
    );
    const asNamed = server.kms(undefined, printedCredentials(outcome));
    assert.ok(Array.isArray((await asNamed.send(new ListKeysCommand({}))).Keys));
    const stored = await server.iam().send(new GetUserPolicyCommand({ UserName: named, PolicyName: 'lister' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(stored.PolicyDocument ?? '')), JSON.parse(document));
  });

  it('--no-access-key makes the user only', async () => {
    const name = unique('keyless');
    const outcome = await trent(['user', 'create', name, '--no-access-key', ...atServer()]);
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    const printed = JSON.parse(outcome.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(printed), ['User']);
    const { AccessKeyMetadata } = await server.iam().send(new ListAccessKeysCommand({ UserName: name }));
    assert.deepEqual(AccessKeyMetadata, []);
  });

  it('a user that exists already: exit 1 with IAM code and message on stderr, nothing on stdout', async () => {
    const name = unique('twice');
    assert.equal((await trent(['user', 'create', name, '--no-access-key', ...atServer()])).exitCode, 0);
    const again = await trent(['user', 'create', name, ...atServer()]);
    assert.equal(again.exitCode, 1);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /^trent: EntityAlreadyExists: .*\n$/);
    const { AccessKeyMetadata } = await server.iam().send(new ListAccessKeysCommand({ UserName: name }));
    assert.deepEqual(AccessKeyMetadata, [], 'the second run made no key for the existing user');
  });

  it('a malformed policy file: the user exists, no key was made, and the message says exactly that', async () => {
    const name = unique('malformed');
    const outcome = await trent([
      'user',
      'create',
      name,
      '--policy-file',
      file(`${name}.json`, '{"Version": "2012-10-17", "Statement": ['),
      ...atServer(),
    ]);
    assert.equal(outcome.exitCode, 1);
    assert.equal(outcome.stdout, '');
    assert.match(outcome.stderr, /^trent: MalformedPolicyDocument: /);
    assert.match(outcome.stderr, /\n {2}made: {5}user malformed-\d+ \(CreateUser\)\n/);
    assert.match(outcome.stderr, /\n {2}not made: inline policy 'trent-cli' \(PutUserPolicy failed\)\n/);
    assert.match(outcome.stderr, /\n {2}not made: access key \(CreateAccessKey not attempted\)\n$/);

    const { User } = await server.iam().send(new GetUserCommand({ UserName: name }));
    assert.equal(User?.Arn, userArn(name));
    const { AccessKeyMetadata } = await server.iam().send(new ListAccessKeysCommand({ UserName: name }));
    assert.deepEqual(AccessKeyMetadata, []);
  });

  it('refuses before calling IAM when a file cannot be read or there are no credentials', async () => {
    const name = unique('unread');
    const missingFile = await trent([
      'user',
      'create',
      name,
      '--policy-file',
      join(workDir, 'absent.json'),
      ...atServer(),
    ]);
    assert.equal(missingFile.exitCode, 1);
    assert.match(missingFile.stderr, /^trent: cannot read --policy-file .*absent\.json: ENOENT/);
    const noCredentials = await trent(['user', 'create', name, ...atServer()], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
    });
    assert.equal(noCredentials.exitCode, 1);
    assert.match(noCredentials.stderr, /^trent: Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    const missing = await awsError(() => server.iam().send(new GetUserCommand({ UserName: name })));
    assert.equal(missing.name, 'NoSuchEntityException', 'no user was made');
  });

  it('creates a role with its trust policy, inline policy, path and session limit, printed as JSON', async () => {
    const name = unique('reader');
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
      ],
    };
    const rolePolicy = policy({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' });
    const outcome = await trent([
      'role',
      'create',
      name,
      '--trust-policy-file',
      file(`${name}-trust.json`, JSON.stringify(trust)),
      '--policy-file',
      file(`${name}-policy.json`, rolePolicy),
      '--policy-name',
      'describe',
      '--path',
      '/svc/',
      '--max-session-duration',
      '7200',
      ...atServer(),
    ]);
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    const { Role } = JSON.parse(outcome.stdout) as { Role: Record<string, unknown> };
    assert.equal(Role['Arn'], `arn:aws:iam::${TEST_ACCOUNT}:role/svc/${name}`);
    assert.equal(Role['RoleName'], name);
    assert.equal(Role['MaxSessionDuration'], 7200);
    assert.deepEqual(Role['AssumeRolePolicyDocument'], trust);
    assert.match(String(Role['RoleId']), /^AROA/);
    const stored = await server.iam().send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'describe' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(stored.PolicyDocument ?? '')), JSON.parse(rolePolicy));

    const again = await trent([
      'role',
      'create',
      name,
      '--trust-policy-file',
      join(workDir, `${name}-trust.json`),
      ...atServer(),
    ]);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /^trent: EntityAlreadyExists: /);
  });

  it("signs with AWS_SESSION_TOKEN when set: a role session made with the CLI's user and role creates a user", async () => {
    const admin = unique('admin');
    const adminKeys = printedCredentials(await trent(['user', 'create', admin, ...atServer()]));
    const role = unique('user-maker');
    const trust = policy({ Effect: 'Allow', Principal: { AWS: userArn(admin) }, Action: 'sts:AssumeRole' });
    const made = await trent([
      'role',
      'create',
      role,
      '--trust-policy-file',
      file(`${role}-trust.json`, trust),
      '--policy-file',
      file(`${role}-policy.json`, policy({ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' })),
      ...atServer(),
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    const { Credentials } = await server
      .sts(adminKeys)
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${role}`, RoleSessionName: 'cli' }));
    const session = {
      AWS_ACCESS_KEY_ID: Credentials?.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: Credentials?.SecretAccessKey,
      AWS_SESSION_TOKEN: Credentials?.SessionToken,
    };

    const created = unique('by-session');
    const outcome = await trent(['user', 'create', created, '--no-access-key', ...atServer()], session);
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    assert.equal((JSON.parse(outcome.stdout) as { User: { Arn: string } }).User.Arn, userArn(created));
    const keyRefused = await trent(['user', 'create', unique('no-key'), ...atServer()], session);
    assert.equal(keyRefused.exitCode, 1, 'the role may create users but not access keys');
    assert.match(keyRefused.stderr, /^trent: AccessDenied: .*iam:CreateAccessKey/);
    assert.match(
      keyRefused.stderr,
      /\n {2}made: {5}user no-key-\d+ \(CreateUser\)\n {2}not made: access key \(CreateAccessKey failed\)\n$/,
    );
  });
});
