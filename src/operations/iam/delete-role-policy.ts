import { deleteInlinePolicy } from './inline-policy-operations.js';
import { ROLE } from './principal-kinds.js';

export const deleteRolePolicy = deleteInlinePolicy(ROLE);
