#!/usr/bin/env node
// The `trent` executable: runs the compiled CLI (npm install builds it through the prepare script).
import('../dist/cli/trent.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('trent: the build output is missing; run `npm install` (or `npm run build`) first.');
    process.exit(1);
  }
  throw error;
});
