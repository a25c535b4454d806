import { kmsError } from '../errors/catalogue.js';

/** Symmetric keys use one algorithm; AWS refuses any other with InvalidKeyUsageException. */
export function requireSymmetricDefault(algorithm: string | undefined, keyArn: string): void {
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
    throw kmsError(
      'InvalidKeyUsageException',
      `You cannot use ${algorithm} with ${keyArn} because it is a symmetric encryption key. Use SYMMETRIC_DEFAULT.`,
    );
  }
}
