import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyLastUsageCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { awsError, startTestTrent, type TestTrent } from '../support/trent.js';

describe('GetKeyLastUsage, kept by the audit trail', () => {
  let server: TestTrent;
  let kms: KMSClient;

  before(async () => {
    server = await startTestTrent();
    kms = server.kms();
  });
  after(() => server.stop());

  it('reports no use for a new key, then the last cryptographic call with its request and event ids', async () => {
    const created = await kms.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId as string;
    const fresh = await kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
    assert.equal(fresh.KeyLastUsage, undefined);
    assert.equal(fresh.KeyId, created.KeyMetadata?.Arn);
    assert.equal(fresh.KeyCreationDate?.getTime(), created.KeyMetadata?.CreationDate?.getTime());
    assert.ok((fresh.TrackingStartDate?.getTime() ?? 0) >= (fresh.KeyCreationDate?.getTime() ?? Infinity));

    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const used = await kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
    assert.equal(used.KeyLastUsage?.Operation, 'GenerateDataKey', 'DescribeKey is not a tracked use');
    assert.equal(used.KeyLastUsage?.KmsRequestId, generated.$metadata.requestId);
    assert.match(used.KeyLastUsage?.CloudTrailEventId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs((used.KeyLastUsage?.Timestamp?.getTime() ?? 0) - Date.now()) < 60_000);
  });

  it('a failed call is not a use, and an unknown key is NotFoundException', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    await awsError(() => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097) })));
    assert.equal((await kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }))).KeyLastUsage, undefined);
    const missing = await awsError(() =>
      kms.send(new GetKeyLastUsageCommand({ KeyId: '00000000-0000-0000-0000-000000000000' })),
    );
    assert.equal(missing.name, 'NotFoundException');
  });
});
