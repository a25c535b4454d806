import { enabled } from '../keys/key-state.js';
import { keyStateChange } from './key-state-change.js';

export const enableKey = keyStateChange('EnableKey', 'kms:EnableKey', enabled);
