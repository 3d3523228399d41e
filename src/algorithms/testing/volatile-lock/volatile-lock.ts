// testing/volatile-lock — a deliberately broken lock server, used only by the tests that
// prove the fuzzer catches, shrinks and replays a safety violation. Node 1 grants a lock to
// one client at a time, but keeps who holds it in VOLATILE state: when it crashes and
// restarts it forgets the holder and grants the lock again while the holder is still
// inside. Everything else is careful (retries, grant numbers that only grow and are
// durable), so the crash of node 1 is the only way to break mutual exclusion — which is
// what the shrinker must find. Its peer input is parsed like every algorithm's
// (messages.ts): the bug is the volatile holder, nothing else.
//
// A client: idle —want→ waiting (Acquire, retried) —Grant→ inside —release→ releasing
// (Release, retried) —ReleaseAck→ idle. The server answers an Acquire with a Grant when the
// lock is free or already the sender's, and a Release with a ReleaseAck (freeing the lock
// when the release is the current holder's current grant).
//
// Fault model: crash-recovery of the server breaks mutual exclusion (the bug, on purpose);
// message loss, duplication and reordering do not (retries; stale grants are refused).

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { LockMessage, LockOutput } from './messages.js';
import type { VolatileLockConfig } from './options.js';
import { holdsGrant, initLockState, type LockState } from './state.js';

type X = Step<LockMessage, LockOutput, LockState, VolatileLockConfig>;

export type LockTimer = 'want' | 'release' | 'retry';

/** What every client timer ends with: repeat the request of the phase, and again later. */
function repeatRequest({ s, env, c }: X): void {
  if (s.phase === 'waiting') env.send(c.server, { type: 'Acquire' });
  if (s.phase === 'releasing') env.send(c.server, { type: 'Release', grant: s.grant });
  if (s.phase === 'waiting' || s.phase === 'releasing') env.setTimer('retry', c.retryMs);
}

/** Grant → a waiting client enters with that grant and leaves a little later. */
function enter({ s, env }: X, grant: number): void {
  s.phase = 'inside';
  s.grant = grant;
  s.entries++;
  env.output({ type: 'enter' });
  env.setTimer('release', env.random.range(5, 30));
}

export const createVolatileLock = defineProcess<
  LockMessage,
  LockOutput,
  LockState,
  VolatileLockConfig,
  LockTimer
>({
  init: initLockState,
  // The grant number survives a restart; the holder does not (the bug).
  durable: ['nextGrant'],
  onStart({ s, env, c }) {
    if (s.role === 'client') env.setTimer('want', env.random.range(1, 50));
    assert(s.role === (env.id === c.server ? 'server' : 'client'), 'node 1 is the server');
    assert(s.holder === null && s.phase === 'idle', 'a fresh incarnation holds nothing');
  },
  onMessage: {
    Acquire({ s, env }, from) {
      if (s.role !== 'server') return; // Only the server grants.
      if (s.holder === null) {
        s.holder = from;
        s.nextGrant++; // Durable (the kernel saves it in this step) — yet the holder is not.
      }
      if (s.holder === from) env.send(from, { type: 'Grant', grant: s.nextGrant });
      assert(s.holder !== null, 'an Acquire leaves the lock held');
      assert(s.nextGrant >= 1, 'a held lock was granted at least once');
    },
    Release({ s, env }, from, m) {
      if (s.role !== 'server') return;
      if (s.holder === from && m.grant === s.nextGrant) s.holder = null;
      env.send(from, { type: 'ReleaseAck', grant: m.grant });
      assert(
        s.holder !== from || m.grant !== s.nextGrant,
        "the holder's release of the current grant frees the lock",
      );
      assert(s.holder === null || s.nextGrant >= 1, 'a held lock was granted at least once');
    },
    Grant(x, _from, m) {
      const { s, env, c } = x;
      // A delayed copy of an old grant must not let us in: grant numbers only grow.
      if (s.role !== 'client' || m.grant <= s.grant) return;
      if (s.phase === 'waiting') enter(x, m.grant);
      else if (s.phase === 'idle') env.send(c.server, { type: 'Release', grant: m.grant }); // Granted after we stopped asking.
      assert(s.phase !== 'waiting', 'a fresh grant lets a waiting client in');
      assert(!holdsGrant(s) || (s.grant >= 1 && s.entries >= 1), 'a client inside holds a grant');
    },
    ReleaseAck({ s, env }, _from, m) {
      if (s.role !== 'client' || s.phase !== 'releasing' || m.grant !== s.grant) return;
      s.phase = 'idle';
      env.setTimer('want', env.random.range(5, 60));
      assert(s.grant >= 1 && s.entries >= 1, 'a client that left had entered with a grant');
      assert(s.holder === null && s.nextGrant === 0, "a client never uses the server's fields");
    },
  },
  onTimer: {
    want(x) {
      const { s } = x;
      assert(s.role === 'client', 'only a client sets timers');
      // Set at start and on leaving, both idle; only this timer leaves idle.
      assert(s.phase === 'idle', 'want fires on an idle client');
      s.phase = 'waiting';
      repeatRequest(x);
    },
    release(x) {
      const { s, env } = x;
      assert(s.role === 'client', 'only a client sets timers');
      // Set on entering; only this timer leaves `inside`.
      assert(s.phase === 'inside', 'release fires on a client inside');
      s.phase = 'releasing';
      env.output({ type: 'exit' });
      repeatRequest(x);
    },
    retry(x) {
      const { s } = x;
      assert(s.role === 'client', 'only a client sets timers');
      repeatRequest(x);
      assert(!holdsGrant(s) || s.grant >= 1, 'a client inside holds a grant');
    },
  },
});
