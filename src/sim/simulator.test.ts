import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../algorithms/registry.js';
import type { Invariant } from '../core/algorithm.js';
import type { Env, Message, NodeId, Output, Process } from '../core/process.js';
import { parseFaultPlan } from './fault-plan.js';
import { simulate } from './run.js';
import { Simulator } from './simulator.js';
import type { TraceRecord } from './trace.js';

interface Msg extends Message {
  readonly type: string;
  readonly seq?: number;
}

interface Received {
  readonly from: NodeId;
  readonly seq: number;
  readonly type: string;
  /** Virtual time of delivery, read from the simulator. */
  readonly atMs: number;
  /** The receiver's local clock at delivery. */
  readonly local: number;
}

interface RecvState {
  got: Received[];
}

type Create = (id: NodeId) => Process<Msg, Output, unknown>;

let current: Simulator | undefined;

function makeSim(
  create: Create,
  opts: { nodes?: number; faults?: string; seed?: number; invariants?: Invariant[] } = {},
): Simulator {
  const nodes = opts.nodes ?? 3;
  const sim = new Simulator({
    seed: opts.seed ?? 1,
    nodes,
    create,
    faults: parseFaultPlan(opts.faults ?? '', nodes),
    trace: 'full',
    ...(opts.invariants !== undefined && { invariants: opts.invariants }),
  });
  current = sim;
  return sim;
}

function run(
  create: Create,
  opts: { nodes?: number; faults?: string; seed?: number; untilMs?: number } = {},
): Simulator {
  const sim = makeSim(create, opts);
  sim.start();
  sim.runUntil(opts.untilMs ?? 2_000);
  return sim;
}

function record(env: Env<Msg>, state: RecvState, from: NodeId, m: Msg): void {
  state.got.push({
    from,
    seq: m.seq ?? 0,
    type: m.type,
    atMs: current!.nowMs,
    local: env.now(),
  });
}

function got(sim: Simulator, id: NodeId): Received[] {
  return (sim.node(id).state as RecvState).got;
}

function records<E extends TraceRecord['ev']>(sim: Simulator, ev: E): (TraceRecord & { ev: E })[] {
  return sim.trace.records.filter((r): r is TraceRecord & { ev: E } => r.ev === ev);
}

/** Node 1 sends `count` messages to node 2 at start; everyone records what it receives. */
function sender(count: number): Create {
  return (id) => {
    const state: RecvState = { got: [] };
    return {
      state,
      onStart(env) {
        if (id === 1) for (let seq = 0; seq < count; seq++) env.send(2, { type: 'Data', seq });
      },
      onMessage(env, from, m) {
        record(env, state, from, m);
      },
      onTimer() {},
    };
  };
}

/** Every node broadcasts once at each of `timesMs` (local clock), tagging the round. */
function broadcaster(timesMs: readonly number[]): Create {
  return () => {
    const state: RecvState = { got: [] };
    return {
      state,
      onStart(env) {
        for (const [i, t] of timesMs.entries()) env.setTimer(`round${i}`, t);
      },
      onMessage(env, from, m) {
        record(env, state, from, m);
      },
      onTimer(env, name) {
        env.broadcast({ type: 'Hi', seq: Number(name.slice('round'.length)) });
      },
    };
  };
}

function senders(sim: Simulator, id: NodeId, seq?: number): NodeId[] {
  return got(sim, id)
    .filter((r) => seq === undefined || r.seq === seq)
    .map((r) => r.from)
    .sort((a, b) => a - b);
}

describe('determinism', () => {
  const lamport = findAlgorithm('clock/lamport')!;
  const faults = 'crash 2 @500; restart 2 @900; drop 0.1; dup 0.05; partition 1,2|3,4,5 @100..700';

  it('the same seed gives the same trace hash (and the same trace)', () => {
    const a = simulate(lamport, { seed: 7, faults, trace: 'full' });
    const b = simulate(lamport, { seed: 7, faults, trace: 'full' });
    expect(a.result.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.result.traceHash).toBe(b.result.traceHash);
    expect(a.sim.trace.lines).toEqual(b.sim.trace.lines);
    expect(a.result).toEqual(b.result);
    // Full tracing and hash-only tracing agree on the hash.
    expect(simulate(lamport, { seed: 7, faults }).result.traceHash).toBe(a.result.traceHash);
  });

  it('different seeds give different trace hashes', () => {
    const hashes = new Set(
      [1, 2, 3, 4].map((seed) => simulate(lamport, { seed, faults }).result.traceHash),
    );
    expect(hashes.size).toBe(4);
  });

  it('a different fault plan gives a different trace hash', () => {
    const a = simulate(lamport, { seed: 7, faults }).result.traceHash;
    const b = simulate(lamport, { seed: 7, faults: 'crash 2 @500' }).result.traceHash;
    expect(a).not.toBe(b);
  });
});

