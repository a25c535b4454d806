/**
 * The root key of the software key store: 32 random bytes in `<dataDir>/root.key`, stored as 64 lowercase
 * hex digits and a newline (hex so that an operator can back it up by copy and paste; a trailing newline or
 * CRLF is tolerated on load, nothing else).
 *
 * The file must be readable by its owner only: loading refuses a file with any group or other permission
 * bit set (as ssh refuses a private key), rather than warn, because a key that others could read is a key
 * that may already be lost. On Kubernetes, mount the secret with `defaultMode: 0400`.
 *
 * The root key is only ever input keying material for HKDF: every use derives its own sub-key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { hkdfSha256 } from '../../crypto/hkdf.js';
import { utf8 } from '../../shared/bytes.js';
import { writePrivateFile } from '../../shared/private-file.js';

export const ROOT_KEY_FILE_NAME = 'root.key';
export const ROOT_KEY_LENGTH = 32;
const ROOT_KEY_TEXT = /^([0-9a-f]{64})(\r?\n)?$/;
/** Large enough for any well-formed file, small enough that a wrong path cannot make us read a huge one. */
const MAX_FILE_SIZE = 256;
const checksModes = process.platform !== 'win32';

/** The root key is missing, unreadable, malformed or exposed. The message says which and what to do. */
export class RootKeyError extends Error {
  override readonly name = 'RootKeyError';
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Returns undefined when the file does not exist; throws RootKeyError when it exists but cannot be used. */
async function readRootKey(path: string): Promise<Buffer | undefined> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new RootKeyError(`cannot open the root key ${path}: ${errorCode(error) ?? String(error)}`);
  }
  try {
    // fstat on the open descriptor, so the file checked is the file read.
    const stat = await file.stat();
    if (!stat.isFile()) throw new RootKeyError(`the root key ${path} is not a regular file`);
    if (checksModes && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new RootKeyError(
        `the root key ${path} has mode ${mode}: it must be readable by its owner only (chmod 600 ${path})`,
      );
    }
    if (stat.size > MAX_FILE_SIZE) throw new RootKeyError(`the root key ${path} is not 64 hex digits`);
    const match = ROOT_KEY_TEXT.exec((await file.readFile()).toString('latin1'));
    if (!match?.[1]) throw new RootKeyError(`the root key ${path} is not 64 hex digits`);
    return Buffer.from(match[1], 'hex');
  } finally {
    await file.close();
  }
}

export async function loadOrCreateRootKey(
  dataDir: string,
  options: { create: boolean },
): Promise<{ key: Buffer; created: boolean }> {
  const path = join(dataDir, ROOT_KEY_FILE_NAME);
  const existing = await readRootKey(path);
  if (existing) return { key: existing, created: false };
  if (!options.create) {
    throw new RootKeyError(
      `no root key at ${path}: restore it from your backup, or initialise a new data directory to create one`,
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(ROOT_KEY_LENGTH);
  // Created exclusively: two servers starting at once cannot overwrite each other's key.
  if (await writePrivateFile(path, `${key.toString('hex')}\n`, 'once')) {
    return { key, created: true };
  }
  key.fill(0);
  const theirs = await readRootKey(path);
  if (!theirs) throw new RootKeyError(`the root key ${path} vanished while it was being created`);
  return { key: theirs, created: false };
}

/**
 * A value derived from the root key that is safe to store beside the data it protects, so that the server
 * can tell "this is the wrong root key" from "there is no data yet" at start. HKDF output under its own
 * label reveals nothing about the key or about any other sub-key.
 */
export function rootKeyCheckValue(key: Uint8Array): string {
  return hkdfSha256(key, Buffer.alloc(0), utf8('trent/root-key-check/v1'), 32).toString('hex');
}
