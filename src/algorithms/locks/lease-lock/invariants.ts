// The checks of locks/lease-lock. Safety: no write from a stale holder — the storage never
// applies a write whose token is older than one it has already applied (two holders' writes
// interleaved: Kleppmann's lost update); and the mutex family's "no entry without a
// request". Liveness: every client finishes all its acquisitions.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { everyRequestServed, noUnaskedGrant } from '../../mutex/workload.js';
import { fromMutex, type LockOutput } from '../workload.js';
import type { LeaseLockOptions } from './options.js';
import { isClient, type LeaseLockState } from './state.js';

export const NO_STALE_WRITE = 'no write from a stale holder';

export function noStaleWrite(): Invariant<unknown, LockOutput> {
  let seen = 0;
  let newest = 0;
  let newestBy = 0;
  return {
    name: NO_STALE_WRITE,
    check(view) {
      for (; seen < view.outputs.length; seen++) {
        const { output: o, atMs } = view.outputs[seen]!;
        if (o.type !== 'write') continue;
        if (o.token < newest)
          return (
            `at ${atMs} ms the storage applied client ${o.client}'s write with token ${o.token} ` +
            `after client ${newestBy}'s with token ${newest}`
          );
        newest = o.token;
        newestBy = o.client;
      }
      return undefined;
    },
  };
}

export function leaseLockInvariants(): Invariant<LeaseLockState, LockOutput>[] {
  return [noStaleWrite(), fromMutex(noUnaskedGrant())];
}

export function leaseLockLiveness(opts: LeaseLockOptions): Liveness<LeaseLockState, LockOutput>[] {
  return [fromMutex(everyRequestServed(opts.requests, isClient))];
}
