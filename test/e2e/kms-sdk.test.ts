import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
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
  type KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { awsError, startTestTrent, TEST_ACCOUNT, type TestTrent } from '../support/trent.js';

const ARN_PREFIX = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/`;

describe('KMS API end to end with @aws-sdk/client-kms', () => {
  let server: TestTrent;
  let kms: KMSClient;

  before(async () => {
    server = await startTestTrent();
    kms = server.kms();
  });
  after(() => server.stop());

  async function newKey(description = 'test key'): Promise<string> {
    const created = await kms.send(new CreateKeyCommand({ Description: description }));
    return created.KeyMetadata?.KeyId as string;
  }

  it('CreateKey returns the KeyMetadata AWS returns, and DescribeKey agrees', async () => {
    const created = await kms.send(
      new CreateKeyCommand({ Description: 'orders', Tags: [{ TagKey: 'team', TagValue: 'payments' }] }),
    );
    const metadata = created.KeyMetadata;
    assert.ok(metadata?.KeyId);
    assert.equal(metadata.Arn, ARN_PREFIX + metadata.KeyId);
    assert.equal(metadata.AWSAccountId, TEST_ACCOUNT);
    assert.equal(metadata.Enabled, true);
    assert.equal(metadata.KeyState, 'Enabled');
    assert.equal(metadata.KeyUsage, 'ENCRYPT_DECRYPT');
    assert.equal(metadata.KeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(metadata.CustomerMasterKeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(metadata.Origin, 'AWS_KMS');
    assert.equal(metadata.KeyManager, 'CUSTOMER');
    assert.deepEqual(metadata.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.equal(metadata.MultiRegion, false);
    assert.equal(metadata.Description, 'orders');
    assert.ok(metadata.CreationDate instanceof Date);
    assert.ok(Math.abs((metadata.CreationDate as Date).getTime() - Date.now()) < 60_000);

    const described = await kms.send(new DescribeKeyCommand({ KeyId: metadata.Arn }));
    assert.deepEqual(described.KeyMetadata, metadata);
  });

  it('Encrypt and Decrypt round trip with the key ARN in every response', async () => {
    const keyId = await newKey();
    const plaintext = Buffer.from('attack at dawn');
    const context = { purpose: 'test', order: '42' };
    const encrypted = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: context }),
    );
    assert.equal(encrypted.KeyId, ARN_PREFIX + keyId);
    assert.equal(encrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.ok(encrypted.CiphertextBlob && encrypted.CiphertextBlob.length > plaintext.length);

    const decrypted = await kms.send(
      new DecryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob,
        EncryptionContext: { order: '42', purpose: 'test' },
      }),
    );
    assert.equal(decrypted.KeyId, ARN_PREFIX + keyId);
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'attack at dawn');
    assert.equal(decrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  });

  it('two encryptions of the same plaintext differ', async () => {
    const keyId = await newKey();
    const one = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('same') }));
    const two = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('same') }));
    assert.notDeepEqual(Buffer.from(one.CiphertextBlob as Uint8Array), Buffer.from(two.CiphertextBlob as Uint8Array));
  });

  it('a wrong, missing or extra encryption context is InvalidCiphertextException', async () => {
    const keyId = await newKey();
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: 'b' } }),
    );
    const contexts: Array<Record<string, string> | undefined> = [
      undefined,
      { a: 'c' },
      { a: 'b', extra: '1' },
      { A: 'b' },
    ];
    for (const EncryptionContext of contexts) {
      const error = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext })));
      assert.equal(error.name, 'InvalidCiphertextException');
      assert.equal(error.status, 400);
    }
  });

  it('any changed bit or truncation of the ciphertext is InvalidCiphertextException', async () => {
    const keyId = await newKey();
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') }));
    const blob = Buffer.from(CiphertextBlob as Uint8Array);
    const positions = [blob.length - 1, blob.length - 20, blob.length - 40, 3, 10];
    for (const position of positions) {
      const changed = Buffer.from(blob);
      changed[position] = (changed[position] as number) ^ 0x01;
      const error = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: changed })));
      assert.ok(['InvalidCiphertextException', 'NotFoundException'].includes(error.name), `${position}: ${error.name}`);
    }
    for (const length of [blob.length - 1, blob.length - 16, 20, 1]) {
      const error = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, length) })));
      assert.equal(error.name, 'InvalidCiphertextException');
    }
  });

  it('Decrypt with a KeyId that is not the ciphertext key is IncorrectKeyException', async () => {
    const keyA = await newKey();
    const keyB = await newKey();
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA, Plaintext: Buffer.from('x') }));
    const error = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob, KeyId: keyB })));
    assert.equal(error.name, 'IncorrectKeyException');
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, KeyId: ARN_PREFIX + keyA }));
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'x');
  });

  it('ReEncrypt moves a ciphertext to another key and context', async () => {
    const source = await newKey();
    const destination = await newKey();
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: source, Plaintext: Buffer.from('moving'), EncryptionContext: { v: '1' } }),
    );
    const moved = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob,
        SourceEncryptionContext: { v: '1' },
        DestinationKeyId: destination,
        DestinationEncryptionContext: { v: '2' },
      }),
    );
    assert.equal(moved.SourceKeyId, ARN_PREFIX + source);
    assert.equal(moved.KeyId, ARN_PREFIX + destination);
    assert.equal(moved.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(moved.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { v: '2' } }),
    );
    assert.equal(decrypted.KeyId, ARN_PREFIX + destination);
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'moving');
    const wrongSource = await awsError(() =>
      kms.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: destination })),
    );
    assert.equal(wrongSource.name, 'InvalidCiphertextException');
  });

  it('GenerateDataKey and GenerateDataKeyWithoutPlaintext produce decryptable data keys', async () => {
    const keyId = await newKey();
    const withPlaintext = await kms.send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { file: 'a' } }),
    );
    assert.equal(withPlaintext.Plaintext?.length, 32);
    assert.equal(withPlaintext.KeyId, ARN_PREFIX + keyId);
    const opened = await kms.send(
      new DecryptCommand({ CiphertextBlob: withPlaintext.CiphertextBlob, EncryptionContext: { file: 'a' } }),
    );
    assert.deepEqual(Buffer.from(opened.Plaintext as Uint8Array), Buffer.from(withPlaintext.Plaintext as Uint8Array));

    const sized = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }));
    assert.equal(sized.Plaintext?.length, 64);
    const aes128 = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_128' }));
    assert.equal(aes128.Plaintext?.length, 16);

    const without = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    assert.equal('Plaintext' in without, false);
    assert.equal(without.KeyId, ARN_PREFIX + keyId);
    const later = await kms.send(new DecryptCommand({ CiphertextBlob: without.CiphertextBlob }));
    assert.equal(later.Plaintext?.length, 32);

    for (const request of [{ KeyId: keyId }, { KeyId: keyId, KeySpec: 'AES_256' as const, NumberOfBytes: 32 }]) {
      const error = await awsError(() => kms.send(new GenerateDataKeyCommand(request)));
      assert.equal(error.name, 'ValidationException');
    }
  });

  it('GenerateRandom returns the bytes asked for, within AWS limits', async () => {
    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
    assert.equal(random.Plaintext?.length, 1024);
    for (const NumberOfBytes of [0, 1025]) {
      const error = await awsError(() => kms.send(new GenerateRandomCommand({ NumberOfBytes })));
      assert.equal(error.name, 'ValidationException');
    }
  });

  it('aliases name keys everywhere AWS allows, and can be moved, listed and deleted', async () => {
    const keyA = await newKey();
    const keyB = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyA }));
    const duplicate = await awsError(() =>
      kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyB })),
    );
    assert.equal(duplicate.name, 'AlreadyExistsException');

    const byAlias = await kms.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: Buffer.from('1') }));
    assert.equal(byAlias.KeyId, ARN_PREFIX + keyA);
    const aliasArn = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/orders`;
    const byAliasArn = await kms.send(new DescribeKeyCommand({ KeyId: aliasArn }));
    assert.equal(byAliasArn.KeyMetadata?.KeyId, keyA);

    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyB }));
    const moved = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
    assert.equal(moved.KeyMetadata?.KeyId, keyB);

    const listed = await kms.send(new ListAliasesCommand({ KeyId: keyB }));
    assert.equal(listed.Aliases?.length, 1);
    assert.equal(listed.Aliases?.[0]?.AliasName, 'alias/orders');
    assert.equal(listed.Aliases?.[0]?.AliasArn, aliasArn);
    assert.equal(listed.Aliases?.[0]?.TargetKeyId, keyB);
    assert.ok(listed.Aliases?.[0]?.CreationDate instanceof Date);

    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/orders' }));
    const gone = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: 'alias/orders' })));
    assert.equal(gone.name, 'NotFoundException');
    assert.equal(gone.message, `Alias ${aliasArn} is not found.`);
    const deleteAgain = await awsError(() => kms.send(new DeleteAliasCommand({ AliasName: 'alias/orders' })));
    assert.equal(deleteAgain.name, 'NotFoundException');
  });

  it('refuses alias names AWS refuses', async () => {
    const keyId = await newKey();
    const reserved = await awsError(() =>
      kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/reserved', TargetKeyId: keyId })),
    );
    assert.equal(reserved.name, 'InvalidAliasNameException');
    for (const AliasName of ['orders', 'alias/has:colon']) {
      const error = await awsError(() => kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: keyId })));
      assert.equal(error.name, 'ValidationException', AliasName);
    }
    const badPattern = await awsError(() =>
      kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: keyId })),
    );
    assert.equal(badPattern.name, 'ValidationException');
    const aliasAsTarget = await awsError(() =>
      kms.send(new CreateAliasCommand({ AliasName: 'alias/x', TargetKeyId: 'alias/y' })),
    );
    assert.equal(aliasAsTarget.name, 'NotFoundException');
  });

  it('ListKeys pages with Limit and Marker', async () => {
    for (let index = 0; index < 5; index += 1) await newKey(`paging ${index}`);
    const seen = new Set<string>();
    let marker: string | undefined;
    let pages = 0;
    do {
      const listed = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      pages += 1;
      assert.ok((listed.Keys?.length ?? 0) <= 2);
      for (const key of listed.Keys ?? []) {
        assert.equal(key.KeyArn, ARN_PREFIX + key.KeyId);
        seen.add(key.KeyId as string);
      }
      marker = listed.Truncated ? listed.NextMarker : undefined;
      assert.equal(listed.Truncated, marker !== undefined);
    } while (marker && pages < 100);
    const all = await kms.send(new ListKeysCommand({}));
    assert.equal(seen.size, all.Keys?.length);
    assert.ok(seen.size >= 5);
    const badMarker = await awsError(() => kms.send(new ListKeysCommand({ Marker: 'not-a-marker' })));
    assert.equal(badMarker.name, 'InvalidMarkerException');
  });

  it('tags can be added, overwritten, listed with paging and removed', async () => {
    const keyId = await newKey();
    await kms.send(
      new TagResourceCommand({
        KeyId: keyId,
        Tags: [
          { TagKey: 'b', TagValue: '1' },
          { TagKey: 'a', TagValue: '2' },
          { TagKey: 'c', TagValue: '3' },
        ],
      }),
    );
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: 'changed' }] }));
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 2 }));
    assert.deepEqual(first.Tags, [
      { TagKey: 'a', TagValue: 'changed' },
      { TagKey: 'b', TagValue: '1' },
    ]);
    assert.equal(first.Truncated, true);
    const second = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: first.NextMarker }));
    assert.deepEqual(second.Tags, [{ TagKey: 'c', TagValue: '3' }]);
    assert.equal(second.Truncated, false);
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['a', 'c', 'absent'] }));
    const left = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    assert.deepEqual(left.Tags, [{ TagKey: 'b', TagValue: '1' }]);
    const reserved = await awsError(() =>
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })),
    );
    assert.equal(reserved.name, 'TagException');
    const tags = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ TagKey: `k${from + index}`, TagValue: 'v' }));
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: tags(0, 49) }));
    const overLimit = await awsError(() => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: tags(49, 2) })));
    assert.equal(overLimit.name, 'LimitExceededException');
    const listed = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    assert.equal(listed.Tags?.length, 50, 'the refused request changed nothing');
  });

  it('UpdateKeyDescription changes the description', async () => {
    const keyId = await newKey('before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'after' }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata?.Description, 'after');
  });

  it('a disabled key refuses cryptography with DisabledException until enabled again', async () => {
    const keyId = await newKey();
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata?.KeyState, 'Disabled');
    assert.equal(described.KeyMetadata?.Enabled, false);
    const encryptError = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    );
    assert.equal(encryptError.name, 'DisabledException');
    assert.equal(encryptError.message, `${ARN_PREFIX}${keyId} is disabled.`);
    const decryptError = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(decryptError.name, 'DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'x');
  });

  it('ScheduleKeyDeletion and CancelKeyDeletion follow the AWS key states', async () => {
    const keyId = await newKey();
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyId, ARN_PREFIX + keyId);
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(scheduled.PendingWindowInDays, 7);
    const expected = Date.now() + 7 * 86_400_000;
    assert.ok(Math.abs((scheduled.DeletionDate as Date).getTime() - expected) < 60_000);

    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(described.KeyMetadata?.KeyState, 'PendingDeletion');
    assert.equal(described.KeyMetadata?.PendingDeletionWindowInDays, undefined);
    assert.ok(described.KeyMetadata?.DeletionDate instanceof Date);

    const pendingMessage = `${ARN_PREFIX}${keyId} is pending deletion.`;
    for (const call of [
      () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      () => kms.send(new DecryptCommand({ CiphertextBlob })),
      () => kms.send(new EnableKeyCommand({ KeyId: keyId })),
      () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId })),
    ]) {
      const error = await awsError(call);
      assert.equal(error.name, 'KMSInvalidStateException');
      assert.equal(error.message, pendingMessage);
    }

    const cancelled = await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    assert.equal(cancelled.KeyId, ARN_PREFIX + keyId);
    const after = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(after.KeyMetadata?.KeyState, 'Disabled');
    assert.equal(after.KeyMetadata?.DeletionDate, undefined);
    const again = await awsError(() => kms.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
    assert.equal(again.name, 'KMSInvalidStateException');
    assert.equal(again.message, `${ARN_PREFIX}${keyId} is not pending deletion.`);

    for (const PendingWindowInDays of [6, 31]) {
      const error = await awsError(() =>
        kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays })),
      );
      assert.equal(error.name, 'ValidationException');
    }
  });

  it('unknown keys and malformed key ids are NotFoundException with AWS wording', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: missing })));
    assert.equal(error.name, 'NotFoundException');
    assert.equal(error.message, `Key '${ARN_PREFIX}${missing}' does not exist`);
    const unknownAlias = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: 'alias/nope', Plaintext: Buffer.from('x') })),
    );
    assert.equal(unknownAlias.name, 'NotFoundException');
    const garbage = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: 'not-a-key' })));
    assert.equal(garbage.name, 'NotFoundException');
    assert.equal(garbage.message, 'Invalid keyId not-a-key');
    const aliasWhereKeyOnly = await awsError(() => kms.send(new EnableKeyCommand({ KeyId: 'alias/anything' })));
    assert.equal(aliasWhereKeyOnly.name, 'NotFoundException');
  });

  it('keys are scoped by Region: a key of us-east-1 is not found from eu-west-1', async () => {
    const keyId = await newKey();
    const elsewhere = server.kms('eu-west-1');
    const error = await awsError(() => elsewhere.send(new DescribeKeyCommand({ KeyId: keyId })));
    assert.equal(error.name, 'NotFoundException');
    const local = await elsewhere.send(new CreateKeyCommand({}));
    assert.match(local.KeyMetadata?.Arn as string, /^arn:aws:kms:eu-west-1:111122223333:key\//);
  });

  it('bad input sizes are ValidationException, never a 500', async () => {
    const keyId = await newKey();
    const cases: Array<() => Promise<unknown>> = [
      () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097) })),
      () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(0) })),
      () => kms.send(new EncryptCommand({ KeyId: 'x'.repeat(2049), Plaintext: Buffer.from('x') })),
      () => kms.send(new DecryptCommand({ CiphertextBlob: Buffer.alloc(6145) })),
      () => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 1025 })),
      () => kms.send(new ListKeysCommand({ Limit: 1001 })),
      () => kms.send(new CreateKeyCommand({ Description: 'd'.repeat(8193) })),
    ];
    for (const call of cases) {
      const error = await awsError(call);
      assert.equal(error.name, 'ValidationException');
      assert.equal(error.status, 400);
    }
  });

  it('DryRun still runs every check of the operation before it answers', async () => {
    const keyId = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const disabled = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), DryRun: true })),
    );
    assert.equal(disabled.name, 'DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    const noLength = await awsError(() => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, DryRun: true })));
    assert.equal(noLength.name, 'ValidationException');
  });

  it('Decrypt refuses a Recipient (Nitro Enclaves) rather than return the plaintext', async () => {
    const keyId = await newKey();
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    const error = await awsError(() =>
      kms.send(
        new DecryptCommand({
          CiphertextBlob,
          Recipient: { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: Buffer.alloc(64, 1) },
        }),
      ),
    );
    assert.equal(error.name, 'UnsupportedOperationException');
  });

  it('a key ARN or ciphertext of another Region is not usable from this one', async () => {
    const created = await kms.send(new CreateKeyCommand({}));
    const arn = created.KeyMetadata?.Arn as string;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('x') }));
    const elsewhere = server.kms('eu-west-1');
    const byArn = await awsError(() => elsewhere.send(new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('x') })));
    assert.equal(byArn.name, 'NotFoundException');
    const describe = await awsError(() => elsewhere.send(new DescribeKeyCommand({ KeyId: arn })));
    assert.equal(describe.name, 'NotFoundException');
    const blob = await awsError(() => elsewhere.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(blob.name, 'InvalidCiphertextException');
  });

  it('an encryption context that is not valid Unicode is ValidationException, never a 500', async () => {
    const keyId = await newKey();
    const error = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: '\ud800' } })),
    );
    assert.equal(error.name, 'ValidationException');
    const missingBlob = await awsError(() => kms.send(new DecryptCommand({ KeyId: keyId })));
    assert.equal(missingBlob.name, 'ValidationException');
  });

  it('DryRun with IGNORE_CIPHERTEXT checks Decrypt and ReEncrypt on the named key without a ciphertext', async () => {
    const keyId = await newKey();
    const dryDecrypt = await awsError(() =>
      kms.send(new DecryptCommand({ KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    assert.equal(dryDecrypt.name, 'DryRunOperationException');
    const dryReEncrypt = await awsError(() =>
      kms.send(
        new ReEncryptCommand({
          SourceKeyId: keyId,
          DestinationKeyId: keyId,
          DryRun: true,
          DryRunModifiers: ['IGNORE_CIPHERTEXT'],
        }),
      ),
    );
    assert.equal(dryReEncrypt.name, 'DryRunOperationException');
    const withoutKey = await awsError(() =>
      kms.send(new DecryptCommand({ DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    assert.equal(withoutKey.name, 'ValidationException');
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const disabled = await awsError(() =>
      kms.send(new DecryptCommand({ KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    assert.equal(disabled.name, 'DisabledException');
  });

  it('DryRun answers DryRunOperationException and does nothing', async () => {
    const keyId = await newKey();
    const error = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), DryRun: true })),
    );
    assert.equal(error.name, 'DryRunOperationException');
  });
});
