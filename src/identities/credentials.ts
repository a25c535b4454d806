import type { Random } from '../shared/random.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` and `length` random base-32 characters: the shape of AWS's identifiers (AKIA…, AIDA…, AROA…, ASIA…). */
export function newIdentifier(random: Random, prefix: string, length: number): string {
  return `${prefix}${Array.from(random.bytes(length), (byte) => BASE32[byte % 32]).join('')}`;
}

/** A long-term access key id shaped like AWS's: AKIA and 16 base-32 characters. */
export function newAccessKeyId(random: Random): string {
  return newIdentifier(random, 'AKIA', 16);
}

/** 40 characters, as AWS's secret access keys are (30 random bytes, base64). */
export function newSecretAccessKey(random: Random): string {
  return random.bytes(30).toString('base64');
}

/** The context an access key's secret is sealed under: a sealed secret moved to another key id fails to open. */
export function accessKeySecretContext(accessKeyId: string): string {
  return `trent/access-key-secret/${accessKeyId}`;
}
