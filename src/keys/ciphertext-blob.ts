/**
 * The ciphertext blob Encrypt returns and Decrypt accepts. The format is pinned forever (golden blobs in the
 * tests): a ciphertext written by any version of Trent must decrypt with every later one.
 *
 *   offset  field
 *   0       u8  format version = 0x01
 *   1       u16 BE length + UTF-8 key ARN
 *   ..      u32 BE backing-key version
 *   ..      u8  nonce length + nonce (store-defined; the software store: 16-byte salt || 12-byte IV)
 *   ..      ciphertext (the rest minus 16 bytes)
 *   ..      16-byte GCM tag
 *
 * The header says which key and version to use, so Decrypt needs no KeyId. It is authenticated through
 * blobAad, together with the encryption context.
 */
import type { Sealed } from '../keystores/port.js';
import { lengthPrefixed, u32, utf8 } from '../shared/bytes.js';
import { needs } from '../shared/needs.js';
import { encodeEncryptionContext } from './encryption-context.js';

export const BLOB_FORMAT_VERSION = 0x01;
const TAG_LENGTH = 16;
const MAX_KEY_ARN_LENGTH = 2048;
const MAX_NONCE_LENGTH = 255;
/** The largest CiphertextBlob AWS KMS accepts. */
export const MAX_BLOB_LENGTH = 6144;

export interface BlobHeader {
  keyArn: string;
  backingVersion: number;
}

export interface ParsedBlob extends BlobHeader {
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkedArn(header: BlobHeader): Buffer {
  const arn = utf8(header.keyArn);
  needs(arn.length >= 1 && arn.length <= MAX_KEY_ARN_LENGTH, `key ARN must be 1..${MAX_KEY_ARN_LENGTH} bytes`);
  needs(
    Number.isInteger(header.backingVersion) && header.backingVersion >= 0 && header.backingVersion <= 0xffffffff,
    'backing-key version must be a u32',
  );
  return arn;
}

export function serializeBlob(header: BlobHeader, sealed: Sealed): Buffer {
  const { nonce, ciphertext, tag } = sealed;
  needs(nonce.length >= 1 && nonce.length <= MAX_NONCE_LENGTH, `nonce must be 1..${MAX_NONCE_LENGTH} bytes`);
  needs(tag.length === TAG_LENGTH, `tag must be ${TAG_LENGTH} bytes`);
  const arn = checkedArn(header);
  const arnLength = Buffer.allocUnsafe(2);
  arnLength.writeUInt16BE(arn.length, 0);
  const blob = Buffer.concat([
    Buffer.of(BLOB_FORMAT_VERSION),
    arnLength,
    arn,
    u32(header.backingVersion),
    Buffer.of(nonce.length),
    nonce,
    ciphertext,
    tag,
  ]);
  needs(blob.length <= MAX_BLOB_LENGTH, `ciphertext blob must be at most ${MAX_BLOB_LENGTH} bytes`);
  return blob;
}

/** Reads a blob, checking every length before using it; the returned buffers are copies. */
export function parseBlob(blob: Uint8Array): ParsedBlob {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  needs(bytes.length <= MAX_BLOB_LENGTH, `ciphertext blob is longer than ${MAX_BLOB_LENGTH} bytes`);
  needs(bytes.length >= 1, 'ciphertext blob is empty');
  needs(bytes[0] === BLOB_FORMAT_VERSION, `unknown ciphertext blob format version ${bytes[0]}`);

  needs(bytes.length >= 3, 'ciphertext blob ends inside the key ARN length');
  const arnLength = bytes.readUInt16BE(1);
  needs(
    arnLength >= 1 && arnLength <= MAX_KEY_ARN_LENGTH,
    `key ARN length ${arnLength} is not 1..${MAX_KEY_ARN_LENGTH}`,
  );
  const arnEnd = 3 + arnLength;
  needs(bytes.length >= arnEnd + 4 + 1, 'ciphertext blob ends inside the key ARN, backing-key version or nonce length');
  let keyArn: string;
  try {
    keyArn = strictUtf8.decode(bytes.subarray(3, arnEnd));
  } catch {
    needs(false, 'key ARN is not valid UTF-8');
  }
  const backingVersion = bytes.readUInt32BE(arnEnd);

  const nonceLength = bytes.readUInt8(arnEnd + 4);
  needs(nonceLength >= 1, 'nonce is empty');
  const nonceStart = arnEnd + 5;
  const ciphertextStart = nonceStart + nonceLength;
  const tagStart = bytes.length - TAG_LENGTH;
  needs(tagStart >= ciphertextStart, 'ciphertext blob is too short for its nonce and tag');

  return {
    keyArn,
    backingVersion,
    nonce: Buffer.from(bytes.subarray(nonceStart, ciphertextStart)),
    ciphertext: Buffer.from(bytes.subarray(ciphertextStart, tagStart)),
    tag: Buffer.from(bytes.subarray(tagStart)),
  };
}

/**
 * The AAD a key store authenticates with the ciphertext: the framed header, then the encoded encryption
 * context. Moving a ciphertext to another key, version or context fails authentication.
 */
export function blobAad(header: BlobHeader, encryptionContext: Readonly<Record<string, string>> | undefined): Buffer {
  const framedHeader = Buffer.concat([
    Buffer.of(BLOB_FORMAT_VERSION),
    lengthPrefixed(checkedArn(header)),
    u32(header.backingVersion),
  ]);
  return Buffer.concat([lengthPrefixed(framedHeader), encodeEncryptionContext(encryptionContext)]);
}
