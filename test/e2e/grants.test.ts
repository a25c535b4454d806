import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  type KMSClient,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import { awsError, keyPolicy, startTestTrent, TEST_ROOT, type TestTrent } from '../support/trent.js';

/**
 * Grants, shown with the account root as grantee: its key policy lets it manage the key but not decrypt,
 * so only a grant can let it decrypt.
 */
describe('grants', () => {
  let server: TestTrent;
  let kms: KMSClient;

  before(async () => {
    server = await startTestTrent();
    kms = server.kms();
  });
  after(() => server.stop());

  async function keyWithoutDecrypt(): Promise<{ keyId: string; ciphertexts: Record<string, Uint8Array> }> {
    const policy = keyPolicy({
      Sid: 'AllButDecrypt',
      Effect: 'Allow',
      Principal: { AWS: TEST_ROOT },
      NotAction: 'kms:Decrypt',
      Resource: '*',
    });
    const keyId = (await kms.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata?.KeyId as string;
    const ciphertexts: Record<string, Uint8Array> = {};
    for (const department of ['IT', 'HR']) {
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(department),
          EncryptionContext: { Department: department },
        }),
      );
      ciphertexts[department] = CiphertextBlob as Uint8Array;
    }
    return { keyId, ciphertexts };
  }

  const decrypt = (CiphertextBlob: Uint8Array | undefined, department: string) =>
    kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { Department: department } }));

  it('a grant lets the grantee decrypt only within its constraint, and stops at once when revoked', async () => {
    const { keyId, ciphertexts } = await keyWithoutDecrypt();
    const before = await awsError(() => decrypt(ciphertexts['IT'], 'IT'));
    assert.equal(before.name, 'AccessDeniedException');

    const { GrantId, GrantToken } = await kms.send(
      new CreateGrantCommand({
        KeyId: keyId,
        GranteePrincipal: TEST_ROOT,
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextEquals: { Department: 'IT' } },
        Name: 'it-only',
      }),
    );
    assert.match(GrantId as string, /^[0-9a-f]{64}$/);
    assert.ok(GrantToken);

    const allowed = await decrypt(ciphertexts['IT'], 'IT');
    assert.equal(Buffer.from(allowed.Plaintext as Uint8Array).toString(), 'IT');
    const outside = await awsError(() => decrypt(ciphertexts['HR'], 'HR'));
    assert.equal(outside.name, 'AccessDeniedException');

    const listed = await kms.send(new ListGrantsCommand({ KeyId: keyId }));
    assert.equal(listed.Grants?.length, 1);
    assert.equal(listed.Grants?.[0]?.GrantId, GrantId);
    assert.equal(listed.Grants?.[0]?.Name, 'it-only');
    assert.deepEqual(listed.Grants?.[0]?.Operations, ['Decrypt']);
    assert.deepEqual(listed.Grants?.[0]?.Constraints?.EncryptionContextEquals, { Department: 'IT' });
    assert.equal(listed.Grants?.[0]?.GranteePrincipal, TEST_ROOT);

    const again = await kms.send(
      new CreateGrantCommand({
        KeyId: keyId,
        GranteePrincipal: TEST_ROOT,
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextEquals: { Department: 'IT' } },
        Name: 'it-only',
      }),
    );
    assert.equal(again.GrantId, GrantId, 'the same Name and parameters name the same grant');

    await kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId }));
    const revoked = await awsError(() => decrypt(ciphertexts['IT'], 'IT'));
    assert.equal(revoked.name, 'AccessDeniedException');
  });

  it('a grant is retired by its token, and listed for its retiring principal until then', async () => {
    const { keyId, ciphertexts } = await keyWithoutDecrypt();
    const { GrantToken, GrantId } = await kms.send(
      new CreateGrantCommand({
        KeyId: keyId,
        GranteePrincipal: TEST_ROOT,
        RetiringPrincipal: TEST_ROOT,
        Operations: ['Decrypt'],
      }),
    );
    await decrypt(ciphertexts['HR'], 'HR');
    const retirable = await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: TEST_ROOT }));
    assert.ok(retirable.Grants?.some((grant) => grant.GrantId === GrantId));
    await kms.send(new RetireGrantCommand({ GrantToken }));
    assert.equal((await awsError(() => decrypt(ciphertexts['HR'], 'HR'))).name, 'AccessDeniedException');
    const elsewhere = await awsError(() =>
      kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: 'arn:aws:iam::444455556666:root' })),
    );
    assert.equal(elsewhere.name, 'AccessDeniedException');
    const bogus = await awsError(() => kms.send(new RetireGrantCommand({ GrantToken: 'not-a-token' })));
    assert.equal(bogus.name, 'InvalidGrantTokenException');

    const second = await kms.send(
      new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: TEST_ROOT, Operations: ['DescribeKey'] }),
    );
    const filtered = await kms.send(new ListGrantsCommand({ KeyId: keyId, GrantId: second.GrantId }));
    assert.deepEqual(
      filtered.Grants?.map((grant) => grant.GrantId),
      [second.GrantId],
    );
    const byGrantee = await kms.send(
      new ListGrantsCommand({ KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:user/nobody' }),
    );
    assert.deepEqual(byGrantee.Grants, []);
    await kms.send(new RetireGrantCommand({ KeyId: keyId, GrantId: second.GrantId }));
    assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants, []);
  });

  it('refuses grant operations a symmetric key does not have, and an explicit Deny beats a grant', async () => {
    const { keyId } = await keyWithoutDecrypt();
    const invalid = await awsError(() =>
      kms.send(new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: TEST_ROOT, Operations: ['Sign'] })),
    );
    assert.equal(invalid.name, 'ValidationException');

    const denying = keyPolicy(
      { Effect: 'Allow', Principal: { AWS: TEST_ROOT }, NotAction: 'kms:Decrypt', Resource: '*' },
      { Effect: 'Deny', Principal: { AWS: TEST_ROOT }, Action: 'kms:Decrypt', Resource: '*' },
    );
    const denied = (await kms.send(new CreateKeyCommand({ Policy: denying }))).KeyMetadata?.KeyId as string;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: denied, Plaintext: Buffer.from('x') }));
    await kms.send(new CreateGrantCommand({ KeyId: denied, GranteePrincipal: TEST_ROOT, Operations: ['Decrypt'] }));
    const error = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob })));
    assert.equal(error.name, 'AccessDeniedException');
    assert.match(error.message, /explicit deny/);
  });
});
