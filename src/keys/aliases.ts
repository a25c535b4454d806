import { kmsError } from '../errors/catalogue.js';

/** AWS's rules for a customer alias name, beyond the shape's pattern and lengths. */
export function checkAliasName(aliasName: string): void {
  if (!aliasName.startsWith('alias/') || aliasName.length === 'alias/'.length) {
    throw kmsError(
      'InvalidAliasNameException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (aliasName.startsWith('alias/aws/')) {
    throw kmsError('InvalidAliasNameException', "Cannot create alias with prefix 'alias/aws/'");
  }
}
