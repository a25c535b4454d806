import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  type KMSClient,
  ListKeyPoliciesCommand,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { awsError, keyPolicy, startTestTrent, TEST_ACCOUNT, TEST_ROOT, type TestTrent } from '../support/trent.js';

const allowRootEverything = {
  Sid: 'root',
  Effect: 'Allow',
  Principal: { AWS: TEST_ROOT },
  Action: 'kms:*',
  Resource: '*',
};

describe('key policies, evaluated for the account root', () => {
  let server: TestTrent;
  let kms: KMSClient;

  before(async () => {
    server = await startTestTrent();
    kms = server.kms();
  });
  after(() => server.stop());

  const newKey = async (Policy?: string, BypassPolicyLockoutSafetyCheck?: boolean) =>
    (await kms.send(new CreateKeyCommand({ Policy, BypassPolicyLockoutSafetyCheck }))).KeyMetadata?.KeyId as string;

  it("a key created without a policy gets AWS's default key policy, named default", async () => {
    const keyId = await newKey();
    const { Policy, PolicyName } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    assert.equal(PolicyName, 'default');
    const document = JSON.parse(Policy as string);
    assert.deepEqual(document.Statement, [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: TEST_ROOT },
        Action: 'kms:*',
        Resource: '*',
      },
    ]);
    const listed = await kms.send(new ListKeyPoliciesCommand({ KeyId: keyId }));
    assert.deepEqual(listed.PolicyNames, ['default']);
    assert.equal(listed.Truncated, false);
    const otherName = await awsError(() => kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'other' })));
    assert.equal(otherName.name, 'NotFoundException');
  });

  it('PutKeyPolicy stores the policy as given and GetKeyPolicy returns it', async () => {
    const keyId = await newKey();
    const text = keyPolicy(allowRootEverything, {
      Sid: 'extra',
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:DescribeKey',
      Resource: '*',
    });
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: text }));
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    assert.equal(Policy, text);
  });

  it('refuses malformed policies with MalformedPolicyDocumentException', async () => {
    const keyId = await newKey();
    const malformed = [
      'not json',
      '{"Version": "2012-10-17", "Statement": []}',
      keyPolicy({ Effect: 'Maybe', Principal: { AWS: TEST_ROOT }, Action: 'kms:*', Resource: '*' }),
      keyPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }),
      keyPolicy({ ...allowRootEverything, Unknown: 1 }),
    ];
    for (const text of malformed) {
      const error = await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: text })));
      assert.equal(error.name, 'MalformedPolicyDocumentException', text);
    }
    const created = await awsError(() => kms.send(new CreateKeyCommand({ Policy: 'not json' })));
    assert.equal(created.name, 'MalformedPolicyDocumentException');
  });

  it('the lockout safety check refuses a policy that would stop the caller from calling PutKeyPolicy', async () => {
    const keyId = await newKey();
    const lockout = keyPolicy({
      Effect: 'Allow',
      Principal: { AWS: TEST_ROOT },
      Action: ['kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
    });
    const refused = await awsError(() => kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: lockout })));
    assert.equal(refused.name, 'MalformedPolicyDocumentException');
    assert.equal(refused.message, 'The new key policy will not allow you to update the key policy in the future.');
    const onCreate = await awsError(() => kms.send(new CreateKeyCommand({ Policy: lockout })));
    assert.equal(onCreate.name, 'MalformedPolicyDocumentException');
    const denyByKeyArn = keyPolicy(allowRootEverything, {
      Effect: 'Deny',
      Principal: { AWS: TEST_ROOT },
      Action: 'kms:PutKeyPolicy',
      Resource: `arn:aws:kms:*:${TEST_ACCOUNT}:key/*`,
    });
    const arnDeny = await awsError(() => kms.send(new CreateKeyCommand({ Policy: denyByKeyArn })));
    assert.equal(arnDeny.name, 'MalformedPolicyDocumentException', 'the check sees the ARN the new key will have');
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    const locked = await awsError(() =>
      kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: keyPolicy(allowRootEverything) })),
    );
    assert.equal(locked.name, 'AccessDeniedException');
  });

  it('refuses principals Trent does not know, as AWS refuses unknown ones', async () => {
    for (const principal of ['arn:aws:iam::444455556666:root', `arn:aws:iam::${TEST_ACCOUNT}:user/nobody`]) {
      const text = keyPolicy(allowRootEverything, {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'kms:Decrypt',
        Resource: '*',
      });
      const error = await awsError(() => kms.send(new CreateKeyCommand({ Policy: text })));
      assert.equal(error.name, 'MalformedPolicyDocumentException');
      assert.match(error.message, /invalid principals/);
    }
  });

  it('the account root is refused on a key whose policy leaves the account out', async (t) => {
    // Naming another account needs the server option for fixtures: only this account exists in Trent.
    const lenient = await startTestTrent({ acceptUnknownPrincipals: true });
    t.after(() => lenient.stop());
    const kms = lenient.kms();
    const elsewhere = keyPolicy({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    const keyId = (await kms.send(new CreateKeyCommand({ Policy: elsewhere, BypassPolicyLockoutSafetyCheck: true })))
      .KeyMetadata?.KeyId as string;
    const arn = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${keyId}`;
    for (const call of [
      () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
      () => kms.send(new DescribeKeyCommand({ KeyId: keyId })),
    ]) {
      const error = await awsError(call);
      assert.equal(error.name, 'AccessDeniedException');
      assert.equal(error.status, 400);
      assert.match(
        error.message,
        new RegExp(
          `^User: ${TEST_ROOT} is not authorized to perform: kms:\\w+ on resource: ${arn} because no resource-based policy allows the kms:\\w+ action$`,
        ),
      );
    }
  });

  it('an explicit Deny beats an Allow: encryption only with kms:EncryptionContext:Department = IT', async () => {
    const keyId = await newKey(
      keyPolicy(allowRootEverything, {
        Sid: 'only IT',
        Effect: 'Deny',
        Principal: { AWS: TEST_ROOT },
        Action: ['kms:Encrypt', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'IT' } },
      }),
    );
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { Department: 'IT' } }),
    );
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { Department: 'IT' } }));
    assert.equal(Buffer.from(decrypted.Plaintext as Uint8Array).toString(), 'x');
    for (const EncryptionContext of [undefined, { Department: 'HR' }, { Department: 'it' }]) {
      const error = await awsError(() =>
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext })),
      );
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(error.message, /with an explicit deny in a resource-based policy$/);
    }
  });
});
