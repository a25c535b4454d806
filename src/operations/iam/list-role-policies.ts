import { listInlinePolicies } from './inline-policy-operations.js';
import { ROLE } from './principal-kinds.js';

export const listRolePolicies = listInlinePolicies(ROLE);
