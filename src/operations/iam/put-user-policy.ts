import { putInlinePolicy } from './inline-policy-operations.js';
import { USER } from './principal-kinds.js';

export const putUserPolicy = putInlinePolicy(USER);
