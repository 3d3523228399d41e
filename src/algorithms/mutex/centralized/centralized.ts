// The centralized mutex process [000, 001 §2.1]: node 1 coordinates, nodes 2..n ask it.
// Request → Grant → Release: exactly 3 messages per entry without faults; first come, first
// served (coordinator.ts, client.ts). The coordinator's book (queue, holder, per-client
// progress) is durable, so a restarted coordinator resumes where it stopped and never
// re-grants a lock that is held. Requests carry a per-client number; a client re-sends its
// request when no grant came in time, and the coordinator probes a holder that has not
// released long after its grant. So loss and duplication cost messages, never safety.
//
// With `--failover` the coordinator role moves (failover.ts); a node that becomes coordinator
// keeps asking for the critical section too, handling its own messages locally
// (../local-delivery.ts).
//
// Fault model: crash-recovery of any node, loss, duplication, reordering. Without
// --failover a coordinator that stays down stalls everyone (scenario coordinator-crash);
// with it, the perfect failure detector's model (failure-detector.ts).

import { assert } from '../../../core/assert.js';
import { defineProcess, type MessageHandlers } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { heardFrom } from '../failure-detector.js';
import type { MutexOutput } from '../workload.js';
import { clientAsk, clientGranted, clientRelease, clientRestart, clientRetry } from './client.js';
import { coordinatorRelease, coordinatorRequest, grantNext, probeHolder } from './coordinator.js';
import {
  failoverAlive,
  failoverClaim,
  failoverElect,
  failoverReport,
  failoverWatch,
  startElection,
  startFailover,
  win,
} from './failover.js';
import type { CentralizedMessage } from './messages.js';
import type { CentralizedConfig, CentralizedRunConfig, X } from './options.js';
import {
  bookSettled,
  CENTRALIZED_DURABLE,
  type CentralizedState,
  clientConsistent,
  initCentralizedState,
  isRequester,
  queueUnique,
} from './state.js';

export type CentralizedTimer =
  | 'think'
  | 'hold'
  | 'retry'
  | 'probe'
  | 'beat'
  | 'watch'
  | 'elect'
  | 'victory'
  | 'rebuild';

type Handlers = MessageHandlers<
  CentralizedMessage,
  MutexOutput,
  CentralizedState,
  CentralizedConfig
>;

/** Any message from the coordinator we follow shows it is alive (failover's detector). */
function heard({ s, env }: X, from: NodeId): void {
  if (s.detector !== null && from === s.coord) heardFrom(s.detector, from, env.now());
}

/** What holds after every step of ours (state.ts). */
function assertConsistent(s: CentralizedState): void {
  assert(clientConsistent(s), 'the phase, inCS, served and req agree');
  assert(bookSettled(s), 'a settled coordinator never leaves the lock free while one waits');
}

/** Failover messages mean nothing without --failover; with it, they carry an epoch. */
function failoverHeard(x: X, from: NodeId, epoch: number): boolean {
  heard(x, from);
  if (!x.c.opts.failover) return false;
  x.s.epochSeen = Math.max(x.s.epochSeen, epoch);
  return true;
}

