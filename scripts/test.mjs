// Runs every *.test.ts under src/, test/ and bench/ with node:test through tsx. Node 20's --test does not
// expand globs itself (Node 22 does), so the files are listed here. Extra arguments pass through to node.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = ['src', 'test', 'bench'].flatMap(testFiles).sort();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...process.argv.slice(2), ...files],
  { stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
