import { putInlinePolicy } from './inline-policy-operations.js';
import { ROLE } from './principal-kinds.js';

export const putRolePolicy = putInlinePolicy(ROLE);
