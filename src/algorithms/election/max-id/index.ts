// election/max-id — the notes' simplest election [004]: every node broadcasts its id, drops
// out on seeing a larger one, and after one round the largest id it has seen is the leader.
// n(n−1) messages. The notes warn that it ignores failures: a node absent during the round
// (paused, cut off) is simply not counted, so a smaller id wins and the late node, which
// then sees only smaller ids, leads too (scenario `absent-node-lets-smaller-win`). It is
// one-shot by design, so its declared fault model admits no crash, loss, partition or pause.

import { defineAlgorithm, type FaultModel } from '../../../core/algorithm.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  allAgree,
  type ElectionNodeState,
  type ElectionOutput,
  electionMetrics,
  highestLiveLeads,
} from '../workload.js';
import { type MaxIdMessage, parseMaxIdMessage } from './messages.js';

export interface MaxIdState extends ElectionNodeState {
  role: 'candidate' | 'out' | 'leader' | 'follower';
  leader: NodeId | null;
  term: number;
  /** The largest id seen so far (our own included). */
  best: NodeId;
}

export interface MaxIdOptions {
  readonly roundMs: number;
}

type E = Env<MaxIdMessage, ElectionOutput>;

const MAX_DELAY_MS = 40;
const FAULT_MODEL: FaultModel = {
  tolerates: ['delay', 'dup', 'reorder', 'drift'],
  maxDelayMs: MAX_DELAY_MS,
  assumption:
    'every node takes part in the one round and every Id arrives within it (the notes: ' +
    '"it ignores failures")',
};

function decide(s: MaxIdState, env: E): void {
  s.leader = s.best;
  s.term = 1;
  s.role = s.best === env.id ? 'leader' : 'follower';
  if (s.role === 'leader') env.output({ type: 'elected', term: 1 });
  env.output({ type: 'leader', leader: s.best, term: 1 });
}

function create(opts: MaxIdOptions): Process<MaxIdMessage, ElectionOutput, MaxIdState> {
  const state: MaxIdState = { role: 'candidate', leader: null, term: 0, best: 0 };
  return {
    state,
    onStart(env) {
      state.best = env.id;
      env.broadcast({ type: 'Id', id: env.id });
      env.setTimer('round', opts.roundMs);
    },
    onMessage(_env, from, m) {
      if (m.id !== from || m.id <= state.best) return; // Not a larger, genuine id.
      state.best = m.id;
      if (state.role === 'candidate') state.role = 'out'; // Drop out: someone is larger.
    },
    onTimer(env, name) {
      if (name === 'round' && state.leader === null) decide(state, env);
    },
  };
}

export const maxId = defineAlgorithm<MaxIdMessage, ElectionOutput, MaxIdState, MaxIdOptions>({
  name: 'election/max-id',
  family: 'election',
  summary: 'The simplest election: broadcast your id, drop out on a larger one (n(n−1) messages)',
  seed: '004',
  nodes: { default: 5, min: 1, max: 256 },
  durationMs: 2_000,
  livenessDeadlineMs: 1_000,
  options: {
    roundMs: {
      kind: 'int',
      default: 500,
      min: 1,
      max: 60_000,
      description: 'how long the round lasts before each node decides',
    },
  },
  create: (_id, ctx) => create(ctx.options),
  parseMessage: (raw, ctx) => parseMaxIdMessage(raw, ctx.nodes.length),
  invariants: () => [],
  liveness: () => [allAgree(), highestLiveLeads((id) => id)],
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula: 'n(n−1): every node broadcasts its id once',
    compare: (view, ctx) => ({
      expected: ctx.nodes.length * (ctx.nodes.length - 1),
      measured: view.stats.sent,
    }),
  },
  faultModel: () => FAULT_MODEL,
  scenarios: [
    {
      name: 'absent-node-lets-smaller-win',
      description:
        'Node 5 is cut off through the round: the others elect 4, and 5, having seen ' +
        'no larger id, leads too — two leaders, and no agreement after the heal.',
      faults: 'isolate 5 @0..800',
      expect: { safety: 'hold', liveness: 'violated' },
    },
  ],
});
