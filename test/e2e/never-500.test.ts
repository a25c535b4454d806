import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { operations } from '../../src/operations/registry.js';
import { sendRaw } from '../support/raw-kms.js';
import { startTestTrent, type TestTrent } from '../support/trent.js';

/**
 * Bad input gets an AWS error, never a 500: random bodies, built from the members each operation really
 * has (and from plain garbage), are sent signed to every supported operation.
 */

const RUNS_PER_OPERATION = 40;

describe('random input to every operation', () => {
  let server: TestTrent;
  const realValues: string[] = [];

  before(async () => {
    server = await startTestTrent();
    const kms = server.kms();
    const created = await kms.send(new CreateKeyCommand({}));
    const keyId = created.KeyMetadata?.KeyId as string;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/fuzz', TargetKeyId: keyId }));
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
    realValues.push(
      keyId,
      created.KeyMetadata?.Arn as string,
      'alias/fuzz',
      Buffer.from(CiphertextBlob as Uint8Array).toString('base64'),
    );
  });
  after(() => server.stop());

  const memberNames = [
    'KeyId',
    'Plaintext',
    'CiphertextBlob',
    'EncryptionContext',
    'GrantTokens',
    'NumberOfBytes',
    'KeySpec',
    'AliasName',
    'TargetKeyId',
    'Description',
    'Tags',
    'TagKeys',
    'Limit',
    'Marker',
    'PendingWindowInDays',
    'DryRun',
    'DestinationKeyId',
    'SourceKeyId',
    'EncryptionAlgorithm',
    'KeyUsage',
    'Origin',
    'Policy',
    'MultiRegion',
    'Recipient',
    'DryRunModifiers',
    'SourceEncryptionContext',
    'DestinationEncryptionContext',
  ];

  const value = () =>
    fc.oneof(
      fc.constantFrom(...realValues),
      fc.base64String({ maxLength: 64 }),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: -5, max: 5000 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.record({ TagKey: fc.string({ maxLength: 8 }), TagValue: fc.string({ maxLength: 8 }) }),
        ),
        { maxLength: 3 },
      ),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 }),
    );

  // Built inside each test: the real key id, alias and ciphertext exist only once `before` has run.
  const body = () =>
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .dictionary(fc.constantFrom(...memberNames), value(), { maxKeys: 5 })
          .map((members) => JSON.stringify(members)),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    );

  for (const name of operations.keys()) {
    it(`${name} answers 200 or a 4xx AWS error`, async () => {
      await fc.assert(
        fc.asyncProperty(body(), async (text) => {
          const response = await sendRaw(server.url, { target: `TrentService.${name}`, body: text });
          assert.ok(
            response.status === 200 || (response.status >= 400 && response.status < 500),
            `${response.status} for ${text}: ${response.body}`,
          );
          if (response.status !== 200) assert.equal(typeof response.json()['__type'], 'string');
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    });
  }
});
