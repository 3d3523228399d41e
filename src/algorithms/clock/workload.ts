// The seeded workload both logical clocks run: each node performs `events` events, one per
// `intervalMs` (drawn from its own random stream); an event is a send to a random peer with
// probability `sendPercent`, else a local event; every receive is an event too. The clock
// and the progress count are durable, so a restarted node keeps its causal history —
// otherwise its clock would restart at zero and contradict events it already stamped.

import type {
  Invariant,
  Liveness,
  Metrics,
  OptionSpecs,
  RunContext,
} from '../../core/algorithm.js';
import { happenedBefore } from '../../core/clocks/vector.js';
import type { Env, NodeId, Process } from '../../core/process.js';

export interface ClockOptions {
  readonly events: number;
  readonly intervalMs: number;
  readonly sendPercent: number;
}

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

/** How one kind of clock stamps events; `T` is the timestamp type. */
export interface ClockRules<T> {
  zero(ctx: RunContext<ClockOptions>): T;
  tick(clock: T, id: NodeId): T;
  receive(clock: T, received: T, id: NodeId): T;
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
  clock: T;
  /** Local and send events performed so far (receives not counted). */
  performed: number;
  done: boolean;
}

export function createClockProcess<T>(
  rules: ClockRules<T>,
  id: NodeId,
  ctx: RunContext<ClockOptions>,
): Process<Stamp<T>, ClockEvent<T>, ClockState<T>> {
  const { events, intervalMs, sendPercent } = ctx.options;
  const state: ClockState<T> = { clock: rules.zero(ctx), performed: 0, done: false };
  type E = Env<Stamp<T>, ClockEvent<T>>;

  const record = (env: E, kind: ClockEvent<T>['kind']) => {
    env.storage.set('clock', state.clock);
    env.storage.set('performed', state.performed);
    env.output({ type: 'event', kind, time: state.clock });
  };
  const arm = (env: E) => {
    if (state.performed >= events) {
      state.done = true;
      return;
    }
    env.setTimer('next-event', env.random.range(1, 2 * intervalMs - 1));
  };

  return {
    state,
    onStart(env) {
      state.clock = env.storage.get<T>('clock') ?? state.clock;
      state.performed = env.storage.get<number>('performed') ?? 0;
      arm(env);
    },
    onTimer(env) {
      state.clock = rules.tick(state.clock, id);
      state.performed++;
      if (env.peers.length > 0 && env.random.chance(sendPercent, 100)) {
        env.send(env.random.pick(env.peers), { type: 'Stamp', time: state.clock });
        record(env, 'send');
      } else {
        record(env, 'local');
      }
      arm(env);
    },
    onMessage(env, _from, message) {
      state.clock = rules.receive(state.clock, message.time, id);
      record(env, 'receive');
    },
  };
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
