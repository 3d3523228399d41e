import { describe, expect, it } from 'vitest';
import type { ClusterView, NodeView } from '../../../core/algorithm.js';
import { Prng } from '../../../core/prng.js';
import type { Storage } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { tokenRing } from './index.js';
import { atMostOneToken } from './invariants.js';
import { parseTokenRingMessage, type RingToken, type TokenRingMessage } from './messages.js';
import { tokenRingConfig } from './options.js';
import type { E, TokenRingOutput, TokenRingState } from './state.js';
import { createTokenRing } from './token-ring.js';

const scenario = (name: string) => {
  const s = tokenRing.scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return simulate(tokenRing, {
    faults: s.faults,
    trace: 'full',
    ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
    ...(s.options !== undefined && { options: s.options }),
  });
};

interface Outputs {
  readonly outputs: readonly { node: number; atMs: number; output: { type: string } }[];
}

const outputsOf = (sim: Outputs, type: string) => sim.outputs.filter((o) => o.output.type === type);

describe('mutex/token-ring without faults', () => {
  // Notes 001 §2.1: the holder enters if it wants, else passes the token on. At full load
  // every hop ends in an entry — one Token and one TokenAck per entry — except the first lap,
  // in which each node only collects the lease evidence it needs to enter on the next.
  it.each([3, 5, 9])('costs one hop (2 messages) per entry at full load (n=%i)', (n) => {
    const { result } = simulate(tokenRing, { nodes: n, seed: 2 * n, options: { thinkMs: 1 } });
    const entries = n * 5;
    const passes = result.metrics.tokenPasses as number;
    expect(result.ok).toBe(true);
    expect(result.metrics.csEntries).toBe(entries);
    expect(result.messages.sent).toBe(2 * passes);
    expect(passes).toBeGreaterThanOrEqual(entries);
    expect(passes).toBeLessThanOrEqual(entries + n);
    expect(result.metrics.regenerations).toBe(0);
  });

  // At low load the token keeps circulating between requests (the notes: it wastes
  // messages when idle). Hops per entry ≈ T / (hop · entries) for a run of length T, a hop
  // taking passDelayMs plus a latency of 1..10 ms — at least a full lap (n hops) per entry.
  it.each([3, 5, 9])('circulates idly at low load: ≥ n hops per entry (n=%i)', (n) => {
    const options = { thinkMs: 2_000, requests: 3 };
    const { result, sim } = simulate(tokenRing, { nodes: n, seed: n, options, durationMs: 20_000 });
    const entries = n * 3;
    const passes = result.metrics.tokenPasses as number;
    const lastExitMs = Math.max(...outputsOf(sim, 'exit').map((o) => o.atMs));
    expect(result.ok).toBe(true);
    expect(result.messages.sent).toBe(2 * passes);
    expect(passes / entries).toBeGreaterThanOrEqual(n);
    expect(passes).toBeLessThanOrEqual(lastExitMs / (5 + 1) + n);
    expect(passes).toBeGreaterThanOrEqual((lastExitMs - entries * 19) / (5 + 10 + 1));
  });

  it('is fair: every node enters once per lap at full load', () => {
    const { sim } = simulate(tokenRing, { nodes: 5, seed: 3, options: { thinkMs: 1 } });
    const order = outputsOf(sim, 'enter').map((o) => o.node);
    expect(order).toHaveLength(25);
    expect([...order.slice(0, 5)].sort()).toEqual([1, 2, 3, 4, 5]);
    for (let i = 5; i < order.length; i++) expect(order[i]).toBe(order[i - 5]);
  });
});

