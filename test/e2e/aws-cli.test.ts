import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  environmentWithoutAws,
  execute,
  hasBoto3,
  installedAwsCli,
  SERVICE_ERROR_EXIT_CODES,
} from '../support/aws-cli.js';
import {
  keyPolicy,
  startTestTrent,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  TEST_ROOT,
  type TestTrent,
} from '../support/trent.js';

/**
 * The aws CLI (and boto3, where installed) against Trent: botocore is a second, independent AWS client
 * stack (its own SigV4 signer, JSON serializer and error parser), so it catches what the JS SDK forgives.
 */

/** AWS_ENDPOINT_URL_<SERVICE> arrived in aws CLI 1.29 and 2.13; older versions would call real AWS. */
function honoursServiceEndpointVariable(cli: { major: number; minor: number }): boolean {
  return cli.major > 2 || (cli.major === 2 && cli.minor >= 13) || (cli.major === 1 && cli.minor >= 29);
}

const awsCli = await installedAwsCli();
const boto3Installed = await hasBoto3();

/** Each aws call is a Python start-up (~0.5 s); the tests are independent, so a few run at once. */
const describeOptions = { skip: awsCli ? false : 'aws CLI not found; skipping', concurrency: 4 };

describe('aws CLI end to end', describeOptions, () => {
  let server: TestTrent;
  let workDir: string;
  let baseEnvironment: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestTrent();
    workDir = mkdtempSync(join(tmpdir(), 'trent-aws-cli-'));
    const emptyFile = join(workDir, 'empty');
    writeFileSync(emptyFile, '');
    baseEnvironment = {
      ...environmentWithoutAws(),
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_CONFIG_FILE: emptyFile,
      AWS_SHARED_CREDENTIALS_FILE: emptyFile,
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });
  after(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  const kms = (args: readonly string[], extraEnvironment: NodeJS.ProcessEnv = {}) =>
    execute('aws', ['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], {
      ...baseEnvironment,
      ...extraEnvironment,
    });

  /** Runs `aws kms ...`, which must succeed; returns its JSON output (commands without output give {}). */
  async function kmsJson(args: readonly string[]): Promise<Record<string, unknown>> {
    const outcome = await kms(args);
    assert.equal(outcome.exitCode, 0, `aws kms ${args.join(' ')} failed:\n${outcome.stderr}`);
    return outcome.stdout.trim() === '' ? {} : (JSON.parse(outcome.stdout) as Record<string, unknown>);
  }

  /** Runs `aws kms ...`, which must fail with the AWS error `errorCode`, parsed as such by botocore. */
  async function kmsFails(args: readonly string[], errorCode: string): Promise<void> {
    const outcome = await kms(args);
    assert.ok(
      SERVICE_ERROR_EXIT_CODES.includes(outcome.exitCode),
      `aws kms ${args.join(' ')} exited ${outcome.exitCode}; stderr:\n${outcome.stderr}`,
    );
    assert.match(outcome.stderr, new RegExp(`An error occurred \\(${errorCode}\\) when calling the \\w+ operation`));
  }

  let fileCount = 0;
  function fileWith(content: Uint8Array): string {
    const file = join(workDir, `blob-${fileCount++}`);
    writeFileSync(file, content);
    return `fileb://${file}`;
  }

  /** The CLI prints blobs as base64; this turns one back into a fileb:// argument. */
  const blobFile = (base64: unknown) => fileWith(Buffer.from(String(base64), 'base64'));

  const keyMetadata = (output: Record<string, unknown>) => output['KeyMetadata'] as Record<string, unknown>;

  async function newKey(description = 'aws cli key'): Promise<string> {
    const keyId = keyMetadata(await kmsJson(['create-key', '--description', description]))['KeyId'];
    assert.equal(typeof keyId, 'string');
    return keyId as string;
  }

  async function encrypt(keyId: string, plaintext: Buffer, context = 'purpose=test'): Promise<string> {
    const output = await kmsJson([
      'encrypt',
      '--key-id',
      keyId,
      '--plaintext',
      fileWith(plaintext),
      '--encryption-context',
      context,
    ]);
    assert.equal(typeof output['CiphertextBlob'], 'string');
    return blobFile(output['CiphertextBlob']);
  }

  it('create-key with --description and --tags, then describe-key and list-keys', async () => {
    const created = keyMetadata(
      await kmsJson(['create-key', '--description', 'from the cli', '--tags', 'TagKey=team,TagValue=payments']),
    );
    const keyId = created['KeyId'] as string;
    assert.equal(created['Arn'], `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${keyId}`);
    assert.equal(created['Description'], 'from the cli');
    assert.equal(created['KeyState'], 'Enabled');
    assert.equal(created['KeySpec'], 'SYMMETRIC_DEFAULT');

    const described = keyMetadata(await kmsJson(['describe-key', '--key-id', keyId]));
    assert.equal(described['Arn'], created['Arn']);
    assert.equal(described['Description'], 'from the cli');

    const tags = await kmsJson(['list-resource-tags', '--key-id', keyId]);
    assert.deepEqual(tags['Tags'], [{ TagKey: 'team', TagValue: 'payments' }]);

    const listed = (await kmsJson(['list-keys']))['Keys'] as { KeyId: string }[];
    assert.ok(listed.some((key) => key.KeyId === keyId));
  });

  it('create-alias, list-aliases, update-alias and delete-alias', async () => {
    const first = await newKey();
    const second = await newKey();
    assert.deepEqual(await kmsJson(['create-alias', '--alias-name', 'alias/cli-app', '--target-key-id', first]), {});
    const aliasesOf = async (keyId: string) =>
      ((await kmsJson(['list-aliases', '--key-id', keyId]))['Aliases'] as { AliasName: string }[]).map(
        (alias) => alias.AliasName,
      );
    assert.deepEqual(await aliasesOf(first), ['alias/cli-app']);
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', 'alias/cli-app']))['KeyId'], first);

    await kmsJson(['update-alias', '--alias-name', 'alias/cli-app', '--target-key-id', second]);
    assert.deepEqual(await aliasesOf(first), []);
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', 'alias/cli-app']))['KeyId'], second);

    await kmsJson(['delete-alias', '--alias-name', 'alias/cli-app']);
    const all = (await kmsJson(['list-aliases']))['Aliases'] as { AliasName: string }[];
    assert.ok(!all.some((alias) => alias.AliasName === 'alias/cli-app'));
    await kmsFails(['describe-key', '--key-id', 'alias/cli-app'], 'NotFoundException');
  });

  it('encrypt and decrypt files with an encryption context; the wrong context fails', async () => {
    const keyId = await newKey();
    const plaintext = randomBytes(300);
    const ciphertext = await encrypt(keyId, plaintext, 'purpose=test');

    for (const keyArgs of [[], ['--key-id', keyId]]) {
      const decrypted = await kmsJson([
        'decrypt',
        '--ciphertext-blob',
        ciphertext,
        '--encryption-context',
        'purpose=test',
        ...keyArgs,
      ]);
      assert.ok(Buffer.from(String(decrypted['Plaintext']), 'base64').equals(plaintext));
      assert.equal(decrypted['KeyId'], `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${keyId}`);
    }

    const wrongContext = ['--encryption-context', 'purpose=other'];
    await kmsFails(['decrypt', '--ciphertext-blob', ciphertext, ...wrongContext], 'InvalidCiphertextException');
    await kmsFails(['decrypt', '--ciphertext-blob', ciphertext], 'InvalidCiphertextException');
  });

  it('generate-data-key, generate-random and re-encrypt', async () => {
    const keyId = await newKey();
    const dataKey = await kmsJson([
      'generate-data-key',
      '--key-id',
      keyId,
      '--key-spec',
      'AES_256',
      '--encryption-context',
      'app=cli',
    ]);
    const plaintextKey = Buffer.from(String(dataKey['Plaintext']), 'base64');
    assert.equal(plaintextKey.length, 32);
    const unwrapped = await kmsJson([
      'decrypt',
      '--ciphertext-blob',
      blobFile(dataKey['CiphertextBlob']),
      '--encryption-context',
      'app=cli',
    ]);
    assert.ok(Buffer.from(String(unwrapped['Plaintext']), 'base64').equals(plaintextKey));

    const random = await kmsJson(['generate-random', '--number-of-bytes', '48']);
    assert.equal(Buffer.from(String(random['Plaintext']), 'base64').length, 48);

    const destination = await newKey();
    const plaintext = randomBytes(64);
    const reEncrypted = await kmsJson([
      're-encrypt',
      '--ciphertext-blob',
      await encrypt(keyId, plaintext, 'stage=one'),
      '--source-encryption-context',
      'stage=one',
      '--destination-key-id',
      destination,
      '--destination-encryption-context',
      'stage=two',
    ]);
    assert.equal(reEncrypted['SourceKeyId'], `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${keyId}`);
    assert.equal(reEncrypted['KeyId'], `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${destination}`);
    const decrypted = await kmsJson([
      'decrypt',
      '--ciphertext-blob',
      blobFile(reEncrypted['CiphertextBlob']),
      '--encryption-context',
      'stage=two',
    ]);
    assert.ok(Buffer.from(String(decrypted['Plaintext']), 'base64').equals(plaintext));
  });

  it('tag-resource, list-resource-tags, untag-resource and update-key-description', async () => {
    const keyId = await newKey('before');
    await kmsJson(['tag-resource', '--key-id', keyId, '--tags', 'TagKey=a,TagValue=1', 'TagKey=b,TagValue=2']);
    const tagsOf = async () => (await kmsJson(['list-resource-tags', '--key-id', keyId]))['Tags'];
    assert.deepEqual(await tagsOf(), [
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '2' },
    ]);
    await kmsJson(['untag-resource', '--key-id', keyId, '--tag-keys', 'a']);
    assert.deepEqual(await tagsOf(), [{ TagKey: 'b', TagValue: '2' }]);

    await kmsJson(['update-key-description', '--key-id', keyId, '--description', 'after']);
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', keyId]))['Description'], 'after');
  });

  it('disable-key stops encrypt with DisabledException; enable-key restores it', async () => {
    const keyId = await newKey();
    await kmsJson(['disable-key', '--key-id', keyId]);
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', keyId]))['KeyState'], 'Disabled');
    await kmsFails(['encrypt', '--key-id', keyId, '--plaintext', fileWith(Buffer.from('no'))], 'DisabledException');

    await kmsJson(['enable-key', '--key-id', keyId]);
    await encrypt(keyId, Buffer.from('yes'));
  });

  it('put-key-policy and get-key-policy; a policy without Decrypt refuses decrypt until create-grant allows it', async () => {
    const keyId = await newKey();
    const ciphertext = await encrypt(keyId, Buffer.from('granted'));
    const noDecrypt = keyPolicy({
      Sid: 'AllButDecrypt',
      Effect: 'Allow',
      Principal: { AWS: TEST_ROOT },
      NotAction: 'kms:Decrypt',
      Resource: '*',
    });
    await kmsJson(['put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', noDecrypt]);
    const stored = await kmsJson(['get-key-policy', '--key-id', keyId, '--policy-name', 'default']);
    assert.equal(stored['Policy'], noDecrypt);
    const decryptArgs = ['decrypt', '--ciphertext-blob', ciphertext, '--encryption-context', 'purpose=test'];
    await kmsFails(decryptArgs, 'AccessDeniedException');
    const grant = await kmsJson([
      'create-grant',
      '--key-id',
      keyId,
      '--grantee-principal',
      TEST_ROOT,
      '--operations',
      'Decrypt',
    ]);
    await kmsJson(decryptArgs);
    await kmsJson(['revoke-grant', '--key-id', keyId, '--grant-id', String(grant['GrantId'])]);
    await kmsFails(decryptArgs, 'AccessDeniedException');
    await kmsFails(
      ['put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', 'not json'],
      'MalformedPolicyDocumentException',
    );
  });

  it('schedule-key-deletion --pending-window-in-days 7, then cancel-key-deletion', async () => {
    const keyId = await newKey();
    const scheduled = await kmsJson(['schedule-key-deletion', '--key-id', keyId, '--pending-window-in-days', '7']);
    assert.equal(scheduled['KeyState'], 'PendingDeletion');
    assert.equal(scheduled['PendingWindowInDays'], 7);
    const deletionDate = Number(scheduled['DeletionDate']) * 1000;
    const sevenDays = 7 * 86_400_000;
    assert.ok(
      Math.abs(deletionDate - Date.now() - sevenDays) < 86_400_000,
      `DeletionDate ${scheduled['DeletionDate']}`,
    );
    await kmsFails(
      ['encrypt', '--key-id', keyId, '--plaintext', fileWith(Buffer.from('x'))],
      'KMSInvalidStateException',
    );

    await kmsJson(['cancel-key-deletion', '--key-id', keyId]);
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', keyId]))['KeyState'], 'Disabled');
  });

  it('finds the endpoint through AWS_ENDPOINT_URL_KMS instead of --endpoint-url', async (t) => {
    if (awsCli && !honoursServiceEndpointVariable(awsCli)) {
      t.skip(`${awsCli.banner} predates AWS_ENDPOINT_URL_KMS (aws CLI 1.29 / 2.13)`);
      return;
    }
    const keyId = await newKey();
    const outcome = await execute('aws', ['kms', 'describe-key', '--key-id', keyId, '--output', 'json'], {
      ...baseEnvironment,
      AWS_ENDPOINT_URL_KMS: server.url,
    });
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    assert.equal(keyMetadata(JSON.parse(outcome.stdout) as Record<string, unknown>)['KeyId'], keyId);
  });

  it('boto3 round trip', { skip: boto3Installed ? false : 'boto3 not installed; skipping' }, async () => {
    const script = [
      'import os, boto3',
      "kms = boto3.client('kms', endpoint_url=os.environ['TRENT_URL'])",
      "key = kms.create_key(Description='boto3')['KeyMetadata']['KeyId']",
      "context = {'via': 'boto3'}",
      "blob = kms.encrypt(KeyId=key, Plaintext=b'hello boto3', EncryptionContext=context)['CiphertextBlob']",
      'plain = kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"]',
      "assert plain == b'hello boto3', plain",
      'print(key)',
    ].join('\n');
    const outcome = await execute('python3', ['-c', script], { ...baseEnvironment, TRENT_URL: server.url });
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    const keyId = outcome.stdout.trim();
    assert.equal(keyMetadata(await kmsJson(['describe-key', '--key-id', keyId]))['Description'], 'boto3');
  });
});
