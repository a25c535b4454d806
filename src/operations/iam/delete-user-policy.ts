import { deleteInlinePolicy } from './inline-policy-operations.js';
import { USER } from './principal-kinds.js';

export const deleteUserPolicy = deleteInlinePolicy(USER);
