import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { callTrent } from '../../cli/signed-request.js';
import { publicKeyFingerprint, verifyTrail } from '../../src/audit/trail/index.js';
import { startTestTrent, TEST_CREDENTIALS, TEST_REGION } from '../support/trent.js';

describe('TrentAdmin.GetAuditPublicKey', () => {
  it('publishes the key that verifies the trail, and only that key does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trent-audit-key-'));
    try {
      const server = await startTestTrent({ dataDir });
      const kms = server.kms();
      const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
      await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
      const answer = await callTrent(server.url, TEST_REGION, TEST_CREDENTIALS, 'TrentAdmin.GetAuditPublicKey', {});
      await server.stop(); // seals the open segment, so its digest is signed

      assert.equal(answer.status, 200);
      const [published] = answer.body['PublicKeys'] as { Fingerprint: string; Pem: string }[];
      const publicKey = createPublicKey(published?.Pem ?? '');
      assert.equal(publicKeyFingerprint(publicKey), published?.Fingerprint);

      const trail = join(dataDir, 'audit', 'main');
      const verified = await verifyTrail(trail, { publicKeys: [publicKey] });
      assert.equal(verified.ok, true, JSON.stringify(verified));
      assert.ok(verified.ok && verified.records >= 3, 'CreateKey, Encrypt and GetAuditPublicKey are in the trail');

      const stranger = generateKeyPairSync('ed25519').publicKey;
      const refused = await verifyTrail(trail, { publicKeys: [stranger] });
      assert.equal(refused.ok, false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
