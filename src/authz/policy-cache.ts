import type { PolicyDocument } from './policy.js';
import { type PolicyKind, parseStoredPolicy } from './policy-document.js';

/**
 * Parsed stored policies by kind and text: a changed policy is a different text, so nothing goes stale.
 * A text that no longer parses is remembered as null, which every decision reads as "allows nothing".
 */
const parsedByKind = new Map<PolicyKind, Map<string, PolicyDocument | null>>();
const CAPACITY = 1_000;

/** Looked up twice on every call to a key (resource conditions, decision): by kind, then by text, with no key string built. */
export function parsedPolicy(text: string, kind: PolicyKind): PolicyDocument | null {
  let parsed = parsedByKind.get(kind);
  if (parsed === undefined) {
    parsed = new Map();
    parsedByKind.set(kind, parsed);
  }
  const known = parsed.get(text);
  if (known !== undefined) return known;
  let document: PolicyDocument | null;
  try {
    document = parseStoredPolicy(text, kind);
  } catch {
    document = null;
  }
  if (parsed.size >= CAPACITY) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, document);
  return document;
}
