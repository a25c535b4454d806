import { randomBytes } from 'node:crypto';
import { callJson, type PreparedCall, prepareCall } from './kms-client.js';
import type { RunningTarget } from './targets.js';

// What each measured request does. Setup (CreateKey, the ciphertext that Decrypt decrypts) happens once per
// target through the same signed client, outside the measured time.

export const SCENARIO_NAMES = ['Encrypt', 'Decrypt', 'GenerateDataKey'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

const PLAINTEXT_BYTES = 4096;

export interface TargetFixture {
  readonly keyId: string;
  readonly plaintext: string;
}

export async function createFixture(target: RunningTarget): Promise<TargetFixture> {
  const created = await callJson(target.endpoint, target.credentials, 'CreateKey', {
    Description: 'trent bench',
    KeySpec: 'SYMMETRIC_DEFAULT',
    KeyUsage: 'ENCRYPT_DECRYPT',
  });
  const metadata = created['KeyMetadata'] as { KeyId?: unknown } | undefined;
  if (typeof metadata?.KeyId !== 'string') throw new Error(`CreateKey answered without KeyMetadata.KeyId`);
  return { keyId: metadata.KeyId, plaintext: randomBytes(PLAINTEXT_BYTES).toString('base64') };
}

export async function prepareScenario(
  scenario: ScenarioName,
  target: RunningTarget,
  fixture: TargetFixture,
): Promise<PreparedCall> {
  const { endpoint, credentials } = target;
  const encryptInput = { KeyId: fixture.keyId, Plaintext: fixture.plaintext };
  switch (scenario) {
    case 'Encrypt':
      return prepareCall(endpoint, credentials, 'Encrypt', encryptInput);
    case 'Decrypt': {
      const encrypted = await callJson(endpoint, credentials, 'Encrypt', encryptInput);
      if (typeof encrypted['CiphertextBlob'] !== 'string') throw new Error('Encrypt answered without CiphertextBlob');
      const input = { KeyId: fixture.keyId, CiphertextBlob: encrypted['CiphertextBlob'] };
      return prepareCall(endpoint, credentials, 'Decrypt', input);
    }
    case 'GenerateDataKey':
      return prepareCall(endpoint, credentials, 'GenerateDataKey', { KeyId: fixture.keyId, KeySpec: 'AES_256' });
  }
}
