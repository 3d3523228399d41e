// The token-ring process: workload (request, enter, exit), one handler per message type and
// per timer, on the kernel (core/kernel.ts). The holder's rules are in holder.ts, loss
// detection and regeneration in regeneration.ts, the reliable hand-off in handoff.ts and the
// lease arithmetic in lease.ts; they work in a per-step Ctx (state.ts) built from the
// kernel's step and the hand-off's I/O over its Env.
//
// Restart: the durable part (phase, served, promised generation, token, hand-off, newest
// stamp seen) comes back; the lease reference points do not, so a restarted holder passes
// its token on before it may use it again. A node that crashed inside the critical section
// reports the interrupted section's `exit` and asks again.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import { resumeCriticalSection, thinkAndHoldTimers } from '../critical-section.js';
import type { HandoffIo } from './handoff.js';
import { retryHandoff } from './handoff.js';
import { onHolding, onToken, onTokenAck, onTokenReject, pass } from './holder.js';
import type { RingToken, TokenRingMessage } from './messages.js';
import { HANDOFF_ATTEMPTS, type Timing, type TokenRingConfig } from './options.js';
import {
  issue,
  onLostTimer,
  onPrepare,
  onProbe,
  onProbeReply,
  onPromise,
  onPromiseTimer,
  onRefuse,
  onRegenTimer,
  onWithdraw,
  startPrepare,
} from './regeneration.js';
import { compareStamps } from './stamp.js';
import {
  armLost,
  type Ctx,
  type E,
  initTokenRingState,
  isDone,
  TOKEN_RING_DURABLE,
  type TokenRingOutput,
  type TokenRingState,
  tokenRingConsistent,
} from './state.js';

type X = Step<TokenRingMessage, TokenRingOutput, TokenRingState, TokenRingConfig>;

export type TokenRingTimer =
  | 'think'
  | 'hold'
  | 'pass'
  | 'handoff'
  | 'lost'
  | 'regen'
  | 'issue'
  | 'promise';

function handoffIo(env: E, t: Timing): HandoffIo<RingToken> {
  return {
    sendToken: (to, token) => env.send(to, { type: 'Token', token }),
    sendAck: (to, stamp) => env.send(to, { type: 'TokenAck', gen: stamp.gen, hop: stamp.hop }),
    // Exponential backoff: a slow link is not taken for a dead successor too soon.
    armRetry: (attempt) => env.setTimer('handoff', t.handoffRetryMs * 2 ** (attempt - 1)),
    cancelRetry: () => env.cancelTimer('handoff'),
  };
}

/** The holder and regeneration rules' view of this step. */
function ctx({ s, env, c }: X): Ctx {
  const { opts, t, n } = c;
  return { s, env, opts, t, io: handoffIo(env, t), n, regenerate: startPrepare };
}

/** A regeneration round is for a generation we proposed (proposals only grow). */
function roundProposed(s: TokenRingState): boolean {
  return s.regen === null || s.regen.kind === 'probe' || s.regen.gen <= s.proposed;
}

function promiseHeld(s: TokenRingState): boolean {
  return s.promise === null || s.promise.gen <= s.promised;
}

function assertConsistent(x: X): void {
  assert(
    tokenRingConsistent(x.s, x.c.opts.requests),
    'phase and inCS agree, a hand-off is of the token we hold, which is the newest we saw',
  );
}

/** onStart: the kernel has restored the durable fields of an earlier incarnation, if any. */
function boot(c: Ctx, restarted: boolean): void {
  const { s, env } = c;
  const now = env.now();
  s.grantedAtMs = now; // We may have granted just before a crash: count it from now.
  if (!restarted && env.id === 1) {
    // Node 1 creates generation 0 at its first start; its take is the first grant.
    s.token = { gen: 0, hop: 0, ring: env.nodes, log: [{ node: 1, hop: 0 }], done: [] };
    s.seen = { gen: 0, hop: 0 };
    s.visitRef = { gen: 0, hop: 0, atMs: now };
  }
  resumeCriticalSection(s, env, c.opts);
  if (s.handoff !== null) {
    s.handoff = { to: s.handoff.to, attempts: 0 };
    retryHandoff(s, c.io);
  } else {
    onHolding(c, 'idle');
  }
  if (s.token !== null) return;
  // After a restart we may have been dropped from the ring while down: ask soon.
  if (restarted && !isDone(c)) env.setTimer('lost', c.t.regenRetryMs);
  else armLost(c);
}

