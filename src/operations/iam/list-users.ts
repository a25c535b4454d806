import { listPrincipals } from './list-principals.js';
import { USER } from './principal-kinds.js';

export const listUsers = listPrincipals(USER);
