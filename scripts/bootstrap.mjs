#!/usr/bin/env node
// The README's two commands on a fresh clone with only Node installed:
//   npm start → install dependencies if missing, build if stale, run the main job;
//   npm test  → the same set-up, then typecheck, lint (Biome + import directions) and the
//               whole test suite — exactly what CI runs.
// Uses only Node built-ins, because it runs before `node_modules` exists.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, what) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.error !== undefined) {
    console.error(`cohort: ${what} could not start: ${r.error.message}`);
    process.exit(2);
  }
  if (r.status !== 0) {
    console.error(`cohort: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(path)) t = Math.max(t, newest(join(path, entry)));
  return t;
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (
    existsSync(marker) &&
    newest(marker) >= newest(lock) &&
    newest(marker) >= newest(join(root, 'package.json'))
  )
    return;
  console.error('cohort: installing dependencies…');
  // `npm install` rather than `npm ci`: the lock records only this platform's optional
  // binaries (Biome, esbuild), which `npm ci` rejects as out of sync.
  run(npm, ['install', '--no-audit', '--no-fund'], 'npm install');
}

function ensureBuild() {
  const stamp = join(root, 'dist', '.build-stamp');
  const sources = Math.max(
    newest(join(root, 'src')),
    newest(join(root, 'bench')),
    newest(join(root, 'tsconfig.build.json')),
  );
  if (existsSync(stamp) && newest(stamp) >= sources) return;
  console.error('cohort: building…');
  run(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    'build',
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

const [mode, ...rest] = process.argv.slice(2);
ensureDependencies();
ensureBuild();
const bin = (name, ...parts) => join(root, 'node_modules', name, ...parts);
if (mode === 'start') {
  run(
    process.execPath,
    [join(root, 'dist', 'src', 'cli', 'main.js'), 'tour', ...rest],
    'cohort tour',
  );
} else if (mode === 'test') {
  run(
    process.execPath,
    [bin('typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'],
    'typecheck',
  );
  run(process.execPath, [bin('@biomejs', 'biome', 'bin', 'biome'), 'check', '.'], 'lint (biome)');
  run(
    process.execPath,
    [
      bin('dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'src',
      'bench',
      '--config',
      '.dependency-cruiser.cjs',
    ],
    'lint (import directions)',
  );
  run(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', ...rest], 'tests');
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test [args…]');
  process.exit(2);
}
