import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatGolden, parseGolden } from './parse.js';
import { assertGoldenFile } from './runner.js';

const root = fileURLToPath(new URL('../../algorithms', import.meta.url));

function goldenFiles(): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.txt') && p.split(sep).includes('testdata'))
    .sort()
    .map((p) => join(root, p));
}

describe('golden scripts', () => {
  const files = goldenFiles();

  it('finds the testdata files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s', (_name, file) => {
    assertGoldenFile(file);
  });
});

describe('golden file format', () => {
  const text = [
    '# a comment',
    'tick 5 a=1',
    '----',
    'ok',
    '',
    '',
    '# spaced',
    'state',
    '----',
    '----',
    'one',
    '',
    'two',
    '----',
    '----',
    '',
    'heal',
    '----',
    'x',
    '',
  ].join('\n');

  it('parses commands, comments and both output forms', () => {
    const file = parseGolden(text);
    expect(file.blocks.map((b) => b.expected)).toEqual(['ok', 'one\n\ntwo', 'x']);
    expect(file.blocks[0]?.command).toEqual({ name: 'tick', args: ['5'], kv: { a: '1' } });
    expect(file.blocks[1]?.preamble).toEqual(['', '# spaced']);
    expect(file.blocks[2]?.line).toBe(17);
  });

  it('rewrites a file unchanged when the outputs are unchanged', () => {
    const file = parseGolden(text);
    expect(
      formatGolden(
        file,
        file.blocks.map((b) => b.expected),
      ),
    ).toBe(text);
  });

  it('switches to the double form when an output gains a blank line', () => {
    const file = parseGolden('tick 1\n----\nok\n');
    expect(formatGolden(file, ['a\n\nb'])).toBe('tick 1\n----\n----\na\n\nb\n----\n----\n');
  });
});
