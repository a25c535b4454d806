// Checks that no secret the tests' clients saw (<dir>/secrets.jsonl, written by test/support/trent.ts when
// TRENT_TEST_ARTIFACTS is set) appears in any log or audit file the tests left under <dir>.
// Usage: node scripts/grep-secrets.mjs <dir>. Exits 1 if any secret is found.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SECRETS_FILE = 'secrets.jsonl';
// The database holds sealed secrets and ciphertexts by design (data keys come out of the ciphertexts, access keys
// out of their sealed rows): only its plaintext neighbours — logs, audit trail, credential files — must be clean.
const DATABASE_SUFFIXES = ['.db', '.db-wal', '.db-shm'];

function readSecrets(dir) {
  const lines = readFileSync(join(dir, SECRETS_FILE), 'utf8').split('\n').filter(Boolean);
  const byBytes = new Map();
  for (const line of lines) {
    const { kind, encoding, value } = JSON.parse(line);
    const bytes = Buffer.from(value, encoding);
    byBytes.set(bytes.toString('hex'), { kind, bytes });
  }
  return [...byBytes.values()];
}

// Base64 forms use only the whole 3-byte groups, so that a secret embedded at an aligned offset of a longer
// base64 value is found too, not only one encoded alone with its padding.
function wholeGroups(bytes) {
  return bytes.subarray(0, bytes.length - (bytes.length % 3));
}

/** Each form a secret could be written in, as the bytes to look for. */
function secretForms({ kind, bytes }) {
  const hex = bytes.toString('hex');
  const forms = [
    ['utf8', bytes],
    ['base64', Buffer.from(wholeGroups(bytes).toString('base64'))],
    ['base64url', Buffer.from(wholeGroups(bytes).toString('base64url'))],
    ['hex', Buffer.from(hex)],
    ['HEX', Buffer.from(hex.toUpperCase())],
  ];
  const distinct = new Map(forms.map(([encoding, needle]) => [needle.toString('hex'), { kind, encoding, needle }]));
  return [...distinct.values()];
}

function scannedFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((path) => relative(dir, path) !== SECRETS_FILE)
    .filter((path) => !DATABASE_SUFFIXES.some((suffix) => path.endsWith(suffix)));
}

function findings(file, forms) {
  const content = readFileSync(file);
  return forms.filter((form) => content.indexOf(form.needle) !== -1).map((form) => ({ file, ...form }));
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/grep-secrets.mjs <dir>');
  process.exit(2);
}
const secrets = readSecrets(dir);
const forms = secrets.flatMap(secretForms);
const files = scannedFiles(dir);
const found = files.flatMap((file) => findings(file, forms));
for (const finding of found) {
  console.error(`secret found: ${relative(dir, finding.file)}: ${finding.kind} as ${finding.encoding}`);
}
console.log(`secret grep: ${secrets.length} secrets, ${files.length} files, ${found.length} found`);
process.exit(found.length > 0 ? 1 : 0);
