// The locks/znode-queue process [003; SPEC §5]: the notes' ZooKeeper lock — a persistent
// parent, one EPHEMERAL_SEQUENTIAL child per waiter, the lowest holds, each waiter watches
// only its predecessor, and session expiry deletes a dead client's child — which is also
// etcd's concurrency.Mutex (keys under a prefix attached to a lease, lowest create revision
// holds, wait for the deletion of the key just before yours). Node 1 is the coordinator
// (coordinator.ts), nodes 2..n clients (client.ts). With `--herd` every waiter watches the
// holder instead, and each release wakes them all: the herd effect the recipe avoids.
//
// Fault model: every fault kind, with pauses up to `maxPauseMs` and drift within ±5%: a
// client gives the lock up before its session can have expired only if it is not paused
// for longer (scenario `gc-pause`). Mutual exclusion among LIVE sessions and FIFO order
// need no timing at all.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { LockOutput } from '../workload.js';
import {
  clientAsk,
  clientDeleted,
  clientGone,
  clientLapse,
  clientNotify,
  clientPing,
  clientPlace,
  clientPong,
  clientRelease,
  clientRetry,
  clientStart,
} from './client.js';
import {
  coordinatorCheck,
  coordinatorCreate,
  coordinatorDelete,
  coordinatorExpire,
  coordinatorPing,
  coordinatorStart,
} from './coordinator.js';
import type { ZnodeQueueMessage } from './messages.js';
import type { X, ZnodeQueueConfig } from './options.js';
import {
  COORDINATOR,
  COORDINATOR_DURABLE,
  initZnodeQueueState,
  type ZnodeQueueState,
} from './state.js';

export type ZnodeQueueTimer = 'think' | 'ping' | 'retry' | 'hold' | 'lapse' | 'expire';

function assertConsistent(s: ZnodeQueueState): void {
  assert(s.inCS === (s.phase === 'inside'), 'a client is inside exactly in that phase');
  const seqs = s.entries.map((e) => e.seq);
  assert(
    seqs.every((q, i) => i === 0 || q > (seqs[i - 1] as number)),
    'entries stay in sequence order',
  );
}

const atCoordinator = (x: X) => x.s.role === 'coordinator';
const fromCoordinator = (x: X, from: number) => x.s.role === 'client' && from === COORDINATOR;

export const znodeQueueProcess = defineProcess<
  ZnodeQueueMessage,
  LockOutput,
  ZnodeQueueState,
  ZnodeQueueConfig,
  ZnodeQueueTimer
>({
  init: initZnodeQueueState,
  durable: [...COORDINATOR_DURABLE],
  onStart(x) {
    if (atCoordinator(x)) coordinatorStart(x);
    else clientStart(x);
    assertConsistent(x.s);
    assert(x.s.role === 'coordinator' || x.s.session >= 1, 'a client runs in a session');
  },
  onMessage: {
    Ping(x, from, m) {
      if (atCoordinator(x) && from !== COORDINATOR) coordinatorPing(x, from, m.session, m.atMs);
      assertConsistent(x.s);
      const now = x.env.now();
      assert(
        x.s.sessions.every((v) => v.heardAtMs <= now),
        'no session heard in the future',
      );
    },
    Create(x, from, m) {
      if (atCoordinator(x) && from !== COORDINATOR) coordinatorCreate(x, from, m.session, m.req);
      assertConsistent(x.s);
      assert(x.s.nextSeq >= 1, 'sequence numbers start at 1');
    },
    Check(x, from, m) {
      if (atCoordinator(x) && from !== COORDINATOR) coordinatorCheck(x, from, m.seq);
      assertConsistent(x.s);
      assert(x.s.seq === 0 || !atCoordinator(x), 'the coordinator never queues itself');
    },
    Delete(x, from, m) {
      if (atCoordinator(x) && from !== COORDINATOR) coordinatorDelete(x, from, m.seq);
      assertConsistent(x.s);
      assert(!x.s.entries.some((e) => e.seq === m.seq && e.client === from), 'deleted');
    },
    Pong(x, from, m) {
      if (fromCoordinator(x, from)) clientPong(x, m.session, m.atMs);
      assertConsistent(x.s);
      assert(x.s.validUntilMs <= x.env.now() + x.c.sessionBudgetMs, 'validity is bounded');
    },
    Created(x, from, m) {
      const ours = m.session === x.s.session && m.req === x.s.req && x.s.phase === 'creating';
      if (fromCoordinator(x, from) && ours) clientPlace(x, m.seq, m.pred);
      assertConsistent(x.s);
      assert(!x.s.inCS || x.s.pred === 0, 'a holder waits for nobody');
    },
    CheckReply(x, from, m) {
      const ours = m.seq === x.s.seq && x.s.phase === 'checking';
      if (fromCoordinator(x, from) && ours) {
        if (m.exists) clientPlace(x, m.seq, m.pred);
        else clientGone(x, m.seq);
      }
      assertConsistent(x.s);
      assert(!x.s.inCS || x.s.pred === 0, 'a holder waits for nobody');
    },
    Notify(x, from, m) {
      if (fromCoordinator(x, from)) clientNotify(x, m.seq);
      assertConsistent(x.s);
      assert(x.s.phase !== 'watching' || x.s.pred !== m.seq, 'a fired watch is not waited on');
    },
    Deleted(x, from, m) {
      if (fromCoordinator(x, from)) clientDeleted(x, m.seq);
      assertConsistent(x.s);
      assert(x.s.phase !== 'deleting' || x.s.seq !== m.seq, 'a delete answered ends');
    },
  },
  onTimer: {
    think(x) {
      clientAsk(x);
      assertConsistent(x.s);
      assert(x.s.role === 'client', 'only clients think');
    },
    ping(x) {
      clientPing(x);
      assertConsistent(x.s);
      assert(x.s.role === 'client', 'only clients ping');
    },
    retry(x) {
      clientRetry(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'watching', 'a retry checks again');
    },
    hold(x) {
      clientRelease(x);
      assertConsistent(x.s);
      assert(!x.s.inCS, 'the hold ends');
    },
    lapse(x) {
      clientLapse(x);
      assertConsistent(x.s);
      assert(x.env.now() < x.s.validUntilMs || !x.s.inCS, 'no holder outlives its session');
    },
    expire(x) {
      coordinatorExpire(x);
      assertConsistent(x.s);
      assert(atCoordinator(x), 'only the coordinator expires sessions');
    },
  },
});
