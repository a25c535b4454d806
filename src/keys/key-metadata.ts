import type { KeyRecord } from '../persistence/port.js';
import { arnOf } from './arn.js';

/** awsJson1_1 timestamps are epoch seconds as a JSON number. */
export function epochSeconds(millis: number): number {
  return millis / 1000;
}

/** The KeyMetadata structure as DescribeKey, CreateKey and friends return it for a symmetric key. */
export function keyMetadata(key: KeyRecord): Record<string, unknown> {
  // AWS sends PendingDeletionWindowInDays only for replica keys (PendingReplicaDeletion), not here.
  const pending =
    key.state === 'PendingDeletion' && key.deletionDate !== null
      ? { DeletionDate: epochSeconds(key.deletionDate) }
      : {};
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: arnOf(key),
    CreationDate: epochSeconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    ...pending,
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: key.multiRegion,
  };
}
