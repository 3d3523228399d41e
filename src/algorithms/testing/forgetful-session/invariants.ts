// The checks of testing/forgetful-session: no safety invariant of its own (its failure is
// the exception a restart makes it throw, which the simulator reports as the failed check
// `exception`), and the clients' progress.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { outputInLastSecond } from '../recent-output.js';
import type { SessionOutput } from './messages.js';
import type { SessionState } from './state.js';

export function forgetfulSessionInvariants(): Invariant<SessionState, SessionOutput>[] {
  return [];
}

export function forgetfulSessionLiveness(): Liveness<SessionState, SessionOutput>[] {
  return [
    outputInLastSecond(
      'clients keep being served',
      'served',
      'no request served in the last second',
    ),
  ];
}
