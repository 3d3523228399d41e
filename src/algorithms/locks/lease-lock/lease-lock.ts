// The locks/lease-lock process [003; SPEC §5]: the notes' lock with expiry, as Redis'
// `SET key token NX PX ttl` or a lock table with an expiry column gives it. Node 1 is the
// lock server (server.ts), node 2 the storage the lock protects (storage.ts), nodes 3..n
// clients (client.ts). A lease is the server's promise not to grant again before its TTL
// has run out on the server's clock; a holder acts only within the budget its own clock
// allows (../timing.ts). That is safe only while pauses, drift and latency stay within the
// bounds the budget assumes — the point of Kleppmann's critique. With `--fencing` the
// storage checks the grant's token itself and safety needs no timing at all.
//
// Fault model: without --fencing, every fault kind with pauses up to `maxPauseMs`, drift
// within ±5% and message delay up to 40 ms (scenarios `gc-pause` and `clock-drift` step
// outside and break it); with --fencing, every fault kind, unbounded.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { LockOutput } from '../workload.js';
import {
  clientAsk,
  clientGranted,
  clientReady,
  clientRetry,
  clientWork,
  clientWriteReply,
  think,
} from './client.js';
import type { LeaseLockMessage } from './messages.js';
import type { LeaseLockConfig, X } from './options.js';
import { grantNext, serverAcquire, serverRelease, serverStart } from './server.js';
import {
  initLeaseLockState,
  LEASE_LOCK_DURABLE,
  type LeaseLockState,
  LOCK_SERVER,
  REMEMBERED_ATTEMPTS,
  STORAGE,
} from './state.js';
import { storageWrite } from './storage.js';

export type LeaseLockTimer = 'think' | 'retry' | 'work' | 'expire';

/** What holds after every step of ours. */
function assertConsistent(s: LeaseLockState): void {
  assert(s.inCS === (s.held !== null), 'a client is inside exactly while it holds a lease');
  assert(s.sent.length <= REMEMBERED_ATTEMPTS, 'attempts remembered are bounded');
  assert(s.lease === null || s.lease.token <= s.token, 'no lease carries a token not yet issued');
}

export const leaseLockProcess = defineProcess<
  LeaseLockMessage,
  LockOutput,
  LeaseLockState,
  LeaseLockConfig,
  LeaseLockTimer
>({
  init: initLeaseLockState,
  durable: [...LEASE_LOCK_DURABLE],
  onStart(x) {
    if (x.s.role === 'server') serverStart(x);
    if (x.s.role === 'client') think(x);
    assertConsistent(x.s);
    assert(x.s.role !== 'server' || x.s.starts >= 1, 'the server counts its incarnations');
  },
  onMessage: {
    Acquire(x, from, m) {
      if (x.s.role === 'server' && isClientId(x, from)) serverAcquire(x, from, m.attempt);
      assertConsistent(x.s);
      assert(x.s.queue.length <= x.c.clients, 'each client waits at most once');
    },
    Release(x, from, m) {
      if (x.s.role === 'server') serverRelease(x, from, m.token);
      assertConsistent(x.s);
      assert(x.s.lease?.client !== from || x.s.lease.token !== m.token, 'a release frees');
    },
    Granted(x, from, m) {
      if (x.s.role === 'client' && from === LOCK_SERVER)
        clientGranted(x, m.attempt, m.token, m.ttlMs);
      assertConsistent(x.s);
      assert(x.s.phase !== 'waiting' || x.s.held === null, 'a waiting client holds nothing');
    },
    Ready(x, from) {
      if (x.s.role === 'client' && from === LOCK_SERVER && x.s.phase === 'waiting') clientReady(x);
      assertConsistent(x.s);
      assert(x.s.held === null || x.s.phase !== 'waiting', 'a waiting client holds nothing');
    },
    Write(x, from, m) {
      if (x.s.role === 'storage' && isClientId(x, from)) storageWrite(x, from, m.token, m.unit);
      assertConsistent(x.s);
      assert(!x.c.opts.fencing || x.s.newest >= m.token || x.s.role !== 'storage', 'fenced');
    },
    WriteReply(x, from, m) {
      if (x.s.role === 'client' && from === STORAGE)
        clientWriteReply(x, m.token, m.unit, m.accepted);
      assertConsistent(x.s);
      assert(x.s.served <= x.c.opts.requests, 'no client is served more than it asks');
    },
  },
  onTimer: {
    think(x) {
      clientAsk(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'idle', 'a client that has thought asks');
    },
    retry(x) {
      clientRetry(x);
      assertConsistent(x.s);
      assert(x.s.served <= x.c.opts.requests, 'no client is served more than it asks');
    },
    work(x) {
      clientWork(x);
      assertConsistent(x.s);
      assert(x.s.phase !== 'working', 'the work ends in a write');
    },
    expire(x) {
      grantNext(x);
      assertConsistent(x.s);
      assert(x.s.role === 'server', 'only the server times leases');
    },
  },
});

function isClientId(x: X, id: NodeId): boolean {
  return id > STORAGE && id <= x.env.nodes.length;
}
