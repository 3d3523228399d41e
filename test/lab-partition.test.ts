// The Lab's partitioning view shows `cohort partition compare`'s figures: for the same inputs
// the page's computation (web/src/partition-compare.ts, run here in Node) and the command
// (from source, --json) give the same rows — labels, order, load per node, max/mean,
// stddev/mean, keys moved, expected and least possible fractions — for an added node, a
// removed one from the middle (jump's costly case), weights and another hash. The URL's p.*
// parameters read back as written, and bad ones fall back to the defaults.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  compareArgv,
  compareSchemes,
  DEFAULT_INPUT,
  type PartitionInput,
  readPartitionInput,
} from '../web/src/partition-compare.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const run = promisify(execFile);

async function cliCompare(input: PartitionInput): Promise<unknown> {
  const [node, ...args] = COHORT_ARGV;
  const { stdout } = await run(node as string, [...args, ...compareArgv(input), '--json'], {
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(stdout);
}

const cases: [string, PartitionInput][] = [
  ['the default: 5 nodes, add n6', DEFAULT_INPUT],
  [
    'remove n3 of 7, 40 vnodes',
    { ...DEFAULT_INPUT, nodes: 7, vnodes: 40, change: 'remove', remove: 3 },
  ],
  [
    'weights 1,2,1,3, remove n2, fnv1a, 1,000 keys',
    {
      ...DEFAULT_INPUT,
      nodes: 4,
      weights: [1, 2, 1, 3],
      keys: 1_000,
      hash: 'fnv1a',
      change: 'remove',
      remove: 2,
    },
  ],
];

describe('the partitioning view computes what cohort partition compare prints', () => {
  it.each(cases)('%s', async (_, input) => {
    const rows = compareSchemes(input);
    if (rows instanceof Error) throw rows;
    const page = JSON.parse(
      JSON.stringify(rows.map((r) => ({ label: r.label, report: r.report }))),
    );
    expect(page).toEqual(await cliCompare(input));
    // Every row measured the change, and the weighted case kept only the weighted schemes.
    expect(rows.every((r) => r.report.movement !== undefined)).toBe(true);
    const schemes = rows.map((r) => r.scheme);
    if (input.weights !== undefined)
      expect(schemes).toEqual(['ring', 'ring', 'ketama', 'rendezvous']);
    else expect(schemes).toEqual(['modn', 'ring', 'ring', 'ketama', 'jump', 'rendezvous', 'slots']);
  });

  it("returns the library's error for inputs it refuses", () => {
    const wrong = compareSchemes({ ...DEFAULT_INPUT, weights: [1, 2] });
    expect(wrong).toBeInstanceOf(Error);
    expect((wrong as Error).message).toBe('2 weights for 5 nodes');
    const only = compareSchemes({ ...DEFAULT_INPUT, nodes: 1, change: 'remove', remove: 1 });
    expect((only as Error).message).toBe('cannot remove the only node');
  });
});

describe("the view's inputs in the URL", () => {
  it('reads p.* parameters, and falls back to the defaults on bad ones', () => {
    expect(
      readPartitionInput(
        '?view=partition&p.nodes=9&p.weights=1,2.5,1&p.vnodes=7&p.keys=1000&p.hash=sha1&p.change=remove&p.remove=4',
      ),
    ).toEqual({
      nodes: 9,
      weights: [1, 2.5, 1],
      vnodes: 7,
      keys: 1000,
      hash: 'sha1',
      change: 'remove',
      remove: 4,
    });
    expect(
      readPartitionInput('?p.nodes=0&p.weights=x&p.vnodes=-1&p.keys=7&p.hash=crc&p.change=z'),
    ).toEqual(DEFAULT_INPUT);
    expect(readPartitionInput('?p.nodes=1e9')).toEqual(DEFAULT_INPUT);
  });
});
