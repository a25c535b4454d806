import { disabled } from '../keys/key-state.js';
import { keyStateChange } from './key-state-change.js';

export const disableKey = keyStateChange('DisableKey', 'kms:DisableKey', disabled);
