// election/zab-fle — ZooKeeper's fast leader election with ZAB's epoch establishment
// [002, 004]; the process is fle.ts, the quorum rules quorum.ts.
//
// Fault model: crash-recovery (zxid and epochs durable), lossy, duplicating, reordering and
// delaying links, partitions, pauses and drift. One leader per epoch holds under all of them;
// a leader emerges once a quorum is up and connected.

import { defineAlgorithm, type Invariant, type Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { allAgree, type ElectionOutput, electionMetrics, oneLeaderPerTerm } from '../workload.js';
import { createFle, type FleState } from './fle.js';
import { type FleMessage, parseFleMessage } from './messages.js';
import { isVoter, type QuorumSpec, quorumSpec } from './quorum.js';

export interface ZabFleOptions {
  readonly zxids: readonly number[];
  readonly epochs: readonly number[];
  readonly observers: readonly number[];
  readonly weights: readonly number[];
}

function quorumOf(nodes: readonly NodeId[], o: ZabFleOptions): QuorumSpec {
  return quorumSpec(nodes, o.weights, o.observers);
}

function observersNeverLead(q: QuorumSpec): Invariant<FleState, ElectionOutput> {
  return {
    name: 'observers never lead or vote',
    check(view) {
      for (const n of view.nodes) {
        if (!n.up || isVoter(q, n.id) || n.state === undefined) continue;
        if (n.state.server === 'LEADING') return `observer ${n.id} is LEADING`;
        if (n.state.vote.leader === n.id && n.state.server !== 'LOOKING')
          return `observer ${n.id} decided for itself`;
      }
      return undefined;
    },
  };
}

/**
 * Once settled, no live voter is more up to date than the leader: none has a larger
 * (epoch, zxid). (Ties go to the larger id when elected together, but an established leader
 * is kept when a larger id joins later — ZooKeeper does not re-elect for that.)
 */
function leaderMostUpToDate(q: QuorumSpec): Liveness<FleState, ElectionOutput> {
  return {
    name: 'no live voter is more up to date than the leader',
    check(view) {
      const leader = view.nodes.find((n) => n.up && n.state?.role === 'leader')?.state;
      if (leader === undefined) return 'no leader';
      const newer = view.nodes.find((n) => {
        const s = n.state;
        if (!n.up || s === undefined || !isVoter(q, n.id)) return false;
        return (
          s.currentEpoch > leader.currentEpoch ||
          (s.currentEpoch === leader.currentEpoch && s.zxid > leader.zxid)
        );
      });
      return newer === undefined
        ? undefined
        : `node ${newer.id} is more up to date than the leader`;
    },
  };
}

export const zabFle = defineAlgorithm<FleMessage, ElectionOutput, FleState, ZabFleOptions>({
  name: 'election/zab-fle',
  family: 'election',
  summary: "ZooKeeper's fast leader election: votes ordered by (epoch, zxid, id), a quorum elects",
  seed: '002; 004',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 4_000,
  options: {
    zxids: { kind: 'ints', default: [], description: 'last zxid of servers 1..n (default 0)' },
    epochs: { kind: 'ints', default: [], description: 'current epoch of servers 1..n (default 1)' },
    observers: { kind: 'ints', default: [], description: 'ids of observers (no vote, never lead)' },
    weights: {
      kind: 'ints',
      default: [],
      description: 'voting weights of servers 1..n (a quorum weighs more than half)',
    },
  },
  create: (id, ctx) =>
    createFle({
      quorum: quorumOf(ctx.nodes, ctx.options),
      finalizeMs: 200,
      pingMs: 50,
      suspectAfterMs: 300,
      establishMs: 600,
      initialZxid: ctx.options.zxids[id - 1] ?? 0,
      initialEpoch: ctx.options.epochs[id - 1] ?? 1,
    }),
  parseMessage: (raw, ctx) => parseFleMessage(raw, ctx.nodes.length),
  invariants: (ctx) => [oneLeaderPerTerm(), observersNeverLead(quorumOf(ctx.nodes, ctx.options))],
  liveness: (ctx) => [allAgree(), leaderMostUpToDate(quorumOf(ctx.nodes, ctx.options))],
  metrics: (view) => ({
    ...electionMetrics(view),
    notifications: view.stats.byType.Notification ?? 0,
  }),
  messageCount: {
    formula: 'n(n−1) Notifications per broadcast round (one round when all start together)',
    compare: (view, ctx) => ({
      expected: ctx.nodes.length * (ctx.nodes.length - 1),
      measured: view.stats.byType.Notification ?? 0,
    }),
  },
  scenarios: [
    {
      name: 'startup-elects-3',
      description: 'The notes: three servers at epoch 1, zxid 0 elect server 3.',
      faults: '',
      nodes: 3,
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'runtime-elects-1',
      description:
        'The notes: server 2 is down; servers 1 (zxid 123) and 3 (zxid 122) elect server 1.',
      faults: 'crash 2 @0',
      nodes: 3,
      options: { zxids: [123, 0, 122] },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'even-split-elects-nobody',
      description: 'Four servers split 2|2: no side has a majority, so nobody leads.',
      faults: 'partition 1,2|3,4 @0',
      nodes: 4,
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'weights-break-the-tie',
      description:
        'The same 2|2 split with weights 3,1,1,1: the side holding server 1 elects (the other ' +
        'side cannot follow it while cut off).',
      faults: 'partition 1,2|3,4 @0',
      nodes: 4,
      options: { weights: [3, 1, 1, 1] },
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'flapping-largest',
      description:
        "Bully's flapping node 5 (the first leader) crashes and returns three times: the others " +
        'elect node 4 once and keep it, since a returning server joins the established leader ' +
        '(leaderChanges = 1; compare election/bully).',
      faults:
        'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'leader-crash',
      description: 'The leader crashes: the others elect the next best and establish a new epoch.',
      faults: 'crash 5 @1000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
