import { kmsError } from '../errors/catalogue.js';

/** After the prefix, AWS allows letters, digits, '/', '_' and '-' (the model's pattern also admits ':'). */
const ALIAS_SUFFIX = /^[a-zA-Z0-9/_-]+$/;

/** AWS's rules for a customer alias name, beyond the shape's pattern and lengths. */
export function checkAliasName(aliasName: string): void {
  if (!aliasName.startsWith('alias/') || aliasName.length === 'alias/'.length) {
    throw kmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (aliasName.startsWith('alias/aws/')) {
    throw kmsError('InvalidAliasNameException', "Cannot create alias with prefix 'alias/aws/'");
  }
  if (!ALIAS_SUFFIX.test(aliasName.slice('alias/'.length))) {
    throw kmsError('ValidationException', `${aliasName} contains invalid characters for an alias`);
  }
}
