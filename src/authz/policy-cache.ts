import type { PolicyDocument } from './policy.js';
import { type PolicyKind, parseStoredPolicy } from './policy-document.js';

/**
 * Parsed stored policies by kind and text: a changed policy is a different text, so nothing goes stale.
 * A text that no longer parses is remembered as null, which every decision reads as "allows nothing".
 */
const parsed = new Map<string, PolicyDocument | null>();
const CAPACITY = 1_000;

export function parsedPolicy(text: string, kind: PolicyKind): PolicyDocument | null {
  const id = `${kind}\u0000${text}`;
  const known = parsed.get(id);
  if (known !== undefined) return known;
  let document: PolicyDocument | null;
  try {
    document = parseStoredPolicy(text, kind);
  } catch {
    document = null;
  }
  if (parsed.size >= CAPACITY) parsed.delete(parsed.keys().next().value as string);
  parsed.set(id, document);
  return document;
}
