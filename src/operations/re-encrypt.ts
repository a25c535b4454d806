import { arnOf } from '../keys/arn.js';
import type { EncryptionContext } from '../keys/key-service.js';
import { requireUsable } from '../keys/key-state.js';
import type { KeyRecord } from '../keys/records.js';
import { encryptionContextConditions, keyAccess } from './conditions.js';
import { type CiphertextTarget, ignoresCiphertext, keyOfCiphertext, parsedBlob } from './decrypt-target.js';
import { defineOperation } from './definition.js';
import { requireSymmetricDefault } from './symmetric.js';

interface ReEncryptInput {
  CiphertextBlob?: Buffer;
  SourceEncryptionContext?: EncryptionContext;
  SourceKeyId?: string;
  DestinationKeyId: string;
  DestinationEncryptionContext?: EncryptionContext;
  SourceEncryptionAlgorithm?: string;
  DestinationEncryptionAlgorithm?: string;
  DryRun?: boolean;
  DryRunModifiers?: string[];
}

interface ReEncryptTarget {
  readonly source: CiphertextTarget;
  readonly destination: KeyRecord;
}

export const reEncrypt = defineOperation({
  name: 'ReEncrypt',
  readOnly: true,
  async resolve(input: ReEncryptInput, context, keys) {
    const source = await keyOfCiphertext(
      input.CiphertextBlob,
      input.SourceKeyId,
      context,
      keys,
      ignoresCiphertext(input),
    );
    const destination = await keys.resolve(context.scope, input.DestinationKeyId, 'keyOrAlias');
    const sameKey = String(arnOf(source.key) === arnOf(destination));
    return {
      access: [
        keyAccess(
          'kms:ReEncryptFrom',
          source.key,
          { ...encryptionContextConditions(input.SourceEncryptionContext), 'kms:ReEncryptOnSameKey': sameKey },
          input.SourceEncryptionContext,
        ),
        keyAccess(
          'kms:ReEncryptTo',
          destination,
          { ...encryptionContextConditions(input.DestinationEncryptionContext), 'kms:ReEncryptOnSameKey': sameKey },
          input.DestinationEncryptionContext,
        ),
      ],
      target: { source, destination },
    };
  },
  check(input, { source, destination }: ReEncryptTarget) {
    requireUsable(source.key);
    requireUsable(destination);
    requireSymmetricDefault(input.SourceEncryptionAlgorithm, arnOf(source.key));
    requireSymmetricDefault(input.DestinationEncryptionAlgorithm, arnOf(destination));
  },
  async handle(input, { source, destination }: ReEncryptTarget, _context, keys) {
    const plaintext = await keys.decrypt(source.key, parsedBlob(source), input.SourceEncryptionContext);
    try {
      const blob = await keys.encrypt(destination, plaintext, input.DestinationEncryptionContext);
      return {
        CiphertextBlob: blob,
        SourceKeyId: arnOf(source.key),
        KeyId: arnOf(destination),
        SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    } finally {
      plaintext.fill(0);
    }
  },
});
