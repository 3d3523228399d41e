// Escape sequences only on a colour terminal: a TTY, NO_COLOR unset or empty, TERM not dumb.

import { describe, expect, it } from 'vitest';
import { colours, mark, progress, table } from './format.js';

describe('colours', () => {
  it.each<[boolean | undefined, NodeJS.ProcessEnv, boolean]>([
    [true, {}, true],
    [true, { NO_COLOR: '' }, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '0' }, false],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
    [undefined, {}, false],
  ])('isTTY %s, env %j → %s', (isTTY, env, expected) => {
    expect(colours(isTTY === undefined ? {} : { isTTY }, env)).toBe(expected);
  });
});

describe('rendering', () => {
  it('marks in colour only when asked', () => {
    expect(mark(true, false)).toBe('✓');
    expect(mark(false, false)).toBe('✗');
    expect(mark(true, true)).toBe('\u001b[32m✓\u001b[39m');
  });

  it('aligns tables by what shows on screen, escape sequences aside', () => {
    const plain = table(['a', 'b'], [[mark(true, false), 'x']]);
    const coloured = table(['a', 'b'], [[mark(true, true), 'x']]);
    expect(coloured.replaceAll('\u001b[32m', '').replaceAll('\u001b[39m', '')).toBe(plain);
  });

  it('writes progress only to a colour terminal', () => {
    const written: string[] = [];
    const write = (text: string) => written.push(text);
    const pipe = progress({ isTTY: false, write }, {});
    pipe.update('1 run');
    pipe.done();
    expect(written).toEqual([]);
    const plain = progress({ isTTY: true, write }, { NO_COLOR: '1' });
    plain.update('1 run');
    plain.done();
    expect(written).toEqual([]);
    const tty = progress({ isTTY: true, write }, {});
    tty.update('1 run');
    tty.done();
    expect(written).toEqual(['\r\u001b[K1 run', '\r\u001b[K']);
  });
});
