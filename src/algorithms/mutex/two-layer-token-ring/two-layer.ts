// The two-layer token-ring process: workload, dispatch, timers and restart. The rings'
// rules are in rings.ts; the hand-off is the token ring's (../token-ring/handoff.ts).
//
// Restart: both tokens (with any hand-off in progress), the lap flag and the workload
// progress are durable. A restarted node resumes its hand-offs and its turn; a node that
// crashed inside the critical section reports that section's `exit` and asks again.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import type { HandoffIo } from '../token-ring/handoff.js';
import { retryHandoff } from '../token-ring/handoff.js';
import type { MutexOutput } from '../workload.js';
import { isCoordinator, type Layout, lanOf, layout } from './layout.js';
import type { LayerToken, TwoLayerMessage } from './messages.js';
import {
  leave,
  localTurn,
  onAck,
  onGlobalToken,
  onLocalToken,
  openLap,
  passLocal,
} from './rings.js';
import {
  type Ctx,
  DURABLE_KEY,
  type DurableState,
  type E,
  holds,
  isDone,
  save,
  type TwoLayerOptions,
  type TwoLayerState,
} from './state.js';

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

function initialState(l: Layout, id: NodeId): TwoLayerState {
  const coordinator = isCoordinator(l, id);
  const fresh = { gen: 0, hop: 0, done: [] };
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    lan: lanOf(l, id),
    coordinator,
    // Each coordinator starts with its LAN's token; node 1 also with the global token.
    local: { token: coordinator ? fresh : null, handoff: null, seen: { gen: 0, hop: 0 } },
    global: { token: id === 1 ? fresh : null, handoff: null, seen: { gen: 0, hop: 0 } },
    lapOpen: false,
    parked: false,
  };
}

function boot(c: Ctx): void {
  const { s, env } = c;
  const durable = env.storage.get<DurableState>(DURABLE_KEY);
  if (durable !== undefined) Object.assign(s, durable);
  if (s.phase === 'inside') {
    env.output({ type: 'exit' }); // The crash ended that critical section; ask again.
    s.phase = 'wanting';
    env.output({ type: 'request' });
  }
  if (s.phase === 'idle' && !isDone(c))
    env.setTimer('think', env.random.range(1, 2 * c.opts.thinkMs - 1));
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

function onMessage(c: Ctx, from: NodeId, m: TwoLayerMessage): void {
  switch (m.type) {
    case 'LocalToken':
      return onLocalToken(c, from, m.token);
    case 'GlobalToken':
      return onGlobalToken(c, from, m.token);
    case 'LocalAck':
      return onAck(c, 'local', from, m.hop);
    case 'GlobalAck':
      return onAck(c, 'global', from, m.hop);
    default:
      return assertNever(m, 'message');
  }
}

function onTimer(c: Ctx, name: string): void {
  const { s } = c;
  if (name === 'think' && s.phase === 'idle') {
    s.phase = 'wanting';
    c.env.output({ type: 'request' });
    return localTurn(c, 'now');
  }
  if (name === 'hold' && s.phase === 'inside') {
    leave(c);
    return passLocal(c);
  }
  if (name === 'localPass') return passLocal(c);
  if (name === 'globalPass') return openLap(c); // A single LAN's next lap.
  if (name === 'localRetry') return retryHandoff(s.local, c.localIo);
  if (name === 'globalRetry') return retryHandoff(s.global, c.globalIo);
}

export function createTwoLayer(
  id: NodeId,
  n: number,
  opts: TwoLayerOptions,
): Process<TwoLayerMessage, MutexOutput, TwoLayerState> {
  const l = layout(n, opts.perLan);
  const state = initialState(l, id);
  const ctx = (env: E): Ctx => ({
    s: state,
    env,
    opts,
    layout: l,
    localIo: io(env, 'local'),
    globalIo: io(env, 'global'),
  });
  return {
    get state() {
      return state;
    },
    onStart(env) {
      const c = ctx(env);
      boot(c);
      save(c);
    },
    onMessage(env, from, m) {
      const c = ctx(env); // The host has parsed m (parseTwoLayerMessage).
      onMessage(c, from, m);
      save(c);
    },
    onTimer(env, name) {
      const c = ctx(env);
      onTimer(c, name);
      save(c);
    },
  };
}
