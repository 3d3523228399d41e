// Input splitting: every line is read by exactly one split, wherever the boundaries fall —
// in particular a boundary exactly at the start of a line (the byte before it a newline),
// which once gave that line to both splits (`cohort bench compute` found a count off by one).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSplit, splitFile } from './split.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-split-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readSplit', () => {
  const text = 'ab\ncd\n\nefg\nh\nij';
  const file = path.join(dir, 'lines.txt');
  fs.writeFileSync(file, text);

  it.each([1, 2, 3, 4, 5, 7, 16])('gives each line to one of %i splits', (m) => {
    const parts = splitFile(text.length, m).map((s) => readSplit(file, s.start, s.end));
    expect(parts.join('')).toBe(text);
  });

  it('gives a line starting at a boundary to the split that starts there', () => {
    // Byte 3 starts 'cd': [0, 3) holds 'ab\n' only, [3, 7) starts with 'cd'.
    expect(readSplit(file, 0, 3)).toBe('ab\n');
    expect(readSplit(file, 3, 7)).toBe('cd\n\n');
    expect(readSplit(file, 7, text.length)).toBe('efg\nh\nij');
    // A boundary inside a line: the line goes to the split it starts in.
    expect(readSplit(file, 0, 4)).toBe('ab\ncd\n');
    expect(readSplit(file, 4, 7)).toBe('\n');
  });
});
