// mutex/suzuki-kasami — the broadcast token algorithm (beyond the notes' list [001 §2.1]):
// n messages per entry when the token is elsewhere (n−1 REQUESTs + the token), none when it
// is already here; the hand-off acknowledgement that makes it loss-proof is counted apart.

import { defineAlgorithm, type Invariant } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOptions,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import { parseSuzukiKasamiMessage, type SuzukiKasamiMessage } from './messages.js';
import { createSuzukiKasami, type SuzukiKasamiState } from './suzuki-kasami.js';

/** At most one live node holds the token, and a node inside holds it. */
function atMostOneToken(): Invariant<SuzukiKasamiState, MutexOutput> {
  return {
    name: 'at most one token',
    check(view) {
      const live = view.nodes.filter((n) => n.up && n.state !== undefined);
      const holders = live.filter((n) => n.state?.token !== null).map((n) => n.id);
      if (holders.length > 1) return `nodes ${holders.join(' and ')} all hold the token`;
      const tokenless = live.find((n) => n.state?.inCS === true && n.state.token === null);
      return tokenless === undefined ? undefined : `node ${tokenless.id} is inside without it`;
    },
  };
}

export const suzukiKasami = defineAlgorithm<
  SuzukiKasamiMessage,
  MutexOutput,
  SuzukiKasamiState,
  MutexOptions
>({
  name: 'mutex/suzuki-kasami',
  family: 'mutex',
  summary:
    'Broadcast token: REQUEST(i, sn) to all, the token carries LN and a queue (≤ n per entry)',
  seed: '000; 001 §2.1 (beyond the notes)',
  nodes: { default: 5, min: 1, max: 128 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: mutexOptionSpecs,
  create: (id, ctx) => createSuzukiKasami(id, ctx.nodes.length, ctx.options),
  parseMessage: (raw, ctx) => parseSuzukiKasamiMessage(raw, ctx.nodes.length),
  invariants: () => [mutualExclusion(), noUnaskedGrant(), atMostOneToken()],
  liveness: (ctx) => [everyRequestServed(ctx.options.requests)],
  metrics: (view) => ({
    ...mutexMetrics(view),
    tokenTransfers: view.stats.byType.Token ?? 0,
  }),
  messageCount: {
    formula: 'at most n per entry (n−1 REQUESTs + 1 token; 0 when held; acks apart)',
    compare: (view, ctx) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { Request = 0, Token = 0 } = view.stats.byType;
      return { expected: ctx.nodes.length * entries, measured: Request + Token };
    },
  },
  scenarios: [
    {
      name: 'holder-crash-stalls',
      description:
        'The token holder crashes for good: the token is gone and every other node stalls.',
      faults: 'crash 1 @2',
      options: { thinkMs: 200 },
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'holder-restarts',
      description: 'The holder crashes and returns: its durable token lets everyone finish.',
      faults: 'crash 1 @2; restart 1 @800',
      options: { thinkMs: 200 },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'lost-request-retried',
      description: 'Half the messages are lost for a while: requests and hand-offs are re-sent.',
      faults: 'drop 0.5 @0..2000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
