// The locks/redlock process [003; SPEC §5; antirez, "Distributed locks with Redis"]: N
// independent lock instances (instance.ts) and clients that hold the lock once a majority
// of them granted it within less than the TTL minus drift (client.ts). Nothing ties the
// instances together but the clients' majorities and the instances' clocks: a key expires
// when its instance's clock says so. So safety rests on timing — bounded drift, bounded
// pauses — and a clock that jumps on a majority of instances lets a second client hold
// while the first still does (Kleppmann's critique; scenario `clock-jump`).
//
// Fault model: every fault kind, with pauses up to `maxPauseMs` and drift within ±5%;
// a restarted instance sits out one TTL.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { LockOutput } from '../workload.js';
import {
  clientAsk,
  clientFail,
  clientLockReply,
  clientRelease,
  clientRetry,
  think,
} from './client.js';
import { instanceLock, instanceStart, instanceUnlock } from './instance.js';
import type { RedlockMessage } from './messages.js';
import type { RedlockConfig, X } from './options.js';
import { initRedlockState, REDLOCK_DURABLE, type RedlockState } from './state.js';

export type RedlockTimer = 'think' | 'timeout' | 'retry' | 'hold';

function assertConsistent(s: RedlockState): void {
  assert(s.inCS === (s.phase === 'holding'), 'a client is inside exactly while it holds');
  assert(s.granted.length <= s.answered.length, 'every grant is an answer');
}

const isInstance = (x: X, id: NodeId) => x.c.instances.includes(id);

export const redlockProcess = defineProcess<
  RedlockMessage,
  LockOutput,
  RedlockState,
  RedlockConfig,
  RedlockTimer
>({
  init: initRedlockState,
  durable: [...REDLOCK_DURABLE],
  onStart(x) {
    if (x.s.role === 'instance') instanceStart(x);
    else think(x);
    assertConsistent(x.s);
    assert(x.s.role !== 'instance' || x.s.starts >= 1, 'an instance counts its incarnations');
  },
  onMessage: {
    Lock(x, from, m) {
      if (x.s.role === 'instance' && !isInstance(x, from)) instanceLock(x, from, m.nonce, m.ttlMs);
      assertConsistent(x.s);
      assert(x.s.key === null || x.s.key.owner !== x.env.id, 'an instance never locks for itself');
    },
    Unlock(x, from, m) {
      if (x.s.role === 'instance') instanceUnlock(x, from, m.nonce);
      assertConsistent(x.s);
      assert(x.s.key?.owner !== from || x.s.key.nonce !== m.nonce, 'an unlock deletes its key');
    },
    LockReply(x, from, m) {
      if (x.s.role === 'client' && isInstance(x, from)) clientLockReply(x, from, m.nonce, m.ok);
      assertConsistent(x.s);
      assert(x.s.answered.length <= x.c.instances.length, 'each instance answers once');
    },
  },
  onTimer: {
    think(x) {
      clientAsk(x);
      assertConsistent(x.s);
      assert(x.s.phase === 'acquiring', 'a client that has thought tries');
    },
    timeout(x) {
      clientFail(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'acquiring', 'an attempt out of time fails');
    },
    retry(x) {
      clientRetry(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'backoff', 'a backoff ends in a new attempt');
    },
    hold(x) {
      clientRelease(x);
      assertConsistent(x.s);
      assert(!x.s.inCS, 'the hold ends');
    },
  },
});
