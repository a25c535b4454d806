import { kmsError } from '../errors/catalogue.js';
import type { Tag } from '../persistence/port.js';

/** AWS's per-key tag limit. */
export const MAX_TAGS_PER_KEY = 50;

/** Rules AWS applies to tags beyond the shape's lengths: reserved prefix and no key twice in one request. */
export function checkNewTags(tags: readonly Tag[]): void {
  const seen = new Set<string>();
  for (const { TagKey } of tags) {
    if (TagKey.toLowerCase().startsWith('aws:'))
      throw kmsError('TagException', 'Tags beginning with aws: are reserved');
    if (seen.has(TagKey)) throw kmsError('TagException', `Duplicate tag keys: ${TagKey}`);
    seen.add(TagKey);
  }
}

export function tooManyTags() {
  return kmsError('LimitExceededException', `A key can have at most ${MAX_TAGS_PER_KEY} tags.`);
}

export function checkTagCount(count: number): void {
  if (count > MAX_TAGS_PER_KEY) throw tooManyTags();
}
