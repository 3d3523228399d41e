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

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type MutexOutput, mutexMetrics } from '../workload.js';
import { twoLayerInvariants, twoLayerLiveness } from './invariants.js';
import { fullLoadMessagesPerEntry, layout, membersOf } from './layout.js';
import { parseTwoLayerMessage, type TwoLayerMessage } from './messages.js';
import { type TwoLayerOptions, twoLayerConfig, twoLayerOptionSpecs } from './options.js';
import { twoLayerScenarios } from './scenarios.js';
import type { TwoLayerState } from './state.js';
import { createTwoLayer } from './two-layer-token-ring.js';

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
  options: twoLayerOptionSpecs,
  nodesFor: (o) => o.lans * o.perLan,
  topology: (n, o) => {
    const l = layout(n, o.perLan);
    return { kind: 'rings', rings: Array.from({ length: l.lans }, (_, i) => membersOf(l, i + 1)) };
  },
  create: (id, ctx) => createTwoLayer(twoLayerConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: (raw, ctx) => parseTwoLayerMessage(raw, ctx.nodes.length),
  invariants: twoLayerInvariants,
  liveness: (ctx) => twoLayerLiveness(ctx.options),
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
  scenarios: twoLayerScenarios,
});
