// election/bully — the notes' "the eldest is the greatest" election [001 §2.2.1]; the process
// is bully.ts. Registry entry: options (MongoDB's last-op rank, the split-brain rule),
// checks, metrics, the O(n²) message count and the scenarios the notes warn about.

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { allAgree, type ElectionOutput, electionMetrics, highestLiveLeads } from '../workload.js';
import { type BullyState, createBully } from './bully.js';
import { type BullyMessage, parseBullyMessage } from './messages.js';

export interface BullyOptions {
  readonly heartbeatMs: number;
  readonly idSource: string;
  readonly lastops: readonly number[];
  readonly stepDownMinority: boolean;
}

/** A node's rank: its id, or (last-op timestamp, id) for MongoDB's variant. */
export function bullyRank(opts: BullyOptions): (id: NodeId) => number {
  if (opts.idSource !== 'lastop') return (id) => id;
  return (id) => (opts.lastops[id - 1] ?? 0) * 1_000_000 + id;
}

export const bully = defineAlgorithm<BullyMessage, ElectionOutput, BullyState, BullyOptions>({
  name: 'election/bully',
  family: 'election',
  summary: 'Bully: Election to higher ids, Alive back, Victory from the highest live node',
  seed: '000; 001 §2.2.1; 003 (split brain)',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 3_000,
  options: {
    heartbeatMs: {
      kind: 'int',
      default: 50,
      min: 5,
      max: 10_000,
      description: "the leader's heartbeat period; silence for 4 periods + 100 ms is a failure",
    },
    idSource: {
      kind: 'choice',
      default: 'id',
      choices: ['id', 'lastop'],
      description: "rank by node id, or by last-operation timestamp (MongoDB's variant)",
    },
    lastops: {
      kind: 'ints',
      default: [],
      description: 'last-operation timestamps of nodes 1..n (with --id-source lastop)',
    },
    stepDownMinority: {
      kind: 'bool',
      default: false,
      description: 'a leader needs a majority behind it: the smaller side of a split steps down',
    },
  },
  create: (_id, ctx) =>
    createBully({
      rank: bullyRank(ctx.options),
      heartbeatMs: ctx.options.heartbeatMs,
      suspectAfterMs: 4 * ctx.options.heartbeatMs + 100,
      answerMs: 2 * ctx.options.heartbeatMs + 50,
      stepDownMinority: ctx.options.stepDownMinority,
    }),
  parseMessage: parseBullyMessage,
  // Bully promises no safety under partitions (see split-brain); it promises who wins.
  invariants: () => [],
  liveness: (ctx) => [allAgree(), highestLiveLeads(bullyRank(ctx.options))],
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula:
      'n² − 1 for one election from the lowest id: n(n−1)/2 Elections and Alives, n−1 Victories',
    compare: (view, ctx) => {
      const n = ctx.nodes.length;
      const { Election = 0, Alive = 0, Victory = 0 } = view.stats.byType;
      return { expected: n * n - 1, measured: Election + Alive + Victory };
    },
  },
  scenarios: [
    {
      name: 'flapping-largest',
      description:
        'Node 5 crashes and returns three times: each return bullies its way back to the top, ' +
        'so the leader changes every time (see leaderChanges).',
      faults:
        'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'split-brain',
      description:
        'A 2|3 partition: the side without the leader elects node 2, so two nodes lead at once ' +
        '(maxConcurrentLeaders = 2) until the partition heals.',
      faults: 'partition 1,2|3,4,5 @300..2500',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'split-brain-prevented',
      description:
        'The same partition with --step-down-minority: the 2-node side never gathers a ' +
        'majority, so it elects nobody.',
      faults: 'partition 1,2|3,4,5 @300..2500',
      options: { stepDownMinority: true },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'mongodb-lastop',
      description:
        'MongoDB’s variant: node 2 has the newest last operation and wins over larger ids.',
      faults: '',
      options: { idSource: 'lastop', lastops: [5, 9, 2, 7, 3] },
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
