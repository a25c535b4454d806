import type { InlinePolicyRecord, PageRequest, Tag } from './port.js';

/** IAM's rules that every adapter applies the same way, so that they agree on what is taken and what is too big. */

/** User and role names are unique, found and listed regardless of case: every lookup and cursor folds through this. */
export const nameKey = (name: string): string => name.toLowerCase();

/** Users and roles are listed by lowercase name; a cursor given in another case still resumes where it should. */
export const nameCursor = (page: PageRequest): PageRequest => ({
  limit: page.limit,
  after: page.after === undefined ? undefined : nameKey(page.after),
});

/** How IAM measures a policy against its aggregate size limits: characters (code points), whitespace not counted. */
export function policyChars(document: string): number {
  let chars = 0;
  for (const character of document) if (!/\s/u.test(character)) chars += 1;
  return chars;
}

/**
 * The principal's inline policies together once `policy` is put among `existing`: a policy of the same name
 * is replaced, so it stops counting.
 */
export function inlinePolicyCharsAfterPut(existing: readonly InlinePolicyRecord[], policy: InlinePolicyRecord): number {
  return existing
    .filter((other) => other.policyName !== policy.policyName)
    .reduce((total, other) => total + policyChars(other.document), policyChars(policy.document));
}

/** How many tags a key or principal ends with once `tags` are put over its `existingKeys`: overwrites count once. */
export function tagCountAfterPut(existingKeys: Iterable<string>, tags: readonly Tag[]): number {
  return new Set([...existingKeys, ...tags.map((tag) => tag.TagKey)]).size;
}
