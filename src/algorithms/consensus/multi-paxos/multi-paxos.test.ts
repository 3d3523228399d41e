import { describe, expect, it } from 'vitest';
import { nodeIds } from '../../../core/process.js';
import { fuzz } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import { KvMachine, UNBOUNDED_SESSIONS } from '../../replicated-kv/machine.js';
import { applyCommand } from './command.js';
import { multiPaxos } from './index.js';
import type { MultiPaxosState } from './state.js';

describe('consensus/multi-paxos', () => {
  // Phase 1 once for the leadership, then Accept + Accepted to the n−1 others per slot.
  it.each([4, 7, 10])('sends 2(n−1) per leadership + 2(n−1) per slot (n=%i)', (n) => {
    const { result } = simulate(multiPaxos, { nodes: n, seed: n });
    expect(result.ok).toBe(true);
    const slots = 5 * n; // Five commands per client, one client per node, no no-ops.
    expect(result.metrics).toMatchObject({ rounds: 1, chosen: slots, commands: slots, noops: 0 });
    expect(result.messages.byType.Prepare).toBe(n - 1);
    expect(result.messages.byType.Promise).toBe(n - 1);
    expect(result.messages.byType.Accept).toBe((n - 1) * slots);
    expect(result.messages.byType.Accepted).toBe((n - 1) * slots);
    expect(result.messageCount).toMatchObject({ expected: 2 * (n - 1) * (1 + slots) });
  });

  it('executes a retried command once and answers it with the first result', () => {
    const kv = new KvMachine(UNBOUNDED_SESSIONS);
    const put = (client: number, seq: number, value: string) =>
      ({ kind: 'client', client, seq, op: { kind: 'put', key: 'x', value } }) as const;
    expect(applyCommand(kv, put(1, 1, 'a'))).toBeNull();
    expect(applyCommand(kv, put(2, 1, 'b'))).toBe('a'); // A put answers the previous value.
    expect(applyCommand(kv, put(1, 1, 'a'))).toBeNull(); // The retry: the first answer again.
    expect(kv.get('x')).toBe('b');
    expect(applyCommand(kv, put(2, 2, 'c'))).toBe('b');
    expect(applyCommand(kv, put(2, 1, 'b'))).toBeNull(); // Stale: no effect, answered null.
    const get = { kind: 'client', client: 1, seq: 2, op: { kind: 'get', key: 'x' } } as const;
    expect(applyCommand(kv, get)).toBe('c');
    // Sessions never expire here, so a client's first command seen may have any seq.
    expect(applyCommand(kv, put(3, 7, 'd'))).toBe('c');
    expect(applyCommand(kv, { kind: 'noop' })).toBeNull();
    expect(kv.get('x')).toBe('d');
  });

  // §3: a new leader fills a slot no acceptor of its quorum accepted with a no-op.
  it('fills the gap of a lost Accept with a no-op after the leader crashes', () => {
    const options = resolveOptions(multiPaxos, {});
    const ctx = { nodes: nodeIds(5), options, seed: 1 };
    const sim = new Simulator({
      seed: 1,
      nodes: 5,
      create: (id) => multiPaxos.create(id, ctx),
      invariants: multiPaxos.invariants(ctx),
    });
    sim.start();
    let gap: number | undefined;
    let t = 0;
    for (; t < 3_000; t += 0.5) {
      sim.runUntil(t);
      const leader = sim.nodes.find(
        (n) => (n.state as MultiPaxosState | undefined)?.role === 'leader',
      );
      const s = leader?.state as MultiPaxosState | undefined;
      if (leader === undefined || s === undefined) continue;
      if (gap === undefined) {
        // Lose every Accept of the first slot the leader proposes…
        for (const slot of s.inflight.keys()) {
          const lost = sim.dropInFlight(
            (_f, _t, m) => m.type === 'Accept' && (m as { slot?: number }).slot === slot,
          );
          if (lost > 0) gap = slot;
        }
      } else if (s.chosen.has(gap + 1)) {
        // …and crash the leader once the next slot is chosen, before it re-sends.
        sim.inject({ kind: 'crash', node: leader.id, atMs: t });
        break;
      }
    }
    expect(gap).toBeDefined();
    sim.runUntil(t + 3_000);
    expect(sim.violation).toBeUndefined();
    const metrics = multiPaxos.metrics?.(sim, ctx);
    // The crashed leader's own client stays down: the four others complete all 20 commands.
    expect(metrics).toMatchObject({ noops: 1, commands: 20, rounds: 2 });
    const survivor = sim.nodes.find((n) => n.up)?.state as MultiPaxosState;
    expect(survivor.chosen.get(gap as number)).toEqual({ kind: 'noop' });
  });

  it('keeps every slot single-valued and the history linearizable under random faults', () => {
    expect(fuzz(multiPaxos, { runs: 1000, seed: 23 }).failures).toEqual([]);
  });
});
