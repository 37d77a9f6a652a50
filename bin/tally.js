#!/usr/bin/env node
// The CLI runs from the compiled output; `npm run build` (part of install and test) produces it.
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tally is not built yet: run `npm run build` first.\n');
    process.exit(1);
  }
  throw err;
});
