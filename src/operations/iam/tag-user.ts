import { USER } from './principal-kinds.js';
import { tagPrincipal } from './tag-operations.js';

export const tagUser = tagPrincipal(USER);