describe('mutex/token-ring scenarios', () => {
  it('regenerates a crashed holder’s token exactly once and closes the ring over it', () => {
    const { result, sim } = scenario('holder-crash-regenerates');
    expect(result.ok).toBe(true);
    expect(result.metrics.regenerations).toBe(1);
    const holder = sim.nodes
      .map((n) => n.state as TokenRingState | undefined)
      .find((s) => s?.token);
    expect(holder?.token?.ring).not.toContain(3);
  });

  // Whoever dies for good — the holder, or a node the token must pass — the survivors agree
  // on exactly one new generation and all finish.
  it.each([3, 5, 9])('regenerates exactly once after any one node dies (n=%i)', (n) => {
    for (let seed = 1; seed <= 10; seed++) {
      const faults = `crash ${1 + (seed % n)} @${100 + seed * 7}`;
      const options = { thinkMs: 5, requests: 20 };
      const { result } = simulate(tokenRing, { nodes: n, seed, faults, options });
      expect(result.ok).toBe(true);
      expect(result.metrics.regenerations).toBe(1);
    }
  });

  it('skips a crashed successor and takes it back when it returns', () => {
    const { result, sim } = scenario('successor-crash-repairs-ring');
    expect(result.ok).toBe(true);
    expect(result.metrics.regenerations).toBeGreaterThanOrEqual(1);
    const afterRestart = outputsOf(sim, 'enter').filter((o) => o.node === 4 && o.atMs > 2_500);
    expect(afterRestart.length).toBeGreaterThan(0);
  });

  it('spends hundreds of messages per entry on an idle ring', () => {
    const { result } = scenario('idle-ring-wastes-messages');
    expect(result.ok).toBe(true);
    expect(result.metrics.passesPerEntry as number).toBeGreaterThan(50);
  });

  it('issues the repaired ring’s token only after the cut-off holder has left', () => {
    const { result, sim } = scenario('isolated-holder-waits-out-lease');
    expect(result.ok).toBe(true);
    const [regen] = outputsOf(sim, 'regenerate');
    const exit5 = outputsOf(sim, 'exit').find((o) => o.node === 5);
    expect(regen?.node).toBe(4);
    expect(regen!.atMs).toBeGreaterThan(exit5!.atMs);
  });

  it('keeps the token through a holder crash-restart (durable token, no regeneration)', () => {
    // Node 1 holds generation 0 from the start; it crashes before passing it on.
    const { result } = simulate(tokenRing, { faults: 'crash 1 @2; restart 1 @60' });
    expect(result.ok).toBe(true);
    expect(result.metrics.regenerations).toBe(0);
  });

  it('loses and doubles nothing on a lossy, duplicating network', () => {
    const { result } = scenario('lossy-network');
    expect(result.ok).toBe(true);
    expect(result.messages.dropped).toBeGreaterThan(0);
    expect(result.messages.duplicated).toBeGreaterThan(0);
  });

  it('breaks mutual exclusion outside its fault model (pause > maxPauseMs)', () => {
    const { result } = scenario('long-pause-breaks-lease');
    const broken = result.invariants.filter((c) => !c.holds).map((c) => c.name);
    expect(broken).toContain('mutual exclusion: at most one node in the critical section');
    // The pause (3 s) is outside the declared model, so the fuzzer never draws it.
    const model = tokenRing.faultModel?.(resolveOptions(tokenRing, {}));
    expect(model?.maxPauseMs).toBe(200);
  });
});

describe('at most one token (the predicate)', () => {
  const token = (gen: number): RingToken => ({ gen, hop: 0, ring: [1, 2], log: [], done: [] });
  const node = (id: number, state: Partial<TokenRingState>): NodeView<TokenRingState> => ({
    id,
    up: true,
    paused: false,
    incarnation: 0,
    state: { inCS: false, token: null, handoff: null, ...state } as TokenRingState,
  });
  const view = (nodes: NodeView<TokenRingState>[]) =>
    ({ nowMs: 0, nodes, outputs: [], stats: {} }) as unknown as ClusterView<
      TokenRingState,
      TokenRingOutput
    >;

  it('holds for one holder plus a sender still waiting for its ack', () => {
    const check = atMostOneToken();
    const sending = node(1, { token: token(0), handoff: { to: 2, attempts: 1 } });
    expect(check.check(view([sending, node(2, { token: token(0) })]))).toBeUndefined();
  });

  it('fails for two holders of the newest generation', () => {
    const check = atMostOneToken();
    expect(check.check(view([node(1, { token: token(4) }), node(2, { token: token(4) })]))).toMatch(
      /both hold/,
    );
  });

  it('fails for a node inside with an older generation than one already issued', () => {
    const check = atMostOneToken();
    const old = node(1, { token: token(3), inCS: true });
    expect(check.check(view([old, node(2, { token: token(7) })]))).toMatch(/inside without/);
  });
});

describe('peer input', () => {
  // A process driven by hand; malformed messages are refused by the parser (the host drops them).
  function harness() {
    const sent: { to: number; m: TokenRingMessage }[] = [];
    const data = new Map<string, unknown>();
    const storage: Storage = {
      get: <T>(k: string) => data.get(k) as T | undefined,
      set: (k, v) => void data.set(k, v),
      delete: (k) => void data.delete(k),
      keys: () => [...data.keys()].sort(),
    };
    const env: E = {
      id: 2,
      nodes: [1, 2, 3],
      peers: [1, 3],
      now: () => 0,
      send: (to, m) => void sent.push({ to, m }),
      broadcast: (m) => void sent.push({ to: 1, m }, { to: 3, m }),
      setTimer: () => undefined,
      cancelTimer: () => undefined,
      random: new Prng(1),
      storage,
      output: () => undefined,
      note: () => undefined,
    };
    const options = { requests: 1, holdMs: 10, thinkMs: 10, passDelayMs: 5, maxPauseMs: 200 };
    const p = createTokenRing(tokenRingConfig(3, options), 2);
    p.onStart(env);
    return { p, env, sent };
  }

  it.each([
    [
      'a ring naming node 9',
      { type: 'Token', token: { gen: 0, hop: 1, ring: [1, 9], log: [], done: [] } },
    ],
    ['a negative hop', { type: 'TokenAck', gen: 0, hop: -1 }],
    ['a missing field', { type: 'Prepare', gen: 3 }],
    ['an unknown type', { type: 'Grant' }],
  ])('refuses %s (the host drops it before the process sees it)', (_label, m) => {
    expect(parseTokenRingMessage(m, 3)).toBeUndefined();
  });

  it('acknowledges a duplicate hand-off again without taking a second token', () => {
    const { p, env, sent } = harness();
    const m: TokenRingMessage = {
      type: 'Token',
      token: { gen: 0, hop: 1, ring: [1, 2, 3], log: [{ node: 1, hop: 0 }], done: [] },
    };
    p.onMessage(env, 1, m);
    p.onTimer(env, 'pass'); // Hands it to node 3.
    p.onMessage(env, 1, m); // The network duplicated the first hand-off.
    expect(sent.filter((s) => s.m.type === 'TokenAck').map((s) => s.to)).toEqual([1, 1]);
    expect(sent.filter((s) => s.m.type === 'Token').map((s) => s.to)).toEqual([3]);
    expect(p.state.token?.hop).toBe(2); // Still the one copy, in flight to node 3.
  });
});

