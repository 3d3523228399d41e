import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import { paxos } from './index.js';
import type { PaxosMessage } from './messages.js';
import { type PaxosOptions, rolesOf } from './options.js';
import { isValidMessage } from './paxos.js';
import type { PaxosState } from './state.js';

type Step = readonly [from: number | undefined, to: number | undefined];

/** Delivers what is in flight from → to, step by step, as the golden scripts do. */
function learnedAfter(variant: string, steps: readonly Step[]): (number | null)[] {
  const options = resolveOptions(paxos, {
    variant,
    proposers: [1, 2],
    values: [8, 5],
    acceptors: [3, 4, 5],
  });
  const ctx = { nodes: nodeIds(5), options, seed: 1 };
  const sim = new Simulator({
    seed: 1,
    nodes: 5,
    create: (id) => paxos.create(id, ctx),
    invariants: paxos.invariants(ctx),
  });
  sim.start();
  for (const [from, to] of steps)
    sim.deliverInFlight(
      (f, t) => (from === undefined || f === from) && (to === undefined || t === to),
    );
  expect(sim.violation).toBeUndefined();
  return sim.nodes.map((n) => (n.state as PaxosState).learned);
}

// A = 1, B = 2, X, Y, Z = 3, 4, 5 (testdata/notes-example-*.txt prints the same runs).
const NOTES_ORDER: readonly Step[] = [
  [1, 3],
  [1, 4],
  [2, 5],
  [1, 5],
  [2, 3],
  [2, 4],
  [3, 1],
  [4, 1],
  [1, undefined],
  [undefined, 1],
  [3, 2],
  [4, 2],
  [2, undefined],
  [undefined, 2],
  [undefined, undefined],
];
const ACCEPT_FIRST: readonly Step[] = [
  [1, 3],
  [1, 4],
  [2, 5],
  [3, 1],
  [4, 1],
  [1, 3],
  [1, 4],
  [2, 3],
  [2, 4],
  [3, 2],
  [4, 2],
  [undefined, undefined],
  [undefined, undefined],
  [undefined, undefined],
];

describe('consensus/paxos', () => {
  // One uncontested ballot: n−1 each of Prepare, Promise, Accept, Accepted and Chosen.
  it.each([4, 7, 10])('sends 5(n−1) messages for one uncontested decision (n=%i)', (n) => {
    const { result } = simulate(paxos, { nodes: n, seed: n });
    expect(result.ok).toBe(true);
    expect(result.metrics.chosen).toBe(1);
    expect(result.metrics.rounds).toBe(1);
    expect(result.metrics.messagesPerDecision).toBe(5 * (n - 1));
    expect(result.messageCount).toMatchObject({ expected: 5 * (n - 1), measured: 5 * (n - 1) });
    for (const type of ['Prepare', 'Promise', 'Accept', 'Accepted', 'Chosen'])
      expect(result.messages.byType[type]).toBe(n - 1);
  });

  // SPEC §3 / note 003: the note's event order chooses 5 under Paxos, 8 in the note's model;
  // Paxos chooses 8 only when A's Accept reaches X and Y before B's Prepare.
  it.each([
    ['the note order', 'paxos', NOTES_ORDER, 5],
    ['the note order', 'seed-notes', NOTES_ORDER, 8],
    ["A's Accept before B's Prepare", 'paxos', ACCEPT_FIRST, 8],
  ] as const)('%s under %s: every node learns %i', (_order, variant, steps, value) => {
    expect(learnedAfter(variant, steps)).toEqual([value, value, value, value, value]);
  });

  it('chooses two different values in the note model, and one under Paxos (same run)', () => {
    const verdicts = (['seed-notes', 'paxos'] as const).map((variant) => {
      const options = resolveOptions(paxos, { variant, proposers: [1, 2] });
      const ctx = { nodes: nodeIds(5), options, seed: 1 };
      const sim = new Simulator({
        seed: 1,
        nodes: 5,
        create: (id) => paxos.create(id, ctx),
        invariants: paxos.invariants(ctx).filter((inv) => inv.name === 'one-value-chosen'),
      });
      sim.start();
      sim.runUntil(paxos.durationMs);
      return sim.violation?.violation;
    });
    expect(verdicts[0]).toMatch(/^1 was chosen in ballot 1\.2 and 2 in ballot 2\.1/);
    expect(verdicts[1]).toBeUndefined();
  });

  it('the fuzzer finds a safety violation in the note model', () => {
    const report = fuzz(paxos, {
      runs: 200,
      seed: 3,
      options: { variant: 'seed-notes', proposers: [1, 2, 3] },
    });
    expect(report.failures).toHaveLength(1);
    expect(['one-value-chosen', 'chosen-value-stable']).toContain(report.failures[0]?.check);
  });

  it('rejects malformed or misattributed peer messages', () => {
    const roles = rolesOf(
      nodeIds(5),
      resolveOptions(paxos, { acceptors: [3, 4, 5] }) as PaxosOptions,
    );
    const ballot = { round: 1, proposer: 2 };
    const cases: [PaxosMessage, number, boolean][] = [
      [{ type: 'Prepare', ballot, value: null }, 2, true],
      [{ type: 'Prepare', ballot, value: null }, 1, false], // Ballot of another proposer.
      [{ type: 'Prepare', ballot: { round: 0, proposer: 2 }, value: null }, 2, false],
      [{ type: 'Accept', ballot: { round: 1, proposer: 9 }, value: 1 }, 9, false],
      [{ type: 'Promise', ballot, accepted: null }, 3, true],
      [{ type: 'Promise', ballot, accepted: null }, 1, false], // Not an acceptor.
      [{ type: 'Accepted', ballot, value: 1.5 }, 4, false],
      [{ type: 'Chosen', value: Number.NaN }, 4, false],
    ];
    for (const [m, from, ok] of cases) expect(isValidMessage(m, from, 5, roles)).toBe(ok);
  });

  it('keeps all four safety checks and lets every node learn under random fault plans', () => {
    expect(fuzz(paxos, { runs: 1000, seed: 7 }).failures).toEqual([]);
  });

  it('stays safe and live with three duelling proposers under random fault plans', () => {
    const options = { proposers: [1, 2, 3] };
    expect(fuzz(paxos, { runs: 1000, seed: 11, options }).failures).toEqual([]);
  });
});