const onMessage: Handlers = {
  Request(x, from, m) {
    heard(x, from);
    if (x.s.role === 'coordinator') coordinatorRequest(x, from, m.req);
    assertConsistent(x.s);
    assert(queueUnique(x.s.book), 'a request is queued at most once');
  },
  Release(x, from, m) {
    heard(x, from);
    if (x.s.role === 'coordinator') coordinatorRelease(x, from, m.req);
    assertConsistent(x.s);
    assert(
      x.s.role !== 'coordinator' || (x.s.book.done[from] ?? 0) >= m.req,
      'a release finishes its request',
    );
  },
  Grant(x, from, m) {
    heard(x, from);
    if (from === x.s.coord && isRequester(x.env.id)) clientGranted(x, m.req);
    assertConsistent(x.s);
    assert(!x.s.inCS || x.s.phase === 'inside', 'only an inside client holds the lock');
  },
  Probe(x, from, m) {
    heard(x, from);
    if (from === x.s.coord && isRequester(x.env.id)) clientGranted(x, m.req);
    assertConsistent(x.s);
    assert(!x.s.inCS || x.s.phase === 'inside', 'only an inside client holds the lock');
  },
  Heartbeat(x, from, m) {
    if (failoverHeard(x, from, m.epoch)) failoverClaim(x, from, m.epoch);
    assertConsistent(x.s);
    assert(x.s.epoch <= x.s.epochSeen, 'we follow no epoch above the highest seen');
  },
  Victory(x, from, m) {
    if (failoverHeard(x, from, m.epoch)) failoverClaim(x, from, m.epoch);
    assertConsistent(x.s);
    assert(x.s.epoch <= x.s.epochSeen, 'we follow no epoch above the highest seen');
  },
  Elect(x, from, m) {
    if (failoverHeard(x, from, m.epoch)) failoverElect(x, from);
    assertConsistent(x.s);
    assert(x.s.epoch <= x.s.epochSeen, 'we follow no epoch above the highest seen');
  },
  Alive(x, from, m) {
    if (failoverHeard(x, from, m.epoch)) failoverAlive(x);
    assertConsistent(x.s);
    assert(x.s.election !== 'electing', "an Alive ends the election's wait for answers");
  },
  Report(x, from, m) {
    if (failoverHeard(x, from, m.epoch)) failoverReport(x, from, m);
    assertConsistent(x.s);
    assert(queueUnique(x.s.book), 'a request is queued at most once');
  },
};

/** Handles `m` as if it had arrived from `from`, in the current step (../local-delivery.ts). */
function receive(x: X, from: NodeId, m: CentralizedMessage): void {
  const handler = onMessage[m.type] as (x: X, from: NodeId, m: CentralizedMessage) => void;
  handler(x, from, m);
}

const centralizedProcess = defineProcess<
  CentralizedMessage,
  MutexOutput,
  CentralizedState,
  CentralizedConfig,
  CentralizedTimer
>({
  init: initCentralizedState,
  durable: [...CENTRALIZED_DURABLE],
  onStart(x) {
    const { s, env, c } = x;
    const restarted = s.starts > 0;
    s.starts++;
    if (c.opts.failover) {
      if (restarted) s.role = 'client'; // A restarted node only coordinates again by election.
      startFailover(x);
    }
    if (s.role === 'coordinator' && s.book.holder !== null) probeHolder(x);
    if (isRequester(env.id)) clientRestart(x);
    assertConsistent(s);
    assert(s.starts >= 1, 'this incarnation is counted');
  },
  onMessage,
  onTimer: {
    think(x) {
      clientAsk(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'idle', 'a client that has thought asks');
    },
    hold(x) {
      clientRelease(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'inside', 'holding ends with leaving');
    },
    retry(x) {
      clientRetry(x);
      assertConsistent(x.s);
      assert(x.s.served <= x.c.opts.requests, 'no client is served more than it asks');
    },
    probe(x) {
      probeHolder(x);
      assertConsistent(x.s);
      assert(queueUnique(x.s.book), 'a request is queued at most once');
    },
    beat(x) {
      const { s, env, c } = x;
      if (s.role === 'coordinator') {
        env.broadcast({ type: 'Heartbeat', epoch: s.epoch });
        env.setTimer('beat', c.timing.heartbeatMs);
      }
      assertConsistent(s);
      assert(s.role !== 'coordinator' || s.coord === env.id, 'a coordinator follows itself');
    },
    watch(x) {
      failoverWatch(x);
      assertConsistent(x.s);
      assert(x.s.role !== 'coordinator' || x.s.coord === x.env.id, 'a coordinator follows itself');
    },
    elect(x) {
      if (x.s.election === 'electing') win(x);
      assertConsistent(x.s);
      assert(x.s.election !== 'electing', 'an unanswered election is won');
    },
    victory(x) {
      if (x.s.election === 'awaiting-victory') startElection(x);
      assertConsistent(x.s);
      assert(x.s.election !== 'awaiting-victory', 'no Victory in time: elect again');
    },
    rebuild(x) {
      const rebuilding = x.s.election === 'rebuilding';
      if (rebuilding) {
        x.s.election = 'none';
        grantNext(x);
      }
      assertConsistent(x.s);
      assert(!rebuilding || x.s.election === 'none', 'the rebuild ends when its time is up');
    },
  },
});

/** One incarnation of node `id`: the kernel's process, with local delivery wired in. */
export function createCentralized(c: CentralizedRunConfig, id: NodeId) {
  return centralizedProcess({ ...c, receive }, id);
}
