import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { environmentWithoutAws, execute, installedAwsCli, SERVICE_ERROR_EXIT_CODES } from '../support/aws-cli.js';
import { startTestTrent, TEST_ACCOUNT, TEST_CREDENTIALS, TEST_REGION, type TestTrent } from '../support/trent.js';

/**
 * `aws iam` and `aws sts` against Trent: botocore's query-protocol serializer and XML parser (and its own
 * decoding of IAM's URL-encoded policy documents), independent of the JS SDK.
 */

const awsCli = await installedAwsCli();

describe('aws iam and aws sts end to end', { skip: awsCli ? false : 'aws CLI not found; skipping' }, () => {
  let server: TestTrent;
  let workDir: string;
  let emptyFile: string;

  before(async () => {
    server = await startTestTrent();
    workDir = mkdtempSync(join(tmpdir(), 'trent-aws-iam-'));
    emptyFile = join(workDir, 'empty');
    writeFileSync(emptyFile, '');
  });
  after(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  interface Credentials {
    readonly AccessKeyId: string;
    readonly SecretAccessKey: string;
    readonly SessionToken?: string;
  }

  const adminCredentials: Credentials = {
    AccessKeyId: TEST_CREDENTIALS.accessKeyId,
    SecretAccessKey: TEST_CREDENTIALS.secretAccessKey,
  };

  function environment(credentials: Credentials): NodeJS.ProcessEnv {
    return {
      ...environmentWithoutAws(),
      AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { AWS_SESSION_TOKEN: credentials.SessionToken } : {}),
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_CONFIG_FILE: emptyFile,
      AWS_SHARED_CREDENTIALS_FILE: emptyFile,
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  const aws = (args: readonly string[], credentials = adminCredentials) =>
    execute('aws', [...args, '--endpoint-url', server.url, '--output', 'json'], environment(credentials));

  async function awsJson(args: readonly string[], credentials = adminCredentials): Promise<Record<string, unknown>> {
    const outcome = await aws(args, credentials);
    assert.equal(outcome.exitCode, 0, `aws ${args.join(' ')} failed:\n${outcome.stderr}`);
    return outcome.stdout.trim() === '' ? {} : (JSON.parse(outcome.stdout) as Record<string, unknown>);
  }

  async function awsFails(args: readonly string[], errorCode: string, credentials = adminCredentials): Promise<string> {
    const outcome = await aws(args, credentials);
    assert.ok(
      SERVICE_ERROR_EXIT_CODES.includes(outcome.exitCode),
      `aws ${args.join(' ')} exited ${outcome.exitCode}; stderr:\n${outcome.stderr}`,
    );
    assert.match(outcome.stderr, new RegExp(`An error occurred \\(${errorCode}\\) when calling the \\w+ operation`));
    return outcome.stderr;
  }

  it('create a user and a role, the user assumes the role, and the session ends with the role', async () => {
    const created = await awsJson(['iam', 'create-user', '--user-name', 'cli-alice', '--path', '/team/']);
    const user = created['User'] as Record<string, string>;
    assert.equal(user['Arn'], `arn:aws:iam::${TEST_ACCOUNT}:user/team/cli-alice`);
    const aliceKey = (await awsJson(['iam', 'create-access-key', '--user-name', 'cli-alice']))[
      'AccessKey'
    ] as Credentials;
    assert.match(aliceKey.AccessKeyId, /^AKIA/);

    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: user['Arn'] }, Action: 'sts:AssumeRole' }],
    });
    await awsJson(['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', trust]);
    const role = (await awsJson(['iam', 'get-role', '--role-name', 'cli-role']))['Role'] as Record<string, unknown>;
    // botocore decodes IAM's URL-encoded policy documents back into JSON.
    assert.deepEqual(role['AssumeRolePolicyDocument'], JSON.parse(trust));

    const asAlice = await awsJson(['sts', 'get-caller-identity'], aliceKey);
    assert.equal(asAlice['Arn'], user['Arn']);
    const assumed = await awsJson(
      ['sts', 'assume-role', '--role-arn', role['Arn'] as string, '--role-session-name', 'cli-session'],
      aliceKey,
    );
    const session = assumed['Credentials'] as Credentials;
    const asSession = await awsJson(['sts', 'get-caller-identity'], session);
    assert.equal(asSession['Arn'], `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/cli-role/cli-session`);
    assert.equal(asSession['UserId'], `${role['RoleId'] as string}:cli-session`);

    await awsJson(['iam', 'delete-role', '--role-name', 'cli-role']);
    await awsFails(['sts', 'get-caller-identity'], 'InvalidClientTokenId', session);
  });

  it("bad input gets IAM's error codes", async () => {
    await awsJson(['iam', 'create-user', '--user-name', 'cli-dup']);
    await awsFails(['iam', 'create-user', '--user-name', 'cli-dup'], 'EntityAlreadyExists');
    await awsFails(['iam', 'get-user', '--user-name', 'cli-nobody'], 'NoSuchEntity');
    await awsFails(
      ['iam', 'put-user-policy', '--user-name', 'cli-dup', '--policy-name', 'p', '--policy-document', '{"Version":'],
      'MalformedPolicyDocument',
    );
    await awsFails(
      ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${TEST_ACCOUNT}:role/x`, '--role-session-name', 'root'],
      'AccessDenied',
    );
  });

  it('inline policies round-trip through put, list, get and delete', async () => {
    await awsJson(['iam', 'create-user', '--user-name', 'cli-policy']);
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }] };
    await awsJson([
      'iam',
      'put-user-policy',
      '--user-name',
      'cli-policy',
      '--policy-name',
      'encrypt-only',
      '--policy-document',
      JSON.stringify(document),
    ]);
    const listed = await awsJson(['iam', 'list-user-policies', '--user-name', 'cli-policy']);
    assert.deepEqual(listed['PolicyNames'], ['encrypt-only']);
    const fetched = await awsJson([
      'iam',
      'get-user-policy',
      '--user-name',
      'cli-policy',
      '--policy-name',
      'encrypt-only',
    ]);
    assert.deepEqual(fetched['PolicyDocument'], document);
    await awsJson(['iam', 'delete-user-policy', '--user-name', 'cli-policy', '--policy-name', 'encrypt-only']);
    await awsFails(
      ['iam', 'get-user-policy', '--user-name', 'cli-policy', '--policy-name', 'encrypt-only'],
      'NoSuchEntity',
    );
    await awsJson(['iam', 'delete-user', '--user-name', 'cli-policy']);
  });
});
