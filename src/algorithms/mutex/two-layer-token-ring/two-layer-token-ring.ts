// The two-layer token-ring process: workload, one handler per message type and per timer
// on the kernel (core/kernel.ts), and restart. The rings' rules are in rings.ts and work in
// a per-step Ctx (state.ts); the hand-off is the token ring's (../token-ring/handoff.ts).
//
// Restart: both tokens (with any hand-off in progress), the lap flag and the workload
// progress are durable. A restarted node resumes its hand-offs and its turn; a node that
// crashed inside the critical section reports that section's `exit` and asks again.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import { resumeCriticalSection, thinkAndHoldTimers } from '../critical-section.js';
import type { HandoffIo } from '../token-ring/handoff.js';
import { retryHandoff } from '../token-ring/handoff.js';
import type { MutexOutput } from '../workload.js';
import type { LayerToken, TwoLayerMessage } from './messages.js';
import type { TwoLayerConfig } from './options.js';
import { localTurn, onAck, onGlobalToken, onLocalToken, openLap, passLocal } from './rings.js';
import {
  type Ctx,
  type E,
  holds,
  initTwoLayerState,
  TWO_LAYER_DURABLE,
  type TwoLayerState,
  twoLayerConsistent,
} from './state.js';

type X = Step<TwoLayerMessage, MutexOutput, TwoLayerState, TwoLayerConfig>;

export type TwoLayerTimer =
  | 'think'
  | 'hold'
  | 'localPass'
  | 'globalPass'
  | 'localRetry'
  | 'globalRetry';

/** Re-sends back off exponentially up to this, and never give up (no repair here). */
const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 1_000;

function io(env: E, layer: 'local' | 'global'): HandoffIo<LayerToken> {
  const local = layer === 'local';
  const timer = local ? 'localRetry' : 'globalRetry';
  return {
    sendToken: (to, token) =>
      env.send(to, local ? { type: 'LocalToken', token } : { type: 'GlobalToken', token }),
    sendAck: (to, { hop }) =>
      env.send(to, local ? { type: 'LocalAck', gen: 0, hop } : { type: 'GlobalAck', gen: 0, hop }),
    armRetry: (attempt) =>
      env.setTimer(timer, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 10))),
    cancelRetry: () => env.cancelTimer(timer),
  };
}

/** The rings' view of this step. */
function ctx({ s, env, c }: X): Ctx {
  const { opts, layout } = c;
  return { s, env, opts, layout, localIo: io(env, 'local'), globalIo: io(env, 'global') };
}

function assertConsistent(x: X): void {
  assert(
    twoLayerConsistent(x.s, x.c.opts.requests),
    'phase and inCS agree, inside holds the LAN token, hand-offs are of held tokens',
  );
}

/** A coordinator's LAN is open only while it holds the global token or hands it back. */
function lapHeld(s: TwoLayerState): boolean {
  return !s.lapOpen || s.global.token !== null;
}

/** onStart: the kernel has restored the durable fields of an earlier incarnation, if any. */
function boot(c: Ctx): void {
  const { s, env } = c;
  resumeCriticalSection(s, env, c.opts);
  for (const [h, hio] of [
    [s.local, c.localIo],
    [s.global, c.globalIo],
  ] as const) {
    if (h.handoff === null) continue;
    h.handoff = { to: h.handoff.to, attempts: 0 };
    retryHandoff(h, hio);
  }
  if (s.coordinator && holds(s.global) && !s.lapOpen) openLap(c);
  else localTurn(c, 'idle');
}

export const createTwoLayer = defineProcess<
  TwoLayerMessage,
  MutexOutput,
  TwoLayerState,
  TwoLayerConfig,
  TwoLayerTimer
>({
  init: initTwoLayerState,
  durable: [...TWO_LAYER_DURABLE],
  onStart(x) {
    boot(ctx(x));
    assertConsistent(x);
    assert(lapHeld(x.s), 'an open lap belongs to the global token');
  },
  onMessage: {
    LocalToken(x, from, m) {
      onLocalToken(ctx(x), from, m.token);
      assertConsistent(x);
      assert(lapHeld(x.s), 'an open lap belongs to the global token');
    },
    GlobalToken(x, from, m) {
      onGlobalToken(ctx(x), from, m.token);
      assertConsistent(x);
      assert(lapHeld(x.s), 'an open lap belongs to the global token');
    },
    LocalAck(x, from, m) {
      const had = x.s.local.token !== null;
      onAck(ctx(x), 'local', from, m.hop);
      assertConsistent(x);
      assert(had || x.s.local.token === null, 'an acknowledgement never hands us a token');
    },
    GlobalAck(x, from, m) {
      const had = x.s.global.token !== null;
      onAck(ctx(x), 'global', from, m.hop);
      assertConsistent(x);
      assert(had || x.s.global.token === null, 'an acknowledgement never hands us a token');
    },
  },
  onTimer: {
    ...thinkAndHoldTimers({
      ctx,
      asked: (c) => localTurn(c, 'now'), // Enter at once if the LAN token is here.
      left: passLocal,
      check: assertConsistent,
    }),
    localPass(x) {
      passLocal(ctx(x));
      assertConsistent(x);
      assert(lapHeld(x.s), 'an open lap belongs to the global token');
    },
    globalPass(x) {
      openLap(ctx(x)); // A single LAN's next lap.
      assertConsistent(x);
      assert(lapHeld(x.s), 'an open lap belongs to the global token');
    },
    localRetry(x) {
      retryHandoff(x.s.local, ctx(x).localIo);
      assertConsistent(x);
      assert(x.s.local.handoff === null || x.s.local.handoff.attempts > 0, 'a retry is a send');
    },
    globalRetry(x) {
      retryHandoff(x.s.global, ctx(x).globalIo);
      assertConsistent(x);
      assert(x.s.global.handoff === null || x.s.global.handoff.attempts > 0, 'a retry is a send');
    },
  },
});
