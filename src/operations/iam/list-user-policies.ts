import { listInlinePolicies } from './inline-policy-operations.js';
import { USER } from './principal-kinds.js';

export const listUserPolicies = listInlinePolicies(USER);
