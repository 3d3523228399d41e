// A node's side of the mutex workload (workload.ts), the part the algorithms of the family
// run alike: the phase machine idle → wanting → inside → idle with its `request`, `enter`
// and `exit` outputs, and the `think` and `hold` timers drawn from the node's own random
// stream. Each algorithm adds what asking, entering and leaving mean for it (messages,
// tokens, votes) around these steps.
//
// Fault model: none of its own. resumeCriticalSection serves the algorithms whose phase is
// durable (the token rings): a crash inside ended that critical section.

import { assert } from '../../core/assert.js';
import type { Env } from '../../core/process.js';
import type { MutexOptions, MutexOutput } from './workload.js';

export interface CriticalSectionState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
}

/** Any algorithm's Env, as far as the workload uses it. */
type WorkloadEnv = Env<never, MutexOutput>;

/** The longest hold when holds average `holdMs` (uniform in 1 .. 2·holdMs − 1). */
export function meanHoldMaxMs(opts: Pick<MutexOptions, 'holdMs'>): number {
  return 2 * opts.holdMs - 1;
}

/** Arms `hold` for a hold averaging `holdMs`. */
export function armHold(env: WorkloadEnv, opts: Pick<MutexOptions, 'holdMs'>): void {
  env.setTimer('hold', env.random.range(1, meanHoldMaxMs(opts)));
}

/** Arms `think`: the next request comes after about `thinkMs` (uniform in 1 .. 2·thinkMs − 1). */
export function armThink(env: WorkloadEnv, opts: Pick<MutexOptions, 'thinkMs'>): void {
  env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
}

export function askForCriticalSection(s: CriticalSectionState, env: WorkloadEnv): void {
  s.phase = 'wanting';
  env.output({ type: 'request' });
}

/**
 * Enters on a grant: `waiting` is the timer of the wait that ends here (a re-send, a pass),
 * and `hold` is armed for a hold of 1 .. holdMaxMs.
 */
export function enterCriticalSection(
  s: CriticalSectionState,
  env: WorkloadEnv,
  grant: { readonly waiting: string; readonly holdMaxMs: number },
): void {
  assert(s.phase === 'wanting', 'only a node that asked enters');
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer(grant.waiting);
  env.output({ type: 'enter' });
  env.setTimer('hold', env.random.range(1, grant.holdMaxMs));
}

/** Leaves (the caller hands on what it held) and thinks before the next request, if any. */
export function leaveCriticalSection(
  s: CriticalSectionState,
  env: WorkloadEnv,
  opts: Pick<MutexOptions, 'requests' | 'thinkMs'>,
): void {
  assert(s.phase === 'inside' && s.inCS, 'leave only from inside');
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  if (s.served < opts.requests) armThink(env, opts);
}

/**
 * onStart's part for a durable phase: a node that crashed inside reports that section's
 * `exit` and asks again (the caller acts on the request); an idle one thinks again.
 */
export function resumeCriticalSection(
  s: CriticalSectionState,
  env: WorkloadEnv,
  opts: Pick<MutexOptions, 'requests' | 'thinkMs'>,
): void {
  if (s.phase === 'inside') {
    env.output({ type: 'exit' }); // The crash ended that critical section; ask again.
    s.phase = 'wanting';
    env.output({ type: 'request' });
  }
  if (s.phase === 'idle' && s.served < opts.requests) armThink(env, opts);
}

/** What the workload's steps read: an algorithm's per-step view (its Ctx or step). */
export interface WorkloadStep {
  readonly s: CriticalSectionState;
  readonly env: WorkloadEnv;
  readonly opts: Pick<MutexOptions, 'requests' | 'thinkMs'>;
}

/**
 * The workload's `think` and `hold` timer handlers: `think` asks when idle, then `asked`
 * lets the algorithm act on the request; `hold` leaves when inside, then `left` hands on
 * what it held. `check` asserts the algorithm's own bookkeeping after each.
 */
export function thinkAndHoldTimers<
  X extends { readonly s: CriticalSectionState },
  C extends WorkloadStep,
>(rules: {
  ctx(x: X): C;
  asked(c: C): void;
  left(c: C): void;
  check(x: X): void;
}): { think(x: X): void; hold(x: X): void } {
  return {
    think(x) {
      if (x.s.phase === 'idle') {
        const c = rules.ctx(x);
        askForCriticalSection(c.s, c.env);
        rules.asked(c);
      }
      rules.check(x);
      assert(x.s.phase !== 'idle', 'a node that has thought asks');
    },
    hold(x) {
      if (x.s.phase === 'inside') {
        const c = rules.ctx(x);
        leaveCriticalSection(c.s, c.env, c.opts);
        rules.left(c);
      }
      rules.check(x);
      assert(x.s.phase !== 'inside', 'holding ends with leaving');
    },
  };
}
