/**
 * The last line of defence of the audit trail: whatever the recording rules let through, no member named like a
 * secret and no binary value reaches a record. AWS records no blob either (ciphertexts, data keys, signatures,
 * MACs, attestation documents), so dropping every one loses nothing CloudTrail would have shown.
 */

/**
 * Members whose value is, or carries, a secret: plaintexts and data keys, ciphertexts (CloudTrail omits them),
 * private keys and key material, import tokens, signatures and MACs, access-key secrets, session and grant
 * tokens, passwords and MFA codes. Compared without case or separators, so `Plaintext`, `plaintext` and
 * `plain_text` are all one name.
 */
const SECRET_MEMBER_NAMES: ReadonlySet<string> = new Set(
  [
    'Plaintext',
    'CiphertextBlob',
    'CiphertextForRecipient',
    'PrivateKeyPlaintext',
    'PrivateKeyCiphertextBlob',
    'SharedSecret',
    'KeyMaterial',
    'EncryptedKeyMaterial',
    'ImportToken',
    'Signature',
    'Mac',
    'SecretAccessKey',
    'RawSecretAccessKey',
    'SessionToken',
    'GrantToken',
    'GrantTokens',
    'Password',
    'NewPassword',
    'OldPassword',
    'KeyStorePassword',
    'TokenCode',
  ].map(normalized),
);

function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Member names recur on every record: each is normalised once (bounded, for names a client makes up). */
const verdicts = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 10_000;

export function isSecretMemberName(name: string): boolean {
  const known = verdicts.get(name);
  if (known !== undefined) return known;
  const secret = SECRET_MEMBER_NAMES.has(normalized(name));
  if (verdicts.size < MAX_REMEMBERED_NAMES) verdicts.set(name, secret);
  return secret;
}

/** Buffers, typed arrays and raw array buffers: the shapes a blob takes once the wire format is decoded. */
export function isBlob(value: unknown): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer;
}

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether withoutSecrets would keep all of `value` as it is: checked without copying, as a record nearly always is. */
function keepsWhole(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(keepsWhole) && !value.includes(undefined);
      if (!isPlainObject(value)) return false;
      for (const name of Object.keys(value)) {
        if (isSecretMemberName(name) || !keepsWhole(value[name])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * `value` without any member whose name is a secret's, at any depth, and without any blob. Anything that is not
 * plain JSON (class instances, functions) is dropped too: a record holds nothing a reviewer cannot read.
 * A value with nothing to drop comes back as it is.
 */
export function withoutSecrets(value: unknown): unknown {
  return keepsWhole(value) ? value : copyWithoutSecrets(value);
}

function copyWithoutSecrets(value: unknown): unknown {
  if (isBlob(value)) return undefined;
  if (Array.isArray(value)) return value.map(copyWithoutSecrets).filter((item) => item !== undefined);
  if (typeof value === 'object' && value !== null) {
    if (!isPlainObject(value)) return undefined;
    // fromEntries defines own members, so even a member named __proto__ stays data.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => !isSecretMemberName(name))
        .map(([name, member]) => [name, copyWithoutSecrets(member)])
        .filter(([, member]) => member !== undefined),
    );
  }
  return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? undefined : value;
}
