// mutex/two-layer-token-ring — the notes' design for large, wide-area systems [001 §2.1]:
// each LAN has a local ring with a local token and a coordinator process (its first node);
// the coordinators form a global ring with a global token. A coordinator holding the global
// token sends its LAN's token round one lap, then passes the global token on, so only one
// LAN is open at a time and mutual exclusion is global. `--lans L --per-lan K` gives L·K
// nodes (with an explicit `--nodes`, LANs are blocks of K consecutive ids, the last maybe
// smaller). Most messages stay inside a LAN: `localMessages` vs `globalMessages`.
//
// Fault model: loss, duplication, reordering, delay, partitions, pauses, drift and
// crash-restart — tokens are durable and handed off with acknowledgement (the token ring's
// handoff.ts), so none of these can lose or double a token, and no timing assumption is
// needed. Not handled: a node that never returns stalls everyone (no regeneration or ring
// repair in this design; `mutex/token-ring` shows how): scenario `member-crash-stalls`.

import { defineAlgorithm, type OptionSpecs } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import { atMostOneTokenPerLayer } from './invariants.js';
import { fullLoadMessagesPerEntry, layout, membersOf } from './layout.js';
import { parseTwoLayerMessage, type TwoLayerMessage } from './messages.js';
import type { TwoLayerOptions, TwoLayerState } from './state.js';
import { createTwoLayer } from './two-layer.js';

const options = {
  ...mutexOptionSpecs,
  lans: { kind: 'int', default: 3, min: 1, max: 16, description: 'number of LANs (L)' },
  perLan: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 16,
    description: 'nodes per LAN, coordinator included (K); nodes = L·K',
  },
  passDelayMs: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 10_000,
    description: 'how long an idle holder keeps a local token before passing it (ms)',
  },
} as const satisfies OptionSpecs;

function count(byType: Record<string, number>, ...types: string[]): number {
  return types.reduce((sum, t) => sum + (byType[t] ?? 0), 0);
}

export const twoLayerTokenRing = defineAlgorithm<
  TwoLayerMessage,
  MutexOutput,
  TwoLayerState,
  TwoLayerOptions
>({
  name: 'mutex/two-layer-token-ring',
  family: 'mutex',
  summary:
    'Wide-area token ring: a local ring per LAN, coordinators on a global ring ' +
    '(2 + 2/K messages per entry at full load, most of them local)',
  seed: '001 §2.1',
  nodes: { default: 9, min: 1, max: 256 },
  durationMs: 5_000,
  livenessDeadlineMs: 8_000,
  options,
  nodesFor: (o) => o.lans * o.perLan,
  topology: (n, o) => {
    const l = layout(n, o.perLan);
    return { kind: 'rings', rings: Array.from({ length: l.lans }, (_, i) => membersOf(l, i + 1)) };
  },
  create: (id, ctx) => createTwoLayer(id, ctx.nodes.length, ctx.options),
  parseMessage: (raw, ctx) => parseTwoLayerMessage(raw, ctx.nodes.length),
  invariants: () => [mutualExclusion(), noUnaskedGrant(), atMostOneTokenPerLayer()],
  liveness: (ctx) => [everyRequestServed(ctx.options.requests)],
  metrics: (view) => {
    const by = view.stats.byType;
    const localMessages = count(by, 'LocalToken', 'LocalAck');
    const globalMessages = count(by, 'GlobalToken', 'GlobalAck');
    return {
      ...mutexMetrics(view),
      localMessages,
      globalMessages,
      localPasses: by.LocalToken ?? 0,
      globalPasses: by.GlobalToken ?? 0,
      globalShare:
        localMessages + globalMessages === 0
          ? null
          : Math.round((globalMessages / (localMessages + globalMessages)) * 1000) / 1000,
    };
  },
  messageCount: {
    formula:
      '2 per hop (token + ack); a global lap is L global hops and n local hops, so at full ' +
      'load 2 + 2/K per entry (2L/n of them global); idle laps add to it at low load',
    compare: (view, ctx) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { lans, perLan } = ctx.options;
      const perEntry = fullLoadMessagesPerEntry(lans, perLan);
      return { expected: Math.round(entries * perEntry * 1000) / 1000, measured: view.stats.sent };
    },
  },
  scenarios: [
    {
      name: 'coordinator-restarts',
      description:
        'A coordinator crashes while its LAN is open and comes back: both tokens are durable, ' +
        'the lap resumes and everyone is served.',
      faults: 'crash 4 @300; restart 4 @900',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'wan-partition-heals',
      description:
        'The LANs are cut from each other for a second: the global token waits at the cut ' +
        '(re-sent until acknowledged); once it heals every LAN gets its turns.',
      faults: 'partition 1,2,3|4,5,6|7,8,9 @200..1200',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'lossy-network',
      description: '20% loss and 10% duplication on every link: no token lost or doubled.',
      faults: 'drop 20% @0..3000; dup 10% @0..3000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'member-crash-stalls',
      description:
        'Outside the fault model: node 5 crashes for good. Its predecessor re-sends the LAN ' +
        'token forever; LAN 2 never closes its lap, so the global token never moves on and ' +
        'everyone stalls (no regeneration in this design).',
      faults: 'crash 5 @100',
      expect: { safety: 'hold', liveness: 'violated' },
    },
  ],
});
