import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOrCreateRootKey, ROOT_KEY_FILE_NAME, RootKeyError, rootKeyCheckValue } from './root-key.js';

const posix = process.platform !== 'win32';
const directories: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trent-root-key-'));
  directories.push(dir);
  return dir;
}

after(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadOrCreateRootKey', () => {
  it('creates a 32-byte key stored as hex with mode 0600, and loads the same key again', async () => {
    const dir = await freshDir();
    const created = await loadOrCreateRootKey(dir, { create: true });
    assert.equal(created.created, true);
    assert.equal(created.key.length, 32);
    const path = join(dir, ROOT_KEY_FILE_NAME);
    assert.equal(await readFile(path, 'latin1'), `${created.key.toString('hex')}\n`);
    if (posix) assert.equal((await stat(path)).mode & 0o777, 0o600);
    const loaded = await loadOrCreateRootKey(dir, { create: true });
    assert.deepEqual(loaded, { key: created.key, created: false });
    assert.deepEqual(await readdir(dir), [ROOT_KEY_FILE_NAME], 'no temporary file left behind');
  });

  it('creates the data directory when it does not exist', async () => {
    const dir = join(await freshDir(), 'nested', 'data');
    assert.equal((await loadOrCreateRootKey(dir, { create: true })).created, true);
  });

  it('refuses a missing root key when create is false', async () => {
    const dir = await freshDir();
    await assert.rejects(
      loadOrCreateRootKey(dir, { create: false }),
      (error) => error instanceof RootKeyError && /no root key at .*root\.key/.test(error.message),
    );
    assert.deepEqual(await readdir(dir), [], 'nothing created');
  });

  it('gives every concurrent creator the same key', async () => {
    const dir = await freshDir();
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateRootKey(dir, { create: true })));
    assert.equal(results.filter((result) => result.created).length, 1);
    for (const result of results) assert.deepEqual(result.key, results[0]!.key);
  });

  it('refuses a root key readable by group or others', {
    skip: posix ? false : 'file modes are POSIX only',
  }, async () => {
    const dir = await freshDir();
    await loadOrCreateRootKey(dir, { create: true });
    for (const mode of [0o640, 0o604, 0o660]) {
      await chmod(join(dir, ROOT_KEY_FILE_NAME), mode);
      await assert.rejects(
        loadOrCreateRootKey(dir, { create: false }),
        (error) => error instanceof RootKeyError && error.message.includes(`mode 0${mode.toString(8)}`),
      );
    }
  });

  it('accepts a read-only 0400 root key', { skip: posix ? false : 'file modes are POSIX only' }, async () => {
    const dir = await freshDir();
    const { key } = await loadOrCreateRootKey(dir, { create: true });
    await chmod(join(dir, ROOT_KEY_FILE_NAME), 0o400);
    assert.deepEqual((await loadOrCreateRootKey(dir, { create: false })).key, key);
  });

  it('accepts a CRLF line ending and refuses anything but exactly 64 hex digits', async () => {
    const dir = await freshDir();
    const path = join(dir, ROOT_KEY_FILE_NAME);
    const hex = 'ab'.repeat(32);
    await writeFile(path, `${hex}\r\n`, { mode: 0o600 });
    assert.deepEqual((await loadOrCreateRootKey(dir, { create: false })).key, Buffer.from(hex, 'hex'));
    for (const content of [
      '',
      hex.slice(2),
      `${hex}00`,
      `${hex.slice(2)}zz`,
      hex.toUpperCase(),
      ` ${hex}`,
      `${hex}\n\n`,
      'x'.repeat(1000),
    ]) {
      await writeFile(path, content, { mode: 0o600 });
      await assert.rejects(loadOrCreateRootKey(dir, { create: true }), RootKeyError, JSON.stringify(content));
    }
  });

  it('refuses a root key path that is a directory', async () => {
    const dir = await freshDir();
    await loadOrCreateRootKey(join(dir, ROOT_KEY_FILE_NAME), { create: true });
    await assert.rejects(loadOrCreateRootKey(dir, { create: false }), /not a regular file/);
  });
});

describe('rootKeyCheckValue', () => {
  it('is stable for a key, differs between keys, and does not contain the key', () => {
    const key = Buffer.alloc(32, 5);
    assert.equal(rootKeyCheckValue(key), rootKeyCheckValue(Buffer.from(key)));
    assert.notEqual(rootKeyCheckValue(key), rootKeyCheckValue(Buffer.alloc(32, 6)));
    assert.match(rootKeyCheckValue(key), /^[0-9a-f]{64}$/);
    assert.ok(!rootKeyCheckValue(key).includes(key.toString('hex')));
  });

  it('pins the derivation: HKDF-SHA256(key, no salt, "trent/root-key-check/v1")', () => {
    // Computed independently: Python hmac, PRK = HMAC(32 zero bytes, key), OKM = HMAC(PRK, info || 0x01).
    assert.equal(
      rootKeyCheckValue(Buffer.alloc(32, 0)),
      '5dcc399642fec9cb56799100cddc9d6eb8b778ff87c4bb1015ae0b7f10dcb94a',
    );
  });
});
