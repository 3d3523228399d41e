// The determinism lint rules (biome.json's override for src/algorithms/**, and the
// Math.random GritQL plugin) must reject wall-clock time, real timers, ambient I/O and
// unseeded randomness in algorithm code, and only there.
//
// Note: `biome lint --stdin-file-path=…` (Biome 2.6.8) prints no diagnostics and exits 1
// even for clean input ("The contents aren't fixed"), so it cannot tell the two paths
// apart. Instead each fixture is written into a scratch project that carries a copy of the
// repository's biome.json and plugin, at the path under test, and linted there.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const biome = join(repo, 'node_modules', '.bin', 'biome');
let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cohort-lint-'));
  const config = JSON.parse(readFileSync(join(repo, 'biome.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete config.$schema;
  writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
  mkdirSync(join(scratch, 'lint'));
  copyFileSync(
    join(repo, 'lint', 'no-math-random.grit'),
    join(scratch, 'lint', 'no-math-random.grit'),
  );
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

interface Lint {
  readonly status: number | null;
  readonly categories: string[];
}

function lint(path: string, code: string): Lint {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  try {
    const out = spawnSync(biome, ['lint', '--reporter=json', path], {
      cwd: scratch,
      encoding: 'utf8',
    });
    const report = JSON.parse(out.stdout) as { diagnostics: { category: string }[] };
    return { status: out.status, categories: report.diagnostics.map((d) => d.category) };
  } finally {
    rmSync(file);
  }
}

const cases: [string, string, string][] = [
  ['Math.random()', 'export const x = Math.random();\n', 'plugin'],
  ['Date.now()', 'export const t = Date.now();\n', 'lint/style/noRestrictedGlobals'],
  [
    'setTimeout',
    'export function arm(): void {\n  setTimeout(() => {}, 1);\n}\n',
    'lint/style/noRestrictedGlobals',
  ],
  ['process.env', 'export const home = process.env.HOME;\n', 'lint/style/noRestrictedGlobals'],
  [
    "import fs from 'node:fs'",
    "import fs from 'node:fs';\n\nexport const read = fs.readFileSync;\n",
    'lint/style/noRestrictedImports',
  ],
];

describe('determinism lint', () => {
  it('accepts clean algorithm code', () => {
    const result = lint('src/algorithms/clock/fixture.ts', 'export const x = 1;\n');
    expect(result.categories).toEqual([]);
    expect(result.status).toBe(0);
  });

  it.each(cases)('rejects %s in src/algorithms', (_label, code, rule) => {
    const result = lint('src/algorithms/clock/fixture.ts', code);
    expect(result.status).not.toBe(0);
    expect(result.categories).toContain(rule);
  });

  it.each(cases)('allows %s in src/cli', (_label, code, rule) => {
    const result = lint('src/cli/fixture.ts', code);
    expect(result.categories).not.toContain(rule);
    expect(result.status).toBe(0);
  });
});
