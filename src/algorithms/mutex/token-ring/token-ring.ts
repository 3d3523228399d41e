// The token-ring process: workload (request, enter, exit), message dispatch and timers.
// The holder's rules are in holder.ts, loss detection and regeneration in regeneration.ts,
// the reliable hand-off in handoff.ts and the lease arithmetic in lease.ts.
//
// Restart: the durable part (phase, served, promised generation, token, hand-off, newest
// stamp seen) comes back; the lease reference points do not, so a restarted holder passes
// its token on before it may use it again. A node that crashed inside the critical section
// reports the interrupted section's `exit` and asks again.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import { HANDOFF_ATTEMPTS, type Timing, type TokenRingOptions, timing } from './config.js';
import type { HandoffIo } from './handoff.js';
import { retryHandoff } from './handoff.js';
import { leave, onHolding, onToken, onTokenAck, onTokenReject, pass } from './holder.js';
import type { RingToken, TokenRingMessage } from './messages.js';
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
import {
  armLost,
  type Ctx,
  DURABLE_KEY,
  type DurableState,
  type E,
  isDone,
  save,
  type TokenRingOutput,
  type TokenRingState,
} from './state.js';

function initialState(): TokenRingState {
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    promised: 0,
    proposed: 0,
    token: null,
    handoff: null,
    seen: { gen: 0, hop: -1 },
    leaseRef: null,
    visitRef: null,
    grantedAtMs: 0,
    lastToken: null,
    regen: null,
    promise: null,
    withdrawn: [],
    promiseNudges: 0,
    deadToken: null,
    joiners: [],
    parked: false,
  };
}

function handoffIo(env: E, t: Timing): HandoffIo<RingToken> {
  return {
    sendToken: (to, token) => env.send(to, { type: 'Token', token }),
    sendAck: (to, stamp) => env.send(to, { type: 'TokenAck', gen: stamp.gen, hop: stamp.hop }),
    // Exponential backoff: a slow link is not taken for a dead successor too soon.
    armRetry: (attempt) => env.setTimer('handoff', t.handoffRetryMs * 2 ** (attempt - 1)),
    cancelRetry: () => env.cancelTimer('handoff'),
  };
}

function request(c: Ctx): void {
  const { s, env } = c;
  s.phase = 'wanting';
  env.output({ type: 'request' });
  onHolding(c, 'now');
}

function boot(c: Ctx): void {
  const { s, env } = c;
  const durable = env.storage.get<DurableState>(DURABLE_KEY);
  const now = env.now();
  s.grantedAtMs = now; // We may have granted just before a crash: count it from now.
  if (durable === undefined) {
    // Node 1 creates generation 0 at its first start; its take is the first grant.
    if (env.id === 1) {
      s.token = { gen: 0, hop: 0, ring: env.nodes, log: [{ node: 1, hop: 0 }], done: [] };
      s.seen = { gen: 0, hop: 0 };
      s.visitRef = { gen: 0, hop: 0, atMs: now };
    }
  } else {
    Object.assign(s, durable);
  }
  if (s.phase === 'inside') {
    env.output({ type: 'exit' }); // The crash ended that critical section; ask again.
    s.phase = 'wanting';
    env.output({ type: 'request' });
  }
  if (s.phase === 'idle' && !isDone(c))
    env.setTimer('think', env.random.range(1, 2 * c.opts.thinkMs - 1));
  if (s.handoff !== null) {
    s.handoff = { to: s.handoff.to, attempts: 0 };
    retryHandoff(s, c.io);
  } else {
    onHolding(c, 'idle');
  }
  if (s.token !== null) return;
  // After a restart we may have been dropped from the ring while down: ask soon.
  if (durable !== undefined && !isDone(c)) env.setTimer('lost', c.t.regenRetryMs);
  else armLost(c);
}

function onMessage(c: Ctx, from: NodeId, m: TokenRingMessage): void {
  switch (m.type) {
    case 'Token':
      return onToken(c, from, m.token);
    case 'TokenAck':
      return onTokenAck(c, from, m.gen, m.hop);
    case 'TokenReject':
      return onTokenReject(c, from, m.gen, m.hop, m.promised);
    case 'Probe':
      return onProbe(c, from);
    case 'ProbeReply':
      return onProbeReply(c, from, m);
    case 'Prepare':
      return onPrepare(c, from, m);
    case 'Promise':
      return onPromise(c, from, m);
    case 'Refuse':
      return onRefuse(c, m);
    case 'Withdraw':
      return onWithdraw(c, from, m);
    default:
      return assertNever(m, 'message');
  }
}

function onTimer(c: Ctx, name: string): void {
  const { s } = c;
  if (name === 'think' && s.phase === 'idle') return request(c);
  if (name === 'hold' && s.phase === 'inside') {
    leave(c);
    return onHolding(c, 'now');
  }
  if (name === 'pass') return pass(c);
  if (name === 'handoff') {
    if (s.token === null || s.handoff === null) return;
    if (s.handoff.attempts < HANDOFF_ATTEMPTS) return retryHandoff(s, c.io);
    return startPrepare(c, { gen: s.token.gen, hop: s.token.hop });
  }
  if (name === 'lost') return onLostTimer(c);
  if (name === 'regen') return onRegenTimer(c);
  if (name === 'issue') return issue(c);
  if (name === 'promise') return onPromiseTimer(c);
}

export function createTokenRing(
  n: number,
  opts: TokenRingOptions,
): Process<TokenRingMessage, TokenRingOutput, TokenRingState> {
  const state = initialState();
  const t = timing(n, opts);
  const ctx = (env: E): Ctx => ({
    s: state,
    env,
    opts,
    t,
    io: handoffIo(env, t),
    n,
    regenerate: startPrepare,
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
      const c = ctx(env); // The host has parsed m (parseTokenRingMessage).
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
