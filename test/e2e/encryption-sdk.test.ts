import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS } from '@aws-sdk/client-kms';
import { startTestTrent, TEST_CREDENTIALS, TEST_REGION, type TestTrent } from '../support/trent.js';

describe('AWS Encryption SDK (@aws-crypto/client-node) with its KMS keyring pointed at Trent', () => {
  let server: TestTrent;

  /** The keyring wants the aggregated KMS client (methods per operation), built exactly as a user would. */
  let esdkKms: KMS;

  before(async () => {
    server = await startTestTrent();
    esdkKms = new KMS({ endpoint: server.url, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    esdkKms.destroy();
    await server.stop();
  });

  it('encrypts a 1 MiB message and decrypts it again', async () => {
    const kms = server.kms();
    const created = await kms.send(new CreateKeyCommand({ Description: 'encryption sdk' }));
    const keyArn = created.KeyMetadata?.Arn as string;
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => esdkKms });
    const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const message = randomBytes(1024 * 1024);
    const context = { stage: 'test', purpose: 'round trip' };

    const { result } = await encrypt(keyring, message, { encryptionContext: context });
    assert.ok(result.length > message.length);
    assert.equal(Buffer.from(result).indexOf(message.subarray(0, 64)), -1);

    const decrypted = await decrypt(keyring, result);
    assert.ok(Buffer.from(decrypted.plaintext).equals(message));
    assert.equal(decrypted.messageHeader.encryptionContext['stage'], 'test');
    assert.equal(decrypted.messageHeader.encryptedDataKeys[0]?.providerInfo, keyArn);
  });

  it('refuses to decrypt a message whose body was changed', async () => {
    const kms = server.kms();
    const created = await kms.send(new CreateKeyCommand({}));
    const keyring = new KmsKeyringNode({
      generatorKeyId: created.KeyMetadata?.Arn as string,
      clientProvider: () => esdkKms,
    });
    const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const { result } = await encrypt(keyring, Buffer.from('hello world'));
    const changed = Buffer.from(result);
    const last = changed.length - 40;
    changed[last] = (changed[last] as number) ^ 1;
    await assert.rejects(decrypt(keyring, changed));
  });
});
