import { queryError } from '../errors/catalogue.js';
import type { Tag } from '../persistence/port.js';

/** IAM's quota of tags on one user or role. */
export const MAX_TAGS_PER_PRINCIPAL = 50;

/**
 * IAM's rules for tags a request adds to a user or role beyond the shape's lengths and pattern: the `aws:`
 * prefix is AWS's own, and a key may not come twice, case aside (IAM user and role tag keys are not case
 * sensitive).
 */
export function checkNewTags(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const { TagKey } of tags) {
    const folded = TagKey.toLowerCase();
    if (folded.startsWith('aws:')) {
      throw queryError('InvalidInput', "Tag keys starting with 'aws:' are reserved for internal use.");
    }
    if (seen.has(folded)) {
      throw queryError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    }
    seen.add(folded);
  }
}

/**
 * The tags to store so that a key differing only in case from one the principal has replaces that tag's value
 * instead of adding a second tag, as IAM does: the stored key keeps the case it was first given.
 */
export function inStoredCase(existing: readonly Tag[], incoming: readonly Tag[]): Tag[] {
  const storedKeys = new Map(existing.map((tag) => [tag.TagKey.toLowerCase(), tag.TagKey]));
  return incoming.map((tag) => ({ ...tag, TagKey: storedKeys.get(tag.TagKey.toLowerCase()) ?? tag.TagKey }));
}
