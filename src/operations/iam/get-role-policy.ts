import { getInlinePolicy } from './inline-policy-operations.js';
import { ROLE } from './principal-kinds.js';

export const getRolePolicy = getInlinePolicy(ROLE);
