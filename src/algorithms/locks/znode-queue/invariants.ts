// The checks of locks/znode-queue. Safety: mutual exclusion among live sessions (at most one
// client holds under a session the coordinator still keeps — needs no timing), mutual
// exclusion outright (at most one client believes it holds — needs the pause bound: a
// client paused past its session timeout still believes it), FIFO grant order (entries are
// granted in sequence order), and no hold without a request. Liveness: everyone served.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { everyRequestServed, mutualExclusion, noUnaskedGrant } from '../../mutex/workload.js';
import { fromMutex, type LockOutput } from '../workload.js';
import { liveSessions } from './coordinator.js';
import type { ZnodeQueueOptions } from './options.js';
import { COORDINATOR, isClient, type ZnodeQueueState } from './state.js';

type Check = Invariant<ZnodeQueueState, LockOutput>;

export const LIVE_MUTEX = 'mutual exclusion among live sessions';
export const FIFO = 'FIFO: the lock is granted in entry order';

export function liveSessionMutex(): Check {
  // While the coordinator is down, its sessions are as it left them (they are durable).
  let live = new Set<string>();
  return {
    name: LIVE_MUTEX,
    check(view) {
      const coordinator = view.nodes[COORDINATOR - 1];
      if (coordinator?.state !== undefined) live = liveSessions(coordinator.state);
      const inside = view.nodes
        .filter((n) => n.up && n.state?.inCS === true && live.has(`${n.id}:${n.state.session}`))
        .map((n) => n.id);
      return inside.length <= 1
        ? undefined
        : `clients ${inside.join(' and ')} hold the lock at once, both in live sessions`;
    },
  };
}

export function fifoGrants(): Check {
  let seen = 0;
  let last = 0;
  return {
    name: FIFO,
    check(view) {
      for (; seen < view.outputs.length; seen++) {
        const { output: o, node, atMs } = view.outputs[seen]!;
        if (o.type !== 'enter') continue;
        if (o.token <= last)
          return `at ${atMs} ms client ${node} entered with entry ${o.token} after entry ${last}`;
        last = o.token;
      }
      return undefined;
    },
  };
}

export function znodeQueueInvariants(): Check[] {
  return [
    liveSessionMutex(),
    fromMutex(mutualExclusion()),
    fifoGrants(),
    fromMutex(noUnaskedGrant()),
  ];
}

export function znodeQueueLiveness(
  opts: ZnodeQueueOptions,
): Liveness<ZnodeQueueState, LockOutput>[] {
  return [fromMutex(everyRequestServed(opts.requests, isClient))];
}
