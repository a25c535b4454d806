import { arnOf } from '../keys/arn.js';
import type { EncryptionContext } from '../keys/key-service.js';
import type { KeyRecord } from '../keys/records.js';
import type { AccessRequest, ConditionValues } from './definition.js';

type ConditionEntries = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Condition keys by lowercase name; absent values are left out, so `Null` and `...IfExists` see them
 * missing. Names that differ only in case (an encryption context with both `project` and `Project`) merge
 * their values: IAM matches key names case-insensitively, so the request carries both values, and a
 * condition on a key with several values fails closed rather than seeing only the last one.
 */
export function conditionValues(entries: ConditionEntries): ConditionValues {
  const values = new Map<string, readonly string[]>();
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), ...(typeof value === 'string' ? [value] : value)]);
  }
  return values;
}

/**
 * kms:EncryptionContext:<key> for every pair (the key part matched case-insensitively, values as given) and
 * kms:EncryptionContextKeys, as AWS supplies them to Encrypt, Decrypt, ReEncrypt and GenerateDataKey*.
 */
export function encryptionContextConditions(context: EncryptionContext | undefined): ConditionEntries {
  const entries: Record<string, string | readonly string[]> = {};
  const pairs = Object.entries(context ?? {});
  for (const [name, value] of pairs) entries[`kms:EncryptionContext:${name}`] = value;
  if (pairs.length > 0) entries['kms:EncryptionContextKeys'] = pairs.map(([name]) => name);
  return entries;
}

/** aws:RequestTag/<key> for each tag and aws:TagKeys, for operations that add tags. */
export function requestTagConditions(tags: readonly { TagKey: string; TagValue: string }[]): ConditionEntries {
  const entries: Record<string, string | readonly string[]> = {};
  for (const tag of tags) entries[`aws:RequestTag/${tag.TagKey}`] = tag.TagValue;
  if (tags.length > 0) entries['aws:TagKeys'] = tags.map((tag) => tag.TagKey);
  return entries;
}

/**
 * One action on a key: the key policy decides, with the key's own condition keys and the request's; grants
 * on the key may allow what the policy does not (within their constraints on `encryptionContext`).
 */
export function keyAccess(
  action: AccessRequest['action'],
  key: KeyRecord,
  extra: ConditionEntries = {},
  encryptionContext?: EncryptionContext,
): AccessRequest {
  return {
    action,
    resource: arnOf(key),
    keyPolicy: key.policy,
    grantable: { key, encryptionContext },
    conditions: conditionValues({
      'kms:KeySpec': key.keySpec,
      'kms:KeyUsage': key.keyUsage,
      'kms:KeyOrigin': key.origin,
      'kms:MultiRegion': String(key.multiRegion),
      ...extra,
    }),
  };
}
