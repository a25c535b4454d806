import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

type FileHandle = fs.FileHandle;

/**
 * The file-system calls the trail makes, and nothing else: tests wrap the default to inject ENOSPC or EIO
 * on any one of them, to count fdatasyncs, or to hold a sync open.
 */
export interface AuditFiles {
  open(path: string, flags: 'r' | 'r+' | 'w' | 'wx'): Promise<FileHandle>;
  /** Writes at `position`; may write fewer bytes than asked (see writeAll). */
  write(file: FileHandle, data: Uint8Array, position: number): Promise<number>;
  fdatasync(file: FileHandle): Promise<void>;
  fsync(file: FileHandle): Promise<void>;
  ftruncate(file: FileHandle, length: number): Promise<void>;
  close(file: FileHandle): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  /** Creates the directory and its parents (mode 0700) if they do not exist. */
  mkdir(path: string): Promise<void>;
  stat(path: string): Promise<{ readonly size: number }>;
  unlink(path: string): Promise<void>;
}

export const nodeFiles: AuditFiles = {
  open: (path, flags) => fs.open(path, flags, 0o600),
  // A write into the page cache is quick, and handing it to the thread pool costs more than it does (a thread
  // woken, and the event loop woken again before the fdatasync can be sent): it is made on the calling thread.
  write: async (file, data, position) => writeSync(file.fd, data, 0, data.length, position),
  fdatasync: (file) => file.datasync(),
  fsync: (file) => file.sync(),
  ftruncate: (file, length) => file.truncate(length),
  close: (file) => file.close(),
  rename: (from, to) => fs.rename(from, to),
  readdir: (path) => fs.readdir(path),
  readFile: (path) => fs.readFile(path),
  mkdir: async (path) => {
    await fs.mkdir(path, { recursive: true, mode: 0o700 });
  },
  stat: (path) => fs.stat(path),
  unlink: (path) => fs.unlink(path),
};

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** readdir that treats a directory that does not exist (yet) as empty. */
export async function listDirectory(files: AuditFiles, path: string): Promise<string[]> {
  try {
    return await files.readdir(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

export async function exists(files: AuditFiles, path: string): Promise<boolean> {
  try {
    await files.stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** A short write is not an error: keep writing the rest until every byte is down. */
export async function writeAll(files: AuditFiles, file: FileHandle, data: Uint8Array, position: number) {
  let written = 0;
  while (written < data.length) {
    written += await files.write(file, data.subarray(written), position + written);
  }
}

/** Makes the directory entries created or renamed in `dir` durable (not possible, nor needed, on Windows). */
export async function syncDirectory(files: AuditFiles, dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await files.open(dir, 'r');
  try {
    await files.fsync(handle);
  } finally {
    await files.close(handle);
  }
}

/**
 * Replaces `path` atomically and durably: readers see the old file or the whole new one, never a part, and
 * the new one survives a crash once this resolves. The temporary file is created exclusively and cleaned up
 * when anything fails.
 */
export async function writeFileDurably(files: AuditFiles, path: string, content: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temporary = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await files.open(temporary, 'wx');
  try {
    try {
      await writeAll(files, handle, content, 0);
      await files.fsync(handle);
    } finally {
      await files.close(handle);
    }
    await files.rename(temporary, path);
  } catch (error) {
    await files.unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(files, dir);
}
