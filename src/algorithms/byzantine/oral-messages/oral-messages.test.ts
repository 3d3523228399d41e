import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import type { GeneralsOptions, Strategy } from '../generals.js';
import { oralMessages } from './index.js';
import { isValidOrder } from './oral-messages.js';
import { decide, omMessageCount } from './paths.js';

/** The recursion as the paper states it: OM(m) sends n−1 orders, then each lieutenant runs
 *  OM(m−1) among the n−1 lieutenants. (Recursion is fine in a test.) */
function recursiveCount(n: number, m: number): number {
  if (n < 2) return 0;
  return m === 0 ? n - 1 : n - 1 + (n - 1) * recursiveCount(n - 1, m - 1);
}

const STRATEGIES: readonly Strategy[] = ['lie-half', 'invert', 'silent', 'random'];

function run(nodes: number, options: Record<string, unknown>) {
  return simulate(oralMessages, { nodes, options: options as never }).result;
}

describe('byzantine/oral-messages', () => {
  it.each([
    [4, 1, 9],
    [7, 1, 36],
    [7, 2, 156],
    [10, 1, 81],
    [10, 2, 585],
    [10, 3, 3609],
  ])('sends Σ (n−1)…(n−1−k) messages: n=%i, m=%i → %i', (n, m, total) => {
    expect(omMessageCount(n, m)).toBe(total);
    expect(recursiveCount(n, m)).toBe(total);
    const result = run(n, { m, traitors: [] });
    expect(result.ok).toBe(true);
    expect(result.messages.sent).toBe(total);
    expect(result.metrics.decision).toBe('attack');
  });

  // Every placement of up to m traitors, every strategy and order, with n = 3m+1: IC1 and
  // IC2 hold (the paper's Theorem 1).
  it.each([
    [4, 1],
    [7, 2],
  ])('keeps IC1 and IC2 for every ≤ m traitors when n = %i, m = %i', (n, m) => {
    const ids = nodeIds(n);
    const sets: number[][] = [[]];
    for (const a of ids) {
      sets.push([a]);
      if (m >= 2) for (const b of ids) if (b > a) sets.push([a, b]);
    }
    for (const traitors of sets) {
      for (const strategy of STRATEGIES) {
        for (const order of ['attack', 'retreat']) {
          const result = run(n, { m, traitors, strategy, order });
          expect(result.ok, `${traitors} ${strategy} ${order}`).toBe(true);
        }
      }
    }
  });

  it('cannot agree with 3 generals and 1 traitor (paper Fig. 1 and 2)', () => {
    const fig1 = run(3, { m: 1, traitors: [3], strategy: 'invert' });
    expect(fig1.invariants.find((c) => !c.holds)?.violation).toMatch(
      /^loyal lieutenant 2 obeys retreat; the loyal commander ordered attack/,
    );
    // Fig. 2: a traitor commander tells 2 "retreat" and 3 "attack". Each lieutenant sees
    // exactly what lieutenant 2 saw in Fig. 1, so none can tell whom to believe.
    const fig2 = run(3, { m: 1, traitors: [1], strategy: 'lie-half' });
    expect(fig2.metrics.decision).toBe('retreat');
  });

  // The premise is n > 3m AND at most m traitors: the default m = 1 with two traitors is
  // outside it, however many generals there are.
  it.each([
    [4, { traitors: [] }, true],
    [4, { traitors: [3] }, true],
    [4, { traitors: [2, 3] }, false],
    [7, { traitors: [2, 3] }, false],
    [7, { m: 2, traitors: [2, 3] }, true],
    [7, { m: 2, traitors: [1, 2, 3] }, false],
    [3, { traitors: [] }, false],
    [4, { traitors: [3, 3] }, true],
  ])('reports the premise: n=%i, %o → %s', (n, options, premise) => {
    expect(run(n, options).metrics.premise).toBe(premise);
  });

  it('evaluates the path tree as nested majorities (paper Fig. 3)', () => {
    // Lieutenant 2 of 4, OM(1): the commander said attack; 3 (a traitor) says retreat;
    // 4 says attack. majority(attack, retreat, attack) = attack.
    const received = { '1': 'attack', '1.3': 'retreat', '1.4': 'attack' } as const;
    expect(decide(received, nodeIds(4), 1, 2, 1)).toBe('attack');
    // Missing messages count as RETREAT (A3): only the commander spoke.
    expect(decide({ '1': 'attack' }, nodeIds(4), 1, 2, 1)).toBe('retreat');
  });

  it('rejects orders OM(m) cannot produce', () => {
    const opts = resolveOptions(oralMessages, { m: 1 }) as unknown as GeneralsOptions;
    const nodes = nodeIds(4);
    const ok = (path: number[], from: number, value = 'attack') =>
      isValidOrder({ type: 'Order', value: value as 'attack', path }, from, 2, nodes, opts);
    expect(ok([1], 1)).toBe(true);
    expect(ok([1, 3], 3)).toBe(true);
    expect(ok([1, 3], 4)).toBe(false); // The last relay must be the sender (A2).
    expect(ok([3], 3)).toBe(false); // Not from the commander.
    expect(ok([1, 2], 2)).toBe(false); // A path through the receiver itself.
    expect(ok([1, 3, 4], 4)).toBe(false); // Longer than m+1.
    expect(ok([1, 3, 3], 3)).toBe(false);
    expect(ok([1], 1, 'charge')).toBe(false);
  });

  it.each([
    [4, { m: 1, traitors: [1], strategy: 'lie-half' }],
    [4, { m: 1, traitors: [3], strategy: 'random' }],
    [7, { m: 2, traitors: [1, 4], strategy: 'random' }],
  ])('keeps IC1 and IC2 under its fault model (n=%i, %o)', (n, options) => {
    const runs = n === 4 ? 1000 : 300;
    expect(fuzz(oralMessages, { runs, seed: n, nodes: n, options }).failures).toEqual([]);
  });
});
