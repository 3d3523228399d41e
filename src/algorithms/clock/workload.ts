// The seeded workload both logical clocks run, as one process on the kernel: each node
// performs `events` events, one per `intervalMs` (drawn from its own random stream); an
// event is a send to a random peer with probability `sendPercent`, else a local event;
// every receive is an event too. The clock and the progress count are durable fields, so a
// restarted node keeps its causal history — otherwise its clock would restart at zero and
// contradict events it already stamped. What differs between the clocks is their rules
// (lamport/lamport.ts, vector/vector.ts).
//
// Fault model: crash-recovery, loss, duplication, reordering, delay, partitions, pauses and
// drift — a logical clock needs only the messages that do arrive.

import type { Invariant, Liveness, Metrics, OptionSpecs, OptionsOf } from '../../core/algorithm.js';
import { assert } from '../../core/assert.js';
import { happenedBefore } from '../../core/clocks/vector.js';
import { defineProcess, type Step } from '../../core/kernel.js';
import type { NodeId } from '../../core/process.js';

export const clockOptionSpecs = {
  events: {
    kind: 'int',
    default: 40,
    min: 1,
    max: 100_000,
    description: 'events each node performs',
  },
  intervalMs: {
    kind: 'int',
    default: 20,
    min: 1,
    max: 60_000,
    description: 'mean time between events (ms)',
  },
  sendPercent: {
    kind: 'int',
    default: 60,
    min: 0,
    max: 100,
    description: 'share of events that are sends (%)',
  },
} as const satisfies OptionSpecs;

export type ClockOptions = OptionsOf<typeof clockOptionSpecs>;

/** Fixed for a run: the workload and the cluster size (a vector has one entry per node). */
export interface ClockConfig extends ClockOptions {
  readonly nodes: number;
}

export function clockConfig(nodes: readonly NodeId[], o: ClockOptions): ClockConfig {
  return {
    events: o.events,
    intervalMs: o.intervalMs,
    sendPercent: o.sendPercent,
    nodes: nodes.length,
  };
}

/** How one kind of clock stamps events; `T` is the timestamp type. */
export interface ClockRules<T> {
  /** The clock before any event, in a cluster of `n` nodes. */
  zero(n: number): T;
  tick(clock: T, id: NodeId): T;
  receive(clock: T, received: T, id: NodeId): T;
  /** Whether node `id`'s clock moved forward from `before` to `after` (every event does). */
  advanced(before: T, after: T, id: NodeId): boolean;
}

export interface Stamp<T> {
  readonly type: 'Stamp';
  readonly time: T;
}

export interface ClockEvent<T> {
  readonly type: 'event';
  readonly kind: 'local' | 'send' | 'receive';
  readonly time: T;
}

export interface ClockState<T> {
  /** Durable. */
  clock: T;
  /** Local and send events performed so far (receives not counted); durable. */
  performed: number;
  done: boolean;
}

export type ClockTimer = 'next-event';

/** A clock process from its rules: `create(config, id)` (the kernel's factory). */
export function defineClockProcess<T>(rules: ClockRules<T>) {
  type X = Step<Stamp<T>, ClockEvent<T>, ClockState<T>, ClockConfig>;

  const record = ({ s, env }: X, kind: ClockEvent<T>['kind']) => {
    env.output({ type: 'event', kind, time: s.clock });
  };
  const arm = ({ s, env, c }: X) => {
    if (s.performed >= c.events) {
      s.done = true;
      return;
    }
    env.setTimer('next-event', env.random.range(1, 2 * c.intervalMs - 1));
  };
  /** Our own bookkeeping after every step, whatever peers sent. */
  const assertProgress = ({ s, c }: X) => {
    assert(s.performed <= c.events, 'no more events than the workload asks for');
    assert(!s.done || s.performed >= c.events, 'done only once every event is performed');
  };

  return defineProcess<Stamp<T>, ClockEvent<T>, ClockState<T>, ClockConfig, ClockTimer>({
    init: (c) => ({ clock: rules.zero(c.nodes), performed: 0, done: false }),
    durable: ['clock', 'performed'],
    onStart(x) {
      arm(x);
      assertProgress(x);
      assert(x.s.done === x.s.performed >= x.c.events, 'a node with events left has a timer');
    },
    onMessage: {
      Stamp(x, _from, m) {
        const { s, env } = x;
        const before = s.clock;
        s.clock = rules.receive(s.clock, m.time, env.id);
        record(x, 'receive');
        assert(rules.advanced(before, s.clock, env.id), 'a receive moves the clock forward');
        assertProgress(x);
      },
    },
    onTimer: {
      'next-event'(x) {
        const { s, env, c } = x;
        const before = s.clock;
        s.clock = rules.tick(s.clock, env.id);
        s.performed++;
        if (env.peers.length > 0 && env.random.chance(c.sendPercent, 100)) {
          env.send(env.random.pick(env.peers), { type: 'Stamp', time: s.clock });
          record(x, 'send');
        } else {
          record(x, 'local');
        }
        arm(x);
        assert(rules.advanced(before, s.clock, env.id), 'an event moves the clock forward');
        assertProgress(x);
      },
    },
  });
}

export function workloadDone<T>(): Liveness<ClockState<T>, ClockEvent<T>> {
  return {
    name: 'every live node finishes its events',
    check(view) {
      const late = view.nodes.filter((n) => n.up && n.state?.done !== true).map((n) => n.id);
      return late.length === 0 ? undefined : `nodes ${late.join(',')} still have events to perform`;
    },
  };
}

/**
 * An incremental pairwise check: each new event is compared with every earlier one, using
 * the true causal order the simulator recorded. `judge` returns a complaint or undefined.
 */
export function pairwiseInvariant<T>(
  name: string,
  judge: (a: T, b: T, aBeforeB: boolean) => string | undefined,
): Invariant<ClockState<T>, ClockEvent<T>> {
  let seen = 0;
  return {
    name,
    check(view) {
      const outs = view.outputs;
      for (; seen < outs.length; seen++) {
        const b = outs[seen]!;
        for (let i = 0; i < seen; i++) {
          const a = outs[i]!;
          const complaint = judge(a.output.time, b.output.time, happenedBefore(a.vc!, b.vc!));
          if (complaint !== undefined) {
            return `${a.output.kind} at node ${a.node} (${a.atMs} ms) vs ${b.output.kind} at node ${b.node} (${b.atMs} ms): ${complaint}`;
          }
        }
      }
      return undefined;
    },
  };
}

export function clockMetrics<T>(view: { outputs: readonly { output: ClockEvent<T> }[] }): Metrics {
  const count = (kind: ClockEvent<T>['kind']) =>
    view.outputs.filter((o) => o.output.kind === kind).length;
  return {
    events: view.outputs.length,
    sends: count('send'),
    receives: count('receive'),
    locals: count('local'),
  };
}
