// Issue 15's limits, kept: no file in src/ or web/ over 600 lines and no function there over
// 100 (tests included for files; functions counted in non-test code). Functions are found
// with the TypeScript parser — declarations, methods, arrows and function expressions —
// and measured from their first to their last line.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 100;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = [...sources(join(root, 'src')), ...sources(join(root, 'web'))];

function longFunctions(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (
      ts.isFunctionDeclaration(n) ||
      ts.isMethodDeclaration(n) ||
      ts.isArrowFunction(n) ||
      ts.isFunctionExpression(n)
    ) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (last - first + 1 > MAX_FUNCTION_LINES)
        found.push(`${relative(root, file)}:${first + 1} (${last - first + 1} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('size limits', () => {
  it(`no file in src/ or web/ is over ${MAX_FILE_LINES} lines`, () => {
    const long = files.filter(
      (f) => readFileSync(f, 'utf8').split('\n').length - 1 > MAX_FILE_LINES,
    );
    expect(long.map((f) => relative(root, f))).toEqual([]);
  });

  it(`no function in src/ or web/ is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files
      .filter((f) => !/\.test\.tsx?$/.test(f))
      .flatMap((f) => longFunctions(f, readFileSync(f, 'utf8')));
    expect(long).toEqual([]);
  });
});
