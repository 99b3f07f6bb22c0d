#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error(
      'cutover: not built yet; run `npm install` (or `npm run build`) in the cutover folder first.',
    );
    process.exit(70);
  }
  throw error;
});
