// Runs golden files from disk: compares each block's actual output with the expected one,
// or, with UPDATE_GOLDEN=1, rewrites the file with the actual outputs. The only golden
// module that touches the file system.

import { readFileSync, writeFileSync } from 'node:fs';
import { executeGolden } from './execute.js';
import { formatGolden, parseGolden } from './parse.js';

export interface Mismatch {
  readonly path: string;
  /** 1-based line of the command. */
  readonly line: number;
  readonly command: string;
  readonly expected: string;
  readonly actual: string;
}

function updating(): boolean {
  return process.env.UPDATE_GOLDEN === '1';
}

/** Returns the blocks whose output differs (none after an UPDATE_GOLDEN=1 rewrite). */
export function runGoldenFile(path: string): Mismatch[] {
  const text = readFileSync(path, 'utf8');
  const file = parseGolden(text);
  const actual = executeGolden(file);
  if (updating()) {
    const next = formatGolden(file, actual);
    if (next !== text) writeFileSync(path, next);
    return [];
  }
  return file.blocks.flatMap((block, i) => {
    const got = actual[i] ?? '';
    if (got === block.expected) return [];
    return [{ path, line: block.line, command: block.text, expected: block.expected, actual: got }];
  });
}

function diffLines(expected: string, actual: string): string[] {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === g) out.push(`  ${w}`);
    else {
      if (w !== undefined) out.push(`- ${w}`);
      if (g !== undefined) out.push(`+ ${g}`);
    }
  }
  return out;
}

export function formatMismatch(m: Mismatch): string {
  const header = `${m.path}:${m.line}: ${m.command}`;
  return [header, ...diffLines(m.expected, m.actual)].join('\n');
}

/** For tests: throws a readable line diff of every mismatch in the file. */
export function assertGoldenFile(path: string): void {
  const mismatches = runGoldenFile(path);
  if (mismatches.length === 0) return;
  const body = mismatches.map(formatMismatch).join('\n\n');
  throw new Error(
    `${mismatches.length} golden mismatch(es) (- expected, + actual; rerun with UPDATE_GOLDEN=1 to accept):\n\n${body}`,
  );
}
