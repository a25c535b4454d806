// Runs every *.test.ts under src/, test/ and bench/ with node:test through tsx. Node 20's --test does not
// expand globs itself (Node 22 does), so the files are listed here. Extra arguments pass through to node.
// The tests keep their data dirs, trace logs and the secrets their clients saw in TRENT_TEST_ARTIFACTS (a fresh
// temp dir unless the caller names one); afterwards scripts/grep-secrets.mjs checks no secret leaked into them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Runs node with `args` and resolves with its exit code (1 if a signal ended it). */
function runNode(args, env) {
  return new Promise((resolve) => {
    spawn(process.execPath, args, { stdio: 'inherit', env }).on('exit', (code, signal) =>
      resolve(signal ? 1 : (code ?? 1)),
    );
  });
}

const ownArtifacts = !process.env.TRENT_TEST_ARTIFACTS;
const artifacts = process.env.TRENT_TEST_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'trent-test-artifacts-'));
const files = ['src', 'test', 'bench'].flatMap(testFiles).sort();
const testCode = await runNode(
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...process.argv.slice(2), ...files],
  { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, TRENT_TEST_ARTIFACTS: artifacts },
);
const grepCode = await runNode([join(import.meta.dirname, 'grep-secrets.mjs'), artifacts], process.env);
if (testCode === 0 && grepCode === 0) {
  if (ownArtifacts) rmSync(artifacts, { recursive: true, force: true });
} else {
  console.log(`test artifacts kept in ${artifacts}`);
}
process.exit(testCode || grepCode);
