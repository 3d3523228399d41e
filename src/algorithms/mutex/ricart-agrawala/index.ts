// mutex/ricart-agrawala — the notes' "multicast + logical clocks" algorithm [000, 001 §2.1]
// (Ricart & Agrawala, CACM 1981). A node that wants the critical section stamps a Request
// with its Lamport clock and sends it to the n−1 others; it enters after n−1 OKs. A node
// receiving a Request answers OK at once unless it is inside, or it wants too and its own
// (timestamp, id) is smaller — then it defers the OK until it leaves. Ties break by id.
// Without faults: exactly 2(n−1) messages per entry, served in timestamp order.
//
// Fault handling beyond the paper: the node's whole state (clock, request, OKs, deferred
// list) is durable, so a restarted node resumes where it stopped; a Request still missing
// OKs is re-sent to the silent peers after a timeout longer than any fault-free wait, and
// OKs echo the request's timestamp so a stale or duplicated OK is never counted. A peer that
// is down for good still stalls everyone: scenario `crashed-peer-stalls`.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { compareLamport, lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  everyRequestServed,
  type MutexNodeState,
  type MutexOptions,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
  retryMs,
} from '../workload.js';

export type RicartAgrawalaMessage =
  | {
      readonly type: 'Request';
      readonly resource: string;
      readonly ts: number;
      readonly id: NodeId;
    }
  /** `ts` echoes the request being answered. */
  | { readonly type: 'OK'; readonly ts: number };

interface Deferred {
  readonly node: NodeId;
  readonly ts: number;
}

export interface RicartAgrawalaState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  clock: number;
  /** Timestamp of our outstanding request (meaningful while wanting or inside). */
  ts: number;
  /** Peers that answered OK to the current request, ascending. */
  ok: NodeId[];
  deferred: Deferred[];
}

const RESOURCE = 'cs';

type E = Env<RicartAgrawalaMessage, MutexOutput>;

function save(s: RicartAgrawalaState, env: E): void {
  env.storage.set('state', s);
}

function askMissing(s: RicartAgrawalaState, env: E, opts: MutexOptions): void {
  for (const peer of env.peers) {
    if (!s.ok.includes(peer))
      env.send(peer, { type: 'Request', resource: RESOURCE, ts: s.ts, id: env.id });
  }
  env.setTimer('retry', retryMs(env.nodes.length, opts));
}

function enterIfAllAgreed(s: RicartAgrawalaState, env: E, opts: MutexOptions): void {
  if (s.phase !== 'wanting' || s.ok.length < env.peers.length) return;
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer('retry');
  env.output({ type: 'enter' });
  env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
}

function onRequest(
  s: RicartAgrawalaState,
  env: E,
  from: NodeId,
  m: RicartAgrawalaMessage & { type: 'Request' },
): void {
  s.clock = lamportReceive(s.clock, m.ts);
  const ours = { time: s.ts, id: env.id };
  const theirs = { time: m.ts, id: from };
  const defer = s.phase === 'inside' || (s.phase === 'wanting' && compareLamport(ours, theirs) < 0);
  if (!defer) {
    env.send(from, { type: 'OK', ts: m.ts });
  } else if (!s.deferred.some((d) => d.node === from && d.ts === m.ts)) {
    s.deferred.push({ node: from, ts: m.ts });
  }
}

function leave(s: RicartAgrawalaState, env: E, opts: MutexOptions): void {
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  s.ok = [];
  env.output({ type: 'exit' });
  for (const d of s.deferred) env.send(d.node, { type: 'OK', ts: d.ts });
  s.deferred = [];
  if (s.served < opts.requests) env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
}

function create(
  opts: MutexOptions,
): Process<RicartAgrawalaMessage, MutexOutput, RicartAgrawalaState> {
  let state: RicartAgrawalaState = {
    phase: 'idle',
    inCS: false,
    served: 0,
    clock: 0,
    ts: 0,
    ok: [],
    deferred: [],
  };
  return {
    get state() {
      return state;
    },
    onStart(env) {
      state = env.storage.get<RicartAgrawalaState>('state') ?? state;
      if (state.phase === 'inside') env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
      else if (state.phase === 'wanting') askMissing(state, env, opts);
      else if (state.served < opts.requests)
        env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
    },
    onMessage(env, from, m) {
      if (m.type === 'Request') {
        if (m.resource !== RESOURCE || m.id !== from) return; // Not a request we understand.
        onRequest(state, env, from, m);
      } else if (state.phase === 'wanting' && m.ts === state.ts && !state.ok.includes(from)) {
        state.ok = [...state.ok, from].sort((a, b) => a - b);
        enterIfAllAgreed(state, env, opts);
      }
      save(state, env);
    },
    onTimer(env, name) {
      if (name === 'think' && state.phase === 'idle') {
        state.clock = lamportTick(state.clock);
        state.ts = state.clock;
        state.phase = 'wanting';
        state.ok = [];
        env.output({ type: 'request' });
        askMissing(state, env, opts);
        enterIfAllAgreed(state, env, opts); // A cluster of one needs no OKs.
      } else if (name === 'retry' && state.phase === 'wanting') {
        askMissing(state, env, opts);
      } else if (name === 'hold' && state.phase === 'inside') {
        leave(state, env, opts);
      }
      save(state, env);
    },
  };
}

export const ricartAgrawala = defineAlgorithm<
  RicartAgrawalaMessage,
  MutexOutput,
  RicartAgrawalaState,
  MutexOptions
>({
  name: 'mutex/ricart-agrawala',
  family: 'mutex',
  summary: 'Multicast with Lamport timestamps: enter after n−1 OKs (2(n−1) messages per entry)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 1, max: 128 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: mutexOptionSpecs,
  create: (_id, ctx) => create(ctx.options),
  invariants: () => [mutualExclusion(), noUnaskedGrant()],
  liveness: (ctx) => [everyRequestServed(ctx.options.requests)],
  metrics: (view) => mutexMetrics(view),
  messageCount: {
    formula: '2(n−1) per entry (n−1 Requests, n−1 OKs)',
    compare: (view, ctx) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      return { expected: 2 * (ctx.nodes.length - 1) * entries, measured: view.stats.sent };
    },
  },
  scenarios: [
    {
      name: 'crashed-peer-stalls',
      description: 'One node crashes for good: nobody gets its OK, so every other node stalls.',
      faults: 'crash 5 @100',
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'peer-restarts',
      description:
        'A node crashes and returns; its durable state and the retries let everyone finish.',
      faults: 'crash 3 @150; restart 3 @900',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
