// Maekawa's √n algorithm (ACM TOCS 1985) with the deadlock-avoidance messages, in the
// corrected form: Sanders (ACM TOCS 5(3), 1987) showed the original can deadlock; here, as in
// Singhal's textbook version, a voter that is LOCKED for one request and receives a request
// of higher priority ((Lamport timestamp, id) order) sends INQUIRE to its holder, and a lower
// priority one gets FAILED; a requester that has received a FAILED yields (RELINQUISH) every
// vote it is asked for, so the higher-priority request can collect its quorum.
//
// Every node votes (voter.ts) and asks (requester.ts); its own vote is delivered locally
// (../local-delivery.ts). Fault handling (loss, duplication, reordering, crash-restart,
// partitions): all protocol state is durable; requests are re-sent to voters that have not
// voted; each vote carries the voter's grant stamp, and a requester ignores a vote whose
// stamp it has already given back, so a delayed LOCKED can never count after its
// RELINQUISH. A voter whose lock blocks others keeps inquiring its holder; a holder asked
// about a request it has finished answers RELEASE, so a lost RELEASE is repaired too.

import { assert } from '../../../core/assert.js';
import { lamportReceive } from '../../../core/clocks/lamport.js';
import { defineProcess, type MessageHandlers } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { armHold, armThink } from '../critical-section.js';
import type { MutexOutput } from '../workload.js';
import type { MaekawaMessage } from './messages.js';
import type { MaekawaConfig, MaekawaRunConfig, X } from './options.js';
import {
  ask,
  leave,
  request,
  requesterFailed,
  requesterInquire,
  requesterLocked,
} from './requester.js';
import {
  initMaekawaState,
  MAEKAWA_DURABLE,
  type MaekawaState,
  maekawaConsistent,
} from './state.js';
import {
  keepInquiring,
  voterInquire,
  voterRelease,
  voterRelinquish,
  voterRequest,
} from './voter.js';

export type MaekawaTimer = 'think' | 'retry' | 'hold' | 'inquire';

type Handlers = MessageHandlers<MaekawaMessage, MutexOutput, MaekawaState, MaekawaConfig>;

/** Every message moves the Lamport clock (each handler then re-arms a blocking inquiry). */
function received(x: X, ts: number): void {
  x.s.clock = lamportReceive(x.s.clock, ts);
}

function assertConsistent(x: X): void {
  assert(maekawaConsistent(x.s), 'phase, inCS, votes and the lock agree');
}

const onMessage: Handlers = {
  Request(x, from, m) {
    received(x, m.ts);
    voterRequest(x, { node: from, ts: m.ts });
    keepInquiring(x);
    assertConsistent(x);
    assert(x.s.lock !== null, 'a voter asked for its vote is locked for someone');
  },
  Locked(x, from, m) {
    received(x, m.ts);
    requesterLocked(x, from, m.ts, m.stamp);
    keepInquiring(x);
    assertConsistent(x);
    assert(x.s.clock >= m.ts, 'the clock passed the vote’s request');
  },
  Failed(x, _from, m) {
    received(x, m.ts);
    requesterFailed(x, m.ts);
    keepInquiring(x);
    assertConsistent(x);
    assert(
      x.s.phase !== 'wanting' || m.ts !== x.s.ts || x.s.failed,
      'a FAILED for our request is remembered',
    );
  },
  Inquire(x, from, m) {
    received(x, m.ts);
    requesterInquire(x, from, m.ts, m.stamp);
    keepInquiring(x);
    assertConsistent(x);
    assert(x.s.inquirers.length === 0 || !x.s.failed, 'a failed request keeps no inquirers');
  },
  Relinquish(x, from, m) {
    received(x, m.ts);
    voterRelinquish(x, from, m.stamp);
    keepInquiring(x);
    assertConsistent(x);
    assert(x.s.lock?.node !== from || x.s.lock.stamp !== m.stamp, 'a relinquished vote moves');
  },
  Release(x, from, m) {
    received(x, m.ts);
    voterRelease(x, from, m.ts);
    keepInquiring(x);
    assertConsistent(x);
    assert(!x.s.queue.some((q) => q.node === from && q.ts <= m.ts), 'released requests leave');
  },
};

/** Handles `m` as if it had arrived from `from`, in the current step (local delivery). */
function receive(x: X, from: NodeId, m: MaekawaMessage): void {
  (onMessage[m.type] as (x: X, from: NodeId, m: MaekawaMessage) => void)(x, from, m);
}

const maekawaProcess = defineProcess<
  MaekawaMessage,
  MutexOutput,
  MaekawaState,
  MaekawaConfig,
  MaekawaTimer
>({
  init: initMaekawaState,
  durable: [...MAEKAWA_DURABLE],
  onStart(x) {
    const { s, env, c } = x;
    if (s.phase === 'inside') armHold(env, c.opts);
    else if (s.phase === 'wanting') ask(x);
    else if (s.served < c.opts.requests) armThink(env, c.opts);
    s.inquiring = false; // Timers died with the crash.
    keepInquiring(x);
    assertConsistent(x);
    assert(s.served <= c.opts.requests, 'nobody is served more than it asks');
  },
  onMessage,
  onTimer: {
    think(x) {
      if (x.s.phase === 'idle') request(x);
      keepInquiring(x);
      assertConsistent(x);
      assert(x.s.phase !== 'idle', 'a node that has thought asks');
    },
    retry(x) {
      if (x.s.phase === 'wanting') ask(x);
      keepInquiring(x);
      assertConsistent(x);
      assert(x.s.served <= x.c.opts.requests, 'nobody is served more than it asks');
    },
    hold(x) {
      if (x.s.phase === 'inside') leave(x);
      keepInquiring(x);
      assertConsistent(x);
      assert(x.s.phase !== 'inside', 'holding ends with leaving');
    },
    inquire(x) {
      voterInquire(x);
      keepInquiring(x);
      assertConsistent(x);
      assert(
        x.s.inquiring === (x.s.lock !== null && x.s.queue.length > 0),
        'inquiring iff blocking',
      );
    },
  },
});

/** One incarnation of node `id`: the kernel's process, with local delivery wired in. */
export function createMaekawa(c: MaekawaRunConfig, id: NodeId) {
  return maekawaProcess({ ...c, receive }, id);
}
