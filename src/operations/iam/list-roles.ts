import { listPrincipals } from './list-principals.js';
import { ROLE } from './principal-kinds.js';

export const listRoles = listPrincipals(ROLE);
