// Each node's pending timers, for the stage's rings. The simulator keeps a timer's deadline
// only in its event queue and the trace records a timer only when it fires, so the state
// probe's replay watches the calls instead: every process is wrapped so that its Env's
// setTimer and cancelTimer are noted (name, when set, when due, on the node's own clock)
// before being passed on unchanged — same calls, same order, no extra random draws — so the
// replay is the run itself. A fired timer is forgotten as its handler starts (the handler
// may set it again); a crash drops the process and its book with it.

import type { AnyAlgorithm } from '../../../src/core/algorithm.js';
import type { Env, Message, NodeId, Output, Process } from '../../../src/core/process.js';

export interface PendingTimer {
  readonly name: string;
  /** When it was set and when it is due, on the node's local clock (ms). */
  readonly setAtMs: number;
  readonly dueAtMs: number;
}

type AnyProcess = Process<Message, Output, unknown>;

/** Called after each step of a node (even one that threw), with its state then. */
export type StepHook = (id: NodeId, state: unknown) => void;

/** The process with its timer calls noted in `book`, and each step reported to `after`. */
function watched(
  inner: AnyProcess,
  book: Map<string, PendingTimer>,
  after: (state: unknown) => void,
): AnyProcess {
  const wrappers = new WeakMap<Env, Env>();
  const wrap = (env: Env): Env => {
    const known = wrappers.get(env);
    if (known !== undefined) return known;
    // Everything else (send, broadcast, random, storage…) is the host's own, by prototype.
    const env2: Env = Object.create(env);
    env2.setTimer = (name, delayMs) => {
      env.setTimer(name, delayMs);
      const now = env.now();
      book.set(name, { name, setAtMs: now, dueAtMs: now + delayMs });
    };
    env2.cancelTimer = (name) => {
      env.cancelTimer(name);
      book.delete(name);
    };
    wrappers.set(env, env2);
    return env2;
  };
  const onCommand = inner.onCommand?.bind(inner);
  const step = (body: () => void): void => {
    try {
      body();
    } finally {
      after(inner.state);
    }
  };
  return {
    get state() {
      return inner.state;
    },
    onStart: (env) => step(() => inner.onStart(wrap(env))),
    onMessage: (env, from, message) => step(() => inner.onMessage(wrap(env), from, message)),
    onTimer: (env, name) => {
      book.delete(name);
      step(() => inner.onTimer(wrap(env), name));
    },
    ...(onCommand !== undefined && {
      onCommand: (env, command) => step(() => onCommand(wrap(env), command)),
    }),
  };
}

/**
 * The algorithm with every node's timers watched, and each node's current book; `onStep`
 * hears of every step (the drawn history's cue, drawings/drawn-history.ts).
 */
export function watchTimers(
  spec: AnyAlgorithm,
  onStep: StepHook = () => {},
): {
  spec: AnyAlgorithm;
  timersOf: (id: NodeId) => readonly PendingTimer[];
} {
  const books = new Map<NodeId, Map<string, PendingTimer>>();
  const create: AnyAlgorithm['create'] = (id, ctx) => {
    // A restart creates a fresh process: its timers start from nothing, as the host's do.
    const book = new Map<string, PendingTimer>();
    books.set(id, book);
    return watched(spec.create(id, ctx) as AnyProcess, book, (state) => onStep(id, state));
  };
  return {
    spec: Object.assign(Object.create(spec) as AnyAlgorithm, { create }),
    timersOf: (id) => [...(books.get(id)?.values() ?? [])],
  };
}
