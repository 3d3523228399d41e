// The checks of testing/volatile-lock: mutual exclusion, which a restart of the server
// breaks on purpose (that is what the fuzzer must find), and the clients' progress.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { outputInLastSecond } from '../recent-output.js';
import type { LockOutput } from './messages.js';
import type { LockState } from './state.js';

export function volatileLockInvariants(): Invariant<LockState, LockOutput>[] {
  return [
    {
      name: 'mutual exclusion',
      check(view) {
        const inside = view.nodes
          .filter((n) => n.up && n.state?.phase === 'inside')
          .map((n) => n.id);
        return inside.length <= 1 ? undefined : `nodes ${inside.join(' and ')} are inside at once`;
      },
    },
  ];
}

export function volatileLockLiveness(): Liveness<LockState, LockOutput>[] {
  return [outputInLastSecond('clients keep entering', 'enter', 'no entry in the last second')];
}
