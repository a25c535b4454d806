import type { KeyRecord } from '../keys/records.js';
import { changeKey } from './change-key.js';
import { type AccessRequest, defineOperation, type OperationDefinition } from './definition.js';
import type { OperationName } from './generated/kms-shapes.js';
import { onKey } from './on-key.js';

interface KeyIdInput {
  KeyId: string;
}

/** EnableKey and DisableKey: one key named by id or ARN, one transition of its state, an empty response. */
export function keyStateChange(
  name: OperationName,
  action: AccessRequest['action'],
  transition: (key: KeyRecord) => KeyRecord,
): OperationDefinition {
  return defineOperation({
    name,
    readOnly: false,
    resolve: (input: KeyIdInput, context, keys) => onKey(action, input.KeyId, 'keyOnly', context, keys),
    async handle(_input, key, _context, keys) {
      await changeKey(keys, key, transition);
      return {};
    },
  });
}
