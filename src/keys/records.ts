/** The key domain's records, as stored: operations name these types through the key room, not persistence. */
export type { AliasRecord, GrantConstraints, GrantRecord, KeyRecord, Scope, Tag } from '../persistence/port.js';
