// The one option parser (CLI flags and the Lab's fields): values checked against their
// spec, unknown names and bad values refused with an OptionError naming the option as the
// user wrote it, and names looked up as own properties only.

import { describe, expect, it } from 'vitest';
import { type AnyAlgorithm, defineAlgorithm } from './algorithm.js';
import { OptionError, parseOptionArgs, parseOptionFields } from './option-parser.js';

const spec: AnyAlgorithm = defineAlgorithm({
  name: 'test/options',
  family: 'test',
  summary: 'options only',
  seed: '-',
  nodes: { default: 1, min: 1, max: 1 },
  durationMs: 1,
  livenessDeadlineMs: 1,
  options: {
    sendPercent: { kind: 'int', default: 50, min: 0, max: 100, description: 'p' },
    preVote: { kind: 'bool', default: false, description: 'b' },
    variant: { kind: 'choice', default: 'a', choices: ['a', 'b'], description: 'c' },
    zxids: { kind: 'ints', default: [0], description: 'l' },
  },
  create: () => {
    throw new Error('not run');
  },
  invariants: () => [],
  liveness: () => [],
  scenarios: [],
});

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('parseOptionArgs (the CLI form)', () => {
  it('reads --flag value, --flag=value, a bare bool, and lists', () => {
    expect(
      parseOptionArgs(spec, [
        '--send-percent',
        '30',
        '--variant=b',
        '--pre-vote',
        '--zxids',
        '1,2',
      ]),
    ).toEqual({ sendPercent: 30, variant: 'b', preVote: true, zxids: [1, 2] });
    expect(parseOptionArgs(spec, ['--pre-vote', 'false'])).toEqual({ preVote: false });
  });

  it.each<[string[], RegExp]>([
    [['--send-percent', '101'], /--send-percent for test\/options must be an integer in 0\.\.100/],
    [['--send-percent', ''], /integer in 0\.\.100, got ''/],
    [['--send-percent'], /option '--send-percent' needs a value/],
    [['--variant', 'c'], /must be one of a, b, got 'c'/],
    [['--pre-vote=maybe'], /--pre-vote must be true or false/],
    [['--zxids', '1,x'], /comma-separated list of integers/],
    [['--bogus', '1'], /unknown option '--bogus' .*its options: --send-percent, --pre-vote/],
    [['--to-string', '1'], /unknown option '--to-string'/],
    [['stray'], /unknown option 'stray'/],
  ])('refuses %j', (args, message) => {
    expect(refusal(() => parseOptionArgs(spec, args))).toMatch(message);
  });
});

describe('parseOptionFields (the Lab form)', () => {
  it('reads raw strings by option name; an empty field is the default', () => {
    expect(parseOptionFields(spec, { sendPercent: '7', variant: '', zxids: '3' })).toEqual({
      sendPercent: 7,
      zxids: [3],
    });
  });

  it('names the option as the Lab shows it, and knows only own option names', () => {
    expect(refusal(() => parseOptionFields(spec, { sendPercent: 'x' }))).toMatch(
      /^send-percent for test\/options must be an integer/,
    );
    for (const name of ['toString', '__proto__', 'constructor', 'bogus'])
      expect(refusal(() => parseOptionFields(spec, { [name]: '1' }))).toMatch(/unknown option/);
  });
});
