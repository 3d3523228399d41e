// The process kernel: one shape for every algorithm (ARCHITECTURE.md rule 7, issue 15). An
// algorithm declares its state, its durable fields and one handler per message type and per
// timer; the kernel turns that into a `Process` and owns what every algorithm used to write
// by hand:
//   - dispatch: an exhaustive handler table per message type and per timer name — the
//     compiler rejects a missing handler, and an unknown timer name is our bug (asserted);
//   - persistence: the fields named in `durable` are restored before `onStart` and saved
//     at the end of every step that changed them, under one storage key, in the same step
//     (so the host makes them durable before the step's messages leave);
//   - state: everything lives in the one printable `state` object that invariants and the
//     Lab read — there are no closure locals a checker cannot see.
// Peer input reaches the handlers already parsed: hosts call the algorithm's
// `parseMessage` (AlgorithmSpec) first and drop what it rejects, so a handler may trust the
// shape of `m` (never its truth: a peer may lie within the shape).
//
// Fault model: a crash loses everything but the durable fields (and what handlers write to
// storage themselves, e.g. Raft's log); a restarted node is a fresh process whose durable
// fields come back as they were at the end of its last step.

import { assert } from './assert.js';
import { encode } from './codec.js';
import type { Env, Message, NodeId, Output, Process } from './process.js';
import { hasOwn } from './validate.js';

/** Where the kernel keeps the durable fields. Algorithms must not use this key. */
export const DURABLE_KEY = 'kernel/durable';

/** What every handler receives: the node's state, its Env and the run's fixed config. */
export interface Step<M extends Message, O extends Output, S, C> {
  readonly s: S;
  readonly env: Env<M, O>;
  readonly c: C;
}

export type MessageHandlers<M extends Message, O extends Output, S, C> = {
  readonly [K in M['type']]: (
    x: Step<M, O, S, C>,
    from: NodeId,
    m: Extract<M, { type: K }>,
  ) => void;
};

export type TimerHandlers<T extends string, M extends Message, O extends Output, S, C> = {
  readonly [K in T]: (x: Step<M, O, S, C>) => void;
};

export interface ProcessDefinition<M extends Message, O extends Output, S, C, T extends string> {
  /** The state a fresh incarnation starts from, before its durable fields are restored. */
  init(c: C, id: NodeId): S;
  /** Fields of the state that survive a crash. */
  readonly durable?: readonly (keyof S & string)[];
  /** Runs once per incarnation, after the durable fields are restored. */
  onStart(x: Step<M, O, S, C>): void;
  readonly onMessage: MessageHandlers<M, O, S, C>;
  readonly onTimer: TimerHandlers<T, M, O, S, C>;
  onCommand?(x: Step<M, O, S, C>, command: unknown): void;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A process factory from a definition: `create(c, id)` makes one incarnation of node `id`
 * with the run's config `c`.
 */
export function defineProcess<M extends Message, O extends Output, S, C, T extends string>(
  def: ProcessDefinition<M, O, S, C, T>,
): (c: C, id: NodeId) => Process<M, O, S> {
  const durable = def.durable ?? [];
  return (c, id) => {
    const s = def.init(c, id);
    /** The durable fields as last stored (encoded), to write only what changed. */
    let stored: Uint8Array | undefined;

    const durablePart = (): Record<string, unknown> => {
      const part: Record<string, unknown> = {};
      for (const field of durable) part[field] = s[field];
      return part;
    };
    const persist = (env: Env<M, O>): void => {
      if (durable.length === 0) return;
      const bytes = encode(durablePart());
      if (sameBytes(stored, bytes)) return;
      env.storage.set(DURABLE_KEY, durablePart());
      stored = bytes;
    };
    const run = (env: Env<M, O>, body: (x: Step<M, O, S, C>) => void): void => {
      body({ s, env, c });
      persist(env);
    };

    return {
      state: s,
      onStart(env) {
        assert(env.id === id, 'a process runs on the node it was made for');
        const saved = env.storage.get<Record<string, unknown>>(DURABLE_KEY);
        if (saved !== undefined) {
          for (const field of durable) {
            assert(hasOwn(saved, field), `durable field ${field} was stored`);
            (s as Record<string, unknown>)[field] = saved[field];
          }
          stored = encode(durablePart());
        }
        run(env, (x) => def.onStart(x));
      },
      onMessage(env, from, m) {
        const handler = def.onMessage[m.type as M['type']] as
          | ((x: Step<M, O, S, C>, from: NodeId, m: M) => void)
          | undefined;
        assert(hasOwn(def.onMessage, m.type), `no handler for message type ${m.type}`);
        run(env, (x) => (handler as (x: Step<M, O, S, C>, from: NodeId, m: M) => void)(x, from, m));
      },
      onTimer(env, name) {
        assert(hasOwn(def.onTimer, name), `no handler for timer ${name}`);
        const handler = def.onTimer[name as T] as (x: Step<M, O, S, C>) => void;
        run(env, handler);
      },
      ...(def.onCommand !== undefined && {
        onCommand(env: Env<M, O>, command: unknown) {
          const onCommand = def.onCommand as (x: Step<M, O, S, C>, command: unknown) => void;
          run(env, (x) => onCommand(x, command));
        },
      }),
    };
  };
}
