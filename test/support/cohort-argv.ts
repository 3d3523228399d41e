// How integration tests start the `cohort` CLI: from source through tsx, so they test the
// code in the tree without a build.

import path from 'node:path';

export const COHORT_ARGV: readonly string[] = [
  process.execPath,
  '--import',
  'tsx',
  path.resolve(import.meta.dirname, '../../src/cli/main.ts'),
];
