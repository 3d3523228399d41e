// `cohort partition` from the shell, through the CLI from source: the analysis (load per
// node, keys moved) as text and JSON, key → node lines equal to the library's mapping, Redis
// slots, every subcommand's help with examples, and bad input as one line with exit 2.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createPartitioner, type PartitionReport } from '../src/cluster/partition/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(NODE, [...NODE_ARGS, 'partition', ...args], { encoding: 'utf8' });
}

function json<T>(...args: string[]): T {
  const out = cohort(...args, '--json');
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout) as T;
}

describe('cohort partition <scheme>', () => {
  it('prints the load per node and the keys a new node takes', () => {
    const out = cohort(
      'ring',
      '--nodes',
      'a,b,c',
      '--vnodes',
      '100',
      '--keys',
      '20000',
      '--add',
      'd',
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^ring: 20000 keys on 3 nodes \(hash md5, 100 vnodes/);
    expect(out.stdout).toMatch(/^add d: \d+ keys moved \(\d+\.\d+%\)$/m);
    expect(out.stdout).toMatch(/max\/mean \d\.\d{3}/);
  });

  it('--json: a ring moves only what the new node takes; mod-N moves most keys', () => {
    const ring = json<PartitionReport>('ring', '--nodes', 'a,b,c', '--keys', '20000', '--add', 'd');
    expect(ring.before.perNode.reduce((a, l) => a + l.keys, 0)).toBe(20000);
    expect(ring.movement?.movedFraction).toBeCloseTo(ring.movement?.minimalFraction ?? -1, 10);
    const modn = json<PartitionReport>('modn', '--nodes', 'a,b,c', '--keys', '20000', '--add', 'd');
    expect(modn.movement?.movedFraction).toBeGreaterThan(0.7);
  });

  it('slots prints the slot moves of the rebalance', () => {
    const out = json<PartitionReport & { slotMoves: { source: string; count: number }[] }>(
      'slots',
      '--nodes',
      'm1,m2,m3',
      '--keys',
      '5000',
      '--add',
      'm4',
    );
    expect(out.movement?.slotsMoved).toBe(4096);
    expect(out.slotMoves.map((m) => [m.source, m.count])).toEqual([
      ['m1', 1365],
      ['m2', 1366],
      ['m3', 1365],
    ]);
  });

  it("maps given keys, one 'key<TAB>node' line each, as the library does", () => {
    const keys = ['user:1', 'user:2', 'ключ', '{tag}x'];
    for (const scheme of ['modn', 'ring', 'ketama', 'jump', 'rendezvous'] as const) {
      const out = cohort(scheme, '--nodes', 'a,b,c', ...keys);
      expect(out.status).toBe(0);
      const p = createPartitioner({ scheme }, { names: ['a', 'b', 'c'] });
      expect(out.stdout).toBe(keys.map((k) => `${k}\t${p.nodeFor(k)}\n`).join(''));
    }
    const slots = cohort('slots', '--nodes', 'a,b,c', 'foo');
    expect(slots.stdout).toBe('foo\t12182\tc\n');
  });

  it("'-' maps the lines of standard input, as ketama clients of memcached would", () => {
    const nodes = ['127.0.0.1:11211', '127.0.0.1:11212', '127.0.0.1:11213'];
    const keys = ['user:1', 'session:ab', 'ключ', ''];
    const out = spawnSync(
      NODE,
      [...NODE_ARGS, 'partition', 'ketama', '--nodes', nodes.join(','), '--weights', '1,2,1', '-'],
      { encoding: 'utf8', input: `${keys.join('\r\n')}\n` },
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const p = createPartitioner({ scheme: 'ketama' }, { names: nodes, weights: [1, 2, 1] });
    expect(out.stdout).toBe(keys.map((k) => `${k}\t${p.nodeFor(k)}\n`).join(''));
    const hashed = cohort('ketama', '--nodes', 'a,b', '--hash', 'sha1', 'k');
    expect([hashed.status, hashed.stderr.trim().split('\n').length]).toEqual([2, 1]);
  });

  it('--scheme S maps the keys given, or else the lines of standard input', () => {
    const nodes = ['m1', 'm2', 'm3'];
    const viaStdin = spawnSync(
      NODE,
      [...NODE_ARGS, 'partition', '--scheme', 'slots', '--nodes', nodes.join(',')],
      { encoding: 'utf8', input: 'foo\n{user1000}.following\n' },
    );
    expect(viaStdin.stderr).toBe('');
    expect(viaStdin.stdout).toBe('foo\t12182\tm3\n{user1000}.following\t3443\tm1\n');
    const p = createPartitioner({ scheme: 'ketama' }, { names: nodes });
    const given = cohort('--scheme', 'ketama', '--nodes', nodes.join(','), 'k1', 'k2');
    expect(given.stdout).toBe(`k1\t${p.nodeFor('k1')}\nk2\t${p.nodeFor('k2')}\n`);
    for (const bad of [['--scheme', 'nope', '--nodes', 'a'], []]) {
      const out = cohort(...bad);
      expect([out.status, out.stderr.trim().split('\n').length]).toEqual([2, 1]);
    }
  });

  it('compare puts every scheme in one table', () => {
    const rows = json<{ label: string }[]>(
      'compare',
      '--nodes',
      'a,b,c,d',
      '--keys',
      '5000',
      '--remove',
      'b',
    );
    expect(rows.map((r) => r.label)).toEqual([
      'modn',
      'ring, 1 vnode',
      'ring, 100 vnodes',
      'ketama',
      'jump',
      'rendezvous',
      'slots',
    ]);
  });
});

describe('cohort partition slot', () => {
  it("prints Redis's slots, hash tags included", () => {
    const out = cohort('slot', 'foo', '{user1000}.following', '{user1000}.followers');
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('foo\t12182\n{user1000}.following\t3443\n{user1000}.followers\t3443\n');
    const rows = json<{ key: string; slot: number; node: string }[]>(
      'slot',
      'foo',
      '--nodes',
      'a,b,c',
    );
    expect(rows).toEqual([{ key: 'foo', slot: 12182, node: 'c' }]);
  });
});

describe('help and bad input', () => {
  it.each([['--help'], ['ring', '--help'], ['slot', '--help'], ['compare', '--help']])(
    'cohort partition %s shows examples',
    (...args) => {
      const out = cohort(...args);
      expect(out.status).toBe(0);
      expect(out.stdout).toContain('Examples:');
      expect(out.stdout).toContain('cohort partition ring --nodes a,b,c');
    },
  );

  it.each([
    [[], /give --scheme .* or a subcommand/],
    [['ring'], /--nodes is required/],
    [['ring', '--nodes', ''], /empty name/],
    [['jump', '--nodes', 'a,a'], /appears twice/],
    [['rendezvous', '--nodes', 'a,b', '--weights', '1,0'], /weight 0/],
    [['modn', '--nodes', 'a,b', '--weights', '1,2'], /no weights/],
    [['ring', '--nodes', 'a', '--keys', '0'], /--keys/],
    [['ring', '--nodes', 'a,b', '--add', 'c', '--remove', 'a'], /not both/],
    [['ring', '--nodes', 'a,b', '--remove', 'z'], /not a node/],
    [['ring', '--nodes', 'a', '--hash', 'crc'], /--hash/],
    [['jump', '--nodes', 'a', '--vnodes', '3'], /--vnodes is for ring/],
    [['ring', '--nodes', 'a', '--add', 'b', 'key1'], /no keys/],
    [['slot'], /missing required argument/],
    [['frob'], /unknown 'partition' subcommand/],
  ])('cohort partition %j', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(message);
  });
});
