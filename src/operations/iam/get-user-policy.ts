import { getInlinePolicy } from './inline-policy-operations.js';
import { USER } from './principal-kinds.js';

export const getUserPolicy = getInlinePolicy(USER);