export const createTokenRing = defineProcess<
  TokenRingMessage,
  TokenRingOutput,
  TokenRingState,
  TokenRingConfig,
  TokenRingTimer
>({
  init: initTokenRingState,
  durable: [...TOKEN_RING_DURABLE],
  onStart(x) {
    const restarted = x.s.starts > 0;
    x.s.starts++;
    boot(ctx(x), restarted);
    assertConsistent(x);
    assert(x.s.phase !== 'inside', 'a node starts outside the critical section');
  },
  onMessage: {
    Token(x, from, m) {
      onToken(ctx(x), from, m.token);
      assertConsistent(x);
      assert(
        m.token.gen < x.s.promised || compareStamps(m.token, x.s.seen) <= 0,
        'a token is refused as dead, or is no newer than what we have seen',
      );
    },
    TokenAck(x, from, m) {
      onTokenAck(ctx(x), from, m.gen, m.hop);
      assertConsistent(x);
      assert(x.s.handoff === null || x.s.token !== null, 'a hand-off is of a held token');
    },
    TokenReject(x, from, m) {
      onTokenReject(ctx(x), from, m.gen, m.hop, m.promised);
      assertConsistent(x);
      assert(x.s.handoff?.to !== from || x.s.token !== null, 'a rejected hand-off is dropped');
    },
    Probe(x, from) {
      onProbe(ctx(x), from);
      assertConsistent(x);
      assert(new Set(x.s.joiners).size === x.s.joiners.length, 'a joiner is listed once');
    },
    ProbeReply(x, from, m) {
      onProbeReply(ctx(x), from, m);
      assertConsistent(x);
      assert(
        x.s.regen?.kind !== 'probe' || x.s.regen.lost.includes(x.env.id),
        'a prober counts itself',
      );
    },
    Prepare(x, from, m) {
      onPrepare(ctx(x), from, m);
      assertConsistent(x);
      assert(promiseHeld(x.s), 'our latest promise is no newer than our promised generation');
    },
    Promise(x, from, m) {
      onPromise(ctx(x), from, m);
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
    Refuse(x, _from, m) {
      onRefuse(ctx(x), m);
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
    Withdraw(x, from, m) {
      onWithdraw(ctx(x), from, m);
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
  },
  onTimer: {
    // Asking or leaving, a holder acts on its token at once (enters, or passes it on).
    ...thinkAndHoldTimers({
      ctx,
      asked: (c) => onHolding(c, 'now'),
      left: (c) => onHolding(c, 'now'),
      check: assertConsistent,
    }),
    pass(x) {
      pass(ctx(x));
      assertConsistent(x);
      assert(x.s.phase !== 'inside' || x.s.handoff === null, 'nobody inside hands off');
    },
    handoff(x) {
      const { s } = x;
      if (s.token !== null && s.handoff !== null) {
        const c = ctx(x);
        if (s.handoff.attempts < HANDOFF_ATTEMPTS) retryHandoff(s, c.io);
        else startPrepare(c, { gen: s.token.gen, hop: s.token.hop });
      }
      assertConsistent(x);
      assert(s.handoff === null || s.handoff.attempts <= HANDOFF_ATTEMPTS, 'retries are bounded');
    },
    lost(x) {
      onLostTimer(ctx(x));
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
    regen(x) {
      onRegenTimer(ctx(x));
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
    issue(x) {
      issue(ctx(x));
      assertConsistent(x);
      assert(roundProposed(x.s), 'a round is for a generation we proposed');
    },
    promise(x) {
      onPromiseTimer(ctx(x));
      assertConsistent(x);
      assert(promiseHeld(x.s), 'our latest promise is no newer than our promised generation');
    },
  },
});