describe('network faults', () => {
  it('delivers every message with no faults, within the default 1..10 ms', () => {
    const sim = run(sender(20));
    expect(sim.stats.sent).toBe(20);
    expect(sim.stats.delivered).toBe(20);
    expect(sim.stats.dropped).toBe(0);
    for (const r of got(sim, 2)) {
      expect(r.atMs).toBeGreaterThanOrEqual(1);
      expect(r.atMs).toBeLessThanOrEqual(10);
    }
  });

  it('drop 1 drops everything', () => {
    const sim = run(sender(20), { faults: 'drop 1' });
    expect(sim.stats.sent).toBe(20);
    expect(sim.stats.delivered).toBe(0);
    expect(sim.stats.dropped).toBe(20);
    expect(got(sim, 2)).toEqual([]);
    expect(records(sim, 'drop').every((r) => r.reason === 'loss')).toBe(true);
  });

  it('dup 1 duplicates every message', () => {
    const sim = run(sender(10), { faults: 'dup 1' });
    expect(sim.stats.duplicated).toBe(10);
    expect(sim.stats.delivered).toBe(20);
    const seqs = got(sim, 2)
      .map((r) => r.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
  });

  it('delay 100..100 delivers exactly 100 ms after sending', () => {
    const create: Create = (id) => {
      const state: RecvState = { got: [] };
      return {
        state,
        onStart(env) {
          if (id === 1) {
            env.send(2, { type: 'Data', seq: 0 });
            env.setTimer('later', 37);
          }
        },
        onMessage(env, from, m) {
          record(env, state, from, m);
        },
        onTimer(env) {
          env.send(2, { type: 'Data', seq: 1 });
        },
      };
    };
    const sim = run(create, { faults: 'delay 100..100' });
    expect(got(sim, 2).map((r) => [r.seq, r.atMs])).toEqual([
      [0, 100],
      [1, 137],
    ]);
  });

  it('partition drops messages across groups but not within them', () => {
    const sim = run(broadcaster([10]), { faults: 'partition 1,2|3 @0' });
    expect(senders(sim, 1)).toEqual([2]);
    expect(senders(sim, 2)).toEqual([1]);
    expect(senders(sim, 3)).toEqual([]);
    const drops = records(sim, 'drop');
    expect(drops).toHaveLength(4);
    expect(drops.every((d) => d.reason === 'partition')).toBe(true);
  });

  it('a partition also swallows messages already in flight', () => {
    // Sent at 10 with a 100 ms latency; the cut starts at 50.
    const sim = run(broadcaster([10]), { faults: 'delay 100; partition 1|2,3 @50' });
    expect(senders(sim, 1)).toEqual([]);
    expect(senders(sim, 2)).toEqual([3]);
    expect(senders(sim, 3)).toEqual([2]);
  });

  it('block is one-way', () => {
    const sim = run(broadcaster([10]), { faults: 'block 1->3 @0' });
    expect(senders(sim, 3)).toEqual([2]); // 1 cannot reach 3 …
    expect(senders(sim, 1)).toEqual([2, 3]); // … but 3 still reaches 1.
    expect(senders(sim, 2)).toEqual([1, 3]);
  });

  it('heal ends partitions and blocks', () => {
    const sim = run(broadcaster([10, 200]), {
      faults: 'partition 1|2,3 @0; block 2->3 @0; heal @100',
    });
    expect(senders(sim, 1, 0)).toEqual([]);
    expect(senders(sim, 3, 0)).toEqual([]);
    expect(senders(sim, 1, 1)).toEqual([2, 3]);
    expect(senders(sim, 2, 1)).toEqual([1, 3]);
    expect(senders(sim, 3, 1)).toEqual([1, 2]);
  });

  it('a windowed partition ends by itself', () => {
    const sim = run(broadcaster([10, 200]), { faults: 'partition 1|2,3 @0..100' });
    expect(senders(sim, 1, 0)).toEqual([]);
    expect(senders(sim, 1, 1)).toEqual([2, 3]);
  });

  it('link overrides apply only to that link', () => {
    const oneWay = run(broadcaster([10]), { faults: 'link 1->2 drop 1' });
    expect(senders(oneWay, 2)).toEqual([3]);
    expect(senders(oneWay, 3)).toEqual([1, 2]);
    expect(senders(oneWay, 1)).toEqual([2, 3]);

    const both = run(broadcaster([10]), { faults: 'link 1-2 delay 100..100' });
    const at = (to: NodeId, from: NodeId) => got(both, to).find((r) => r.from === from)!.atMs;
    expect(at(2, 1)).toBe(110);
    expect(at(1, 2)).toBe(110);
    for (const [to, from] of [
      [3, 1],
      [3, 2],
      [1, 3],
      [2, 3],
    ] as const) {
      expect(at(to, from)).toBeLessThanOrEqual(20);
    }
  });

  it('reorder makes some later-sent message arrive earlier', () => {
    // One message per ms; a fixed latency keeps them in order unless reordered.
    const create: Create = (id) => {
      const state: RecvState & { next: number } = { got: [], next: 0 };
      return {
        state,
        onStart(env) {
          if (id === 1) env.setTimer('send', 1);
        },
        onMessage(env, from, m) {
          record(env, state, from, m);
        },
        onTimer(env) {
          env.send(2, { type: 'Data', seq: state.next++ });
          if (state.next < 100) env.setTimer('send', 1);
        },
      };
    };
    const order = (faults: string) =>
      got(run(create, { faults, untilMs: 5_000 }), 2).map((r) => r.seq);
    const inOrder = Array.from({ length: 100 }, (_, i) => i);
    expect(order('delay 10..10')).toEqual(inOrder);
    const reordered = order('delay 10..10; reorder 0.5');
    expect(reordered.slice().sort((a, b) => a - b)).toEqual(inOrder);
    expect(reordered).not.toEqual(inOrder);
  });

  it('rate rules apply only inside their window', () => {
    const sim = run(broadcaster([10, 200]), { faults: 'drop 1 @0..100' });
    expect(senders(sim, 1, 0)).toEqual([]);
    expect(senders(sim, 1, 1)).toEqual([2, 3]);
  });
});

describe('node faults', () => {
  it('pause holds messages and delivers them on resume', () => {
    const sim = makeSim(sender(3), { faults: 'pause 2 @0..500' });
    sim.start();
    sim.runUntil(400);
    expect(got(sim, 2)).toEqual([]);
    expect(sim.node(2).paused).toBe(true);
    sim.runUntil(1_000);
    expect(sim.node(2).paused).toBe(false);
    // Held messages are delivered at the resume, in the order they arrived.
    expect(got(sim, 2).map((r) => r.atMs)).toEqual([500, 500, 500]);
    expect(
      got(sim, 2)
        .map((r) => r.seq)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(sim.stats.dropped).toBe(0);
  });

  it('an explicit resume ends a pause', () => {
    const sim = run(sender(1), { faults: 'pause 2 @0; resume 2 @250' });
    expect(got(sim, 2).map((r) => r.atMs)).toEqual([250]);
  });

  it('timers of a paused node fire after resume', () => {
    const create: Create = () => {
      const state = { firedAt: [] as number[] };
      return {
        state,
        onStart(env) {
          env.setTimer('t', 100);
        },
        onMessage() {},
        onTimer() {
          state.firedAt.push(current!.nowMs);
        },
      };
    };
    const sim = run(create, { nodes: 1, faults: 'pause 1 @50..300' });
    expect((sim.node(1).state as { firedAt: number[] }).firedAt).toEqual([300]);
  });

  it("crash makes messages to the node dropped with reason 'down'", () => {
    const sim = run(broadcaster([10]), { faults: 'crash 2 @5' });
    expect(sim.node(2).up).toBe(false);
    expect(sim.node(2).state).toBeUndefined();
    const drops = records(sim, 'drop');
    expect(drops.map((d) => [d.from, d.to, d.reason]).sort()).toEqual([
      [1, 2, 'down'],
      [3, 2, 'down'],
    ]);
    expect(senders(sim, 1)).toEqual([3]); // node 2 never broadcast: its timer died with it
    expect(senders(sim, 3)).toEqual([1]);
  });

  it('restart runs onStart again with a fresh process', () => {
    const create: Create = (id) => {
      const state = { starts: 0 };
      return {
        state,
        onStart(env) {
          state.starts++;
          env.output({ type: `started-${id}` });
        },
        onMessage() {},
        onTimer() {},
      };
    };
    const sim = run(create, { nodes: 2, faults: 'crash 2 @50; restart 2 @80' });
    const starts = sim.outputs.filter((o) => o.node === 2).map((o) => [o.output.type, o.atMs]);
    expect(starts).toEqual([
      ['started-2', 0],
      ['started-2', 80],
    ]);
    expect(sim.node(2).incarnation).toBe(1);
    expect(sim.node(2).up).toBe(true);
    expect((sim.node(2).state as { starts: number }).starts).toBe(1);
    expect(records(sim, 'restart').map((r) => [r.node, r.t])).toEqual([[2, 80]]);
    expect(sim.node(1).incarnation).toBe(0);
  });

  it('logs crashes, restarts, pauses and resumes in order, after the outputs before them', () => {
    const create: Create = (id) => ({
      state: undefined,
      onStart(env) {
        env.output({ type: `started-${id}` });
      },
      onMessage() {},
      onTimer() {},
    });
    const faults = 'pause 1 @10..20; crash 2 @50; crash 2 @60; restart 2 @80; restart 2 @90';
    const sim = run(create, { nodes: 2, faults });
    // A crash of a crashed node and a restart of a live one change nothing: not logged.
    expect(sim.lifecycle).toEqual([
      { atMs: 10, node: 1, event: 'pause', outputsBefore: 2 },
      { atMs: 20, node: 1, event: 'resume', outputsBefore: 2 },
      { atMs: 50, node: 2, event: 'crash', outputsBefore: 2 },
      { atMs: 80, node: 2, event: 'restart', outputsBefore: 2 },
    ]);
    expect(sim.outputs.map((o) => o.atMs)).toEqual([0, 0, 80]);
  });

  it('drift makes env.now() run fast (and timers follow the local clock)', () => {
    const create: Create = () => {
      const state = { ticks: [] as { atMs: number; local: number }[] };
      return {
        state,
        onStart(env) {
          env.setTimer('t', 1_000);
        },
        onMessage() {},
        onTimer(env) {
          state.ticks.push({ atMs: current!.nowMs, local: env.now() });
        },
      };
    };
    const sim = run(create, { nodes: 2, faults: 'drift 2 +500000ppm' });
    const ticks = (id: NodeId) => (sim.node(id).state as { ticks: unknown[] }).ticks;
    expect(ticks(1)).toEqual([{ atMs: 1_000, local: 1_000 }]);
    const [drifted] = ticks(2) as { atMs: number; local: number }[];
    expect(drifted!.atMs).toBeCloseTo(666.667, 2);
    expect(drifted!.local).toBeCloseTo(1_000, 2);
  });

  it('a drifting clock reads ahead of virtual time when a message arrives', () => {
    const sim = run(sender(1), { faults: 'delay 200; drift 2 +1000ppm' });
    const [r] = got(sim, 2);
    expect(r!.atMs).toBe(200);
    expect(r!.local).toBeCloseTo(200.2, 6);
  });
});

interface CounterState {
  volatileCount: number;
  durableCount: number;
  startedWith: number;
}

describe('crash and storage', () => {
  const counter: Create = () => {
    const state: CounterState = { volatileCount: 0, durableCount: 0, startedWith: -1 };
    return {
      state,
      onStart(env) {
        state.durableCount = env.storage.get<number>('count') ?? 0;
        state.startedWith = state.durableCount;
        env.setTimer('tick', 10);
      },
      onMessage() {},
      onTimer(env) {
        state.volatileCount++;
        state.durableCount++;
        env.storage.set('count', state.durableCount);
        expect(env.storage.get('count')).toBe(state.durableCount); // reads see pending writes
        env.setTimer('tick', 10);
      },
    };
  };

  it('a crash loses volatile state and keeps durable state', () => {
    const sim = makeSim(counter, { nodes: 1, faults: 'crash 1 @55; restart 1 @100' });
    sim.start();
    sim.runUntil(60);
    expect(sim.node(1).up).toBe(false);
    expect(sim.node(1).durable.get('count')).toBe(5);
    sim.runUntil(135);
    const s = sim.node(1).state as CounterState;
    expect(s.startedWith).toBe(5);
    expect(s.volatileCount).toBe(3); // ticks at 110, 120, 130 only
    expect(s.durableCount).toBe(8);
    expect(sim.node(1).durable.get('count')).toBe(8);
  });

  it('storage keys and delete', () => {
    const create: Create = () => ({
      state: {},
      onStart(env) {
        env.storage.set('b/1', 1);
        env.storage.set('a/1', 1);
        env.storage.set('a/2', { x: [1] });
        env.storage.delete('b/1');
        expect(env.storage.keys()).toEqual(['a/1', 'a/2']);
        expect(env.storage.get('b/1')).toBeUndefined();
      },
      onMessage() {},
      onTimer() {},
    });
    const sim = run(create, { nodes: 1 });
    expect([...sim.node(1).durable.keys()].sort()).toEqual(['a/1', 'a/2']);
    expect(sim.node(1).durable.get('a/2')).toEqual({ x: [1] });
  });

  it('storage writes are durable before the step’s messages leave', () => {
    const seenAtSend: unknown[] = [];
    const seenAtDelivery: unknown[] = [];
    const create: Create = (id) => ({
      state: {},
      onStart(env) {
        if (id === 1) {
          env.send(2, { type: 'Ack' });
          env.storage.set('promised', 42);
        }
      },
      onMessage() {
        seenAtDelivery.push(current!.node(1).durable.get('promised'));
      },
      onTimer() {},
    });
    const sim = makeSim(create, { nodes: 2 });
    const add = sim.trace.add.bind(sim.trace);
    sim.trace.add = (r) => {
      if (r.ev === 'send') seenAtSend.push(sim.node(1).durable.get('promised'));
      add(r);
    };
    sim.start();
    sim.runUntil(100);
    expect(seenAtSend).toEqual([42]);
    expect(seenAtDelivery).toEqual([42]);
  });
});

describe('invariants', () => {
  const ticker: Create = () => {
    const state = { ticks: 0 };
    return {
      state,
      onStart(env) {
        env.setTimer('t', 10);
      },
      onMessage() {},
      onTimer(env) {
        state.ticks++;
        env.setTimer('t', 10);
      },
    };
  };

  it('a violation stops the run and is reported', () => {
    const invariant: Invariant = {
      name: 'at most 3 ticks',
      check: (view) => {
        const ticks = (view.nodes[0]?.state as { ticks: number } | undefined)?.ticks ?? 0;
        return ticks > 3 ? `${ticks} ticks` : undefined;
      },
    };
    const sim = makeSim(ticker, { nodes: 1, invariants: [invariant] });
    sim.start();
    sim.runUntil(10_000);
    expect(sim.violation).toEqual({ check: 'at most 3 ticks', violation: '4 ticks', atMs: 40 });
    expect(sim.nowMs).toBe(40);
    expect((sim.node(1).state as { ticks: number }).ticks).toBe(4);
    expect(records(sim, 'violation')).toEqual([
      { t: 40, ev: 'violation', check: 'at most 3 ticks', violation: '4 ticks' },
    ]);
    sim.runUntil(20_000); // Running further does nothing once violated.
    expect((sim.node(1).state as { ticks: number }).ticks).toBe(4);
  });

  it('simulate() reports a violated invariant and skips liveness', () => {
    const lock = findAlgorithm('testing/volatile-lock')!;
    const { result } = simulate(lock, { faults: 'crash 1 @150; restart 1 @151' });
    expect(result.ok).toBe(false);
    const mutex = result.invariants.find((c) => c.name === 'mutual exclusion')!;
    expect(mutex.holds).toBe(false);
    expect(mutex.violation).toMatch(/^nodes \d+ and \d+ are inside at once \(at [\d.]+ ms\)$/);
    expect(result.liveness.every((c) => !c.holds && /not judged/.test(c.violation ?? ''))).toBe(
      true,
    );
    // Without the crash the lock is safe.
    const clean = simulate(lock, {}).result;
    expect(clean.invariants.every((c) => c.holds)).toBe(true);
  });
});

describe('client commands', () => {
  it('runs onCommand as a step whose messages leave after it, and ignores a down node', () => {
    const create: Create = () => ({
      state: { commands: [] as unknown[] },
      onStart() {},
      onMessage() {},
      onTimer() {},
      onCommand(env, command) {
        (this.state as { commands: unknown[] }).commands.push(command);
        env.send(2, { type: 'Forward' });
      },
    });
    const sim = makeSim(create, { nodes: 2 });
    sim.start();
    sim.command(1, { put: 'x' });
    expect((sim.node(1).state as { commands: unknown[] }).commands).toEqual([{ put: 'x' }]);
    expect(sim.stats.sent).toBe(1);
    sim.inject({ kind: 'crash', node: 1, atMs: 0 });
    sim.command(1, { put: 'y' });
    expect(sim.stats.sent).toBe(1);
    const kinds = sim.trace.records.map((r: TraceRecord) => r.ev);
    expect(kinds.filter((k) => k === 'command')).toHaveLength(1);
  });
});
