import { ROLE } from './principal-kinds.js';
import { tagPrincipal } from './tag-operations.js';

export const tagRole = tagPrincipal(ROLE);
