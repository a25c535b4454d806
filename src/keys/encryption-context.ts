/**
 * The canonical byte encoding of an encryption context, authenticated as part of a ciphertext's AAD:
 *
 *   u32 BE pair count, then for each pair sorted bytewise by the key's UTF-8:
 *   u32 BE length + UTF-8 key, u32 BE length + UTF-8 value
 *
 * Every field is length-prefixed so that {"ab":"c"} and {"a":"bc"} differ (moto and local-kms concatenate
 * without lengths, and collide), and sorting makes the encoding independent of the order the client sent.
 * No context and an empty context encode the same, as AWS treats them the same.
 */
import { lengthPrefixed, u32, utf8 } from '../shared/bytes.js';
import { needs } from '../shared/needs.js';

/** With the u flag, a surrogate half matches only when it is unpaired. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function wellFormedUtf8(text: string): Buffer {
  // A lone surrogate would encode as U+FFFD, so two different contexts could share an encoding.
  needs(!LONE_SURROGATE.test(text), 'encryption context keys and values must be well-formed Unicode');
  return utf8(text);
}

export function encodeEncryptionContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).map(
    ([key, value]) => [wellFormedUtf8(key), wellFormedUtf8(value)] as const,
  );
  pairs.sort(([a], [b]) => Buffer.compare(a, b));
  return Buffer.concat([
    u32(pairs.length),
    ...pairs.flatMap(([key, value]) => [lengthPrefixed(key), lengthPrefixed(value)]),
  ]);
}