// Each seed below once failed the fuzzer; the comment says what was wrong.
const regressions: [number, number, string[], Record<string, number>][] = [
  // Hearsay "alive" replies echoed between probers forever after the token died.
  [
    5,
    317429975,
    [
      'drop 0.069103 @0..3000',
      'partition 1,5|2,3,4 @0..1656',
      'block 4,5->1,2,3 @1117..1581',
      'block 1,2,3->4,5 @1767..2916',
    ],
    {},
  ],
  // A token issued to a sub-majority ring could never give a lease, and was never rebuilt.
  [3, 1, ['partition 2|1,3 @664..868', 'block 1->2,3 @190..921'], {}],
  // Found with the two above, fixed by the same changes.
  [
    9,
    1793670102,
    [
      'dup 0.002083 @0..3000',
      'reorder 0.040242 @0..3000',
      'crash 1 @6; restart 1 @1016',
      'partition 1,2,3,4,5,8|6,7,9 @0..1211',
      'crash 2 @296; restart 2 @1333',
      'partition 2,5,6|1,3,4,7,8,9 @1340..2199',
    ],
    {},
  ],
  // A probe decided on a majority of "lost" before the parked holder's "alive" arrived.
  [
    9,
    2103828941,
    [
      'drop 0.000001 @0..3000',
      'delay 1..176 @0..3000',
      'crash 9 @7; restart 9 @8',
      'drift 4 -8722ppm',
    ],
    {},
  ],
  // A node restarted after being dropped from the ring waited a whole lost-timeout.
  [9, 1, ['crash 1 @171; restart 1 @1378'], { requests: 3, holdMs: 100 }],
  // A withdrawn generation number was proposed again; a lost Promise read as "stale".
  [
    9,
    2147483633,
    [
      'reorder 0.146147 @0..3000',
      'crash 1 @1679; restart 1 @2988',
      'crash 7 @430; restart 7 @3000',
    ],
    { requests: 3, holdMs: 60, thinkMs: 20 },
  ],
  [
    9,
    351265546,
    ['drop 0.045065 @0..3000', 'partition 6,7,9|1,2,3,4,5,8 @1478..2119'],
    { requests: 3, holdMs: 100 },
  ],
  // Sightings of a token known dead kept it "alive"; slow links read as dead successors.
  [
    9,
    1933035126,
    ['reorder 0.005995 @0..3000', 'delay 1..171 @0..3000'],
    { requests: 3, holdMs: 100 },
  ],
  [
    5,
    1,
    [
      'block 2,4->1,3,5 @931..2670',
      'crash 2 @0; restart 2 @823',
      'crash 4 @2670; restart 4 @2671',
      'drift 3 -8743ppm',
    ],
    { requests: 3, holdMs: 100 },
  ],
  // A lost Withdraw left a promise standing, and it killed the live token.
  [
    9,
    1008655848,
    [
      'drop 0.153292 @0..3000',
      'dup 0.000001 @0..3000',
      'block 1,2,9->3,4,5,6,7,8 @691..1444',
      'drift 1 +31702ppm',
    ],
    { requests: 3, holdMs: 100 },
  ],
];

describe('mutex/token-ring under random faults', () => {
  it('keeps mutual exclusion and one token, and serves everyone after heal', () => {
    expect(fuzz(tokenRing, { runs: 1000, seed: 11 }).failures).toEqual([]);
  });

  // Long critical sections make leases matter: a cut-off holder may still be inside when
  // the others regenerate, so the new token must wait out its lease.
  it('stays safe when critical sections are long (leases doing the work)', () => {
    const options = { holdMs: 100, requests: 3 };
    expect(fuzz(tokenRing, { runs: 1000, seed: 12, options }).failures).toEqual([]);
    expect(fuzz(tokenRing, { runs: 300, seed: 13, nodes: 9, options }).failures).toEqual([]);
  });

  it.each(regressions)('regression: n=%i seed %i', (nodes, seed, faults, options) => {
    const { result } = simulate(tokenRing, { nodes, seed, faults: faults.join('; '), options });
    expect(result.ok).toBe(true);
  });
});
