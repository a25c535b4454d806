import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const syncsDirectories = process.platform !== 'win32';

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a secret file readable by its owner only, atomically and durably: readers see no file or the whole
 * file, and it survives a crash once this resolves. The content goes to a fresh temporary file (created
 * exclusively, so a planted file or symlink is never written through) that is fsynced, then moved into
 * place and the directory fsynced. `once`: hard-link instead of rename, which fails when the target exists,
 * so two processes can never overwrite each other; returns false when another got there first.
 */
export async function writePrivateFile(
  path: string,
  content: Buffer | string,
  mode: 'once' | 'replace',
): Promise<boolean> {
  const dir = dirname(path);
  const temporary = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    if (mode === 'replace') await rename(temporary, path);
    else await link(temporary, path);
  } catch (error) {
    if (mode === 'once' && errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    if (mode === 'once') await unlink(temporary);
  }
  if (syncsDirectories) await fsyncPath(dir);
  return true;
}
