import { kmsError } from '../errors/catalogue.js';
import { arnOf } from '../keys/arn.js';
import { epochSeconds } from '../keys/key-metadata.js';
import { scheduledForDeletion } from '../keys/key-state.js';
import { changeKey } from './change-key.js';
import { defineOperation } from './definition.js';
import { onKey } from './on-key.js';

interface ScheduleKeyDeletionInput {
  KeyId: string;
  PendingWindowInDays?: number;
}

/** AWS allows a waiting period of 7 to 30 days; the model's wider range is not what the service accepts. */
function pendingWindow(days: number | undefined): number {
  const window = days ?? 30;
  if (window < 7 || window > 30) {
    throw kmsError('ValidationException', 'PendingWindowInDays must be between 7 and 30');
  }
  return window;
}

export const scheduleKeyDeletion = defineOperation({
  name: 'ScheduleKeyDeletion',
  readOnly: false,
  resolve: (input: ScheduleKeyDeletionInput, context, keys) =>
    onKey('kms:ScheduleKeyDeletion', input.KeyId, 'keyOnly', context, keys, {
      'kms:ScheduleKeyDeletionPendingWindowInDays': String(input.PendingWindowInDays ?? 30),
    }),
  async handle(input, key, _context, keys) {
    const window = pendingWindow(input.PendingWindowInDays);
    const now = keys.now();
    const updated = await changeKey(keys, key, (current) => scheduledForDeletion(current, now, window));
    return {
      KeyId: arnOf(updated),
      DeletionDate: epochSeconds(updated.deletionDate ?? now),
      KeyState: updated.state,
      PendingWindowInDays: window,
    };
  },
});
