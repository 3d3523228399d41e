// consensus/raft — Raft (Ongaro & Ousterhout 2014; Ongaro's dissertation 2014) [001 §2.2–2.3,
// 002, 004]: randomized elections with pre-vote and check-quorum, log replication with the
// consistency check, fast backtracking, batching and pipelining, commitment of current-term
// entries only, snapshots with InstallSnapshot, single-server membership changes, leadership
// transfer, ReadIndex and lease reads, and a key-value state machine with exactly-once client
// sessions. Client nodes (the last `--clients` ids) run a seeded workload whose history is
// checked for linearizability.
//
// Fault model: crash-recovery (term, vote, log and snapshot durable), lossy, duplicating,
// reordering and delaying links, partitions, pauses and drift. Safety holds under all of
// them; progress needs a majority of the configuration up and connected.
//
// Members that lose their disk (outside the model). A member whose durable state went
// backwards — a wiped data directory, a write-ahead log cut back past acknowledged records,
// `cohort node --repair` — broke Raft's promise that what it acknowledged survives. The
// leader notices (a heartbeat reply shows a log shorter than the matchIndex it acked
// before that round), emits `follower-log-lost` (level warn), trusts none of its log and
// re-replicates from its log end or by snapshot, so the member catches up (progress.ts,
// replication.ts). What cannot be repaired: a WIPED member also forgot its term and vote,
// so it may vote twice in one term (two leaders of a term become possible), and an entry
// committed with its acknowledgement may be held by fewer than a majority until it catches
// up (a committed entry can be lost if the others fail meanwhile). This runtime repairs
// such a member and says so at warn; the coordination server will refuse a member that lost
// its data until an operator removes and re-adds it, as etcd does, because it cannot take
// the double-vote risk silently.

import { ALL_FAULT_KINDS, defineAlgorithm, type Metrics } from '../../../core/algorithm.js';
import { checkClientCommand } from './client-api.js';
import { clientHistory, lostAcknowledgedWrites } from './history.js';
import { type RaftNodeState, raftInvariants } from './invariants.js';
import { parseRaftMessage, type RaftMessage, type RaftOutput } from './messages.js';
import { type RaftOptions, raftConfig, raftOptionSpecs } from './options.js';
import { createRaftNode } from './raft.js';
import { raftScenarios } from './scenarios.js';

export type { CheckedCommand, ClientCommand, ClientReplyBody } from './client-api.js';
export { checkClientCommand } from './client-api.js';
export type { RaftMessage, RaftOutput } from './messages.js';
export { parseRaftMessage } from './messages.js';
export type { RaftConfig, RaftOptions } from './options.js';
export { createServer } from './raft.js';
export type { RaftNodeState };

const DEFAULT_SERVERS = 5;

export const raft = defineAlgorithm<RaftMessage, RaftOutput, RaftNodeState, RaftOptions>({
  name: 'consensus/raft',
  family: 'consensus',
  summary: 'Raft: pre-vote, snapshots, membership, ReadIndex/lease reads, pipelining, KV',
  seed: '001 §2.2–2.3; 002; 004',
  nodes: { default: DEFAULT_SERVERS + 3, min: 1, max: 96 },
  durationMs: 3_000,
  livenessDeadlineMs: 6_000,
  options: raftOptionSpecs,
  // Real processes serve real clients (through a node's API), not simulated client nodes.
  runtimeDefaults: { clients: 0 },
  nodesFor: (o) => DEFAULT_SERVERS + o.spares + o.clients,
  create: (id, ctx) => createRaftNode(raftConfig(ctx.nodes, ctx.options), id),
  parseMessage: (raw) => parseRaftMessage(raw),
  parseCommand: checkClientCommand,
  invariants: () => raftInvariants(),
  liveness: (ctx) => [
    {
      name: 'leader-elected',
      check(view) {
        const up = view.nodes.flatMap((n) =>
          n.up && !n.paused && n.state?.kind === 'server' ? [n.state] : [],
        );
        const top = Math.max(0, ...up.map((s) => s.term));
        return up.some((s) => s.role === 'leader' && s.term === top)
          ? undefined
          : `no leader in the latest term (${top})`;
      },
    },
    {
      name: 'commands-complete',
      check(view) {
        const behind = view.nodes.filter(
          (n) => n.up && n.state?.kind === 'client' && n.state.done < ctx.options.requests,
        );
        return behind.length === 0
          ? undefined
          : `clients ${behind.map((n) => n.id).join(',')} have operations pending`;
      },
    },
  ],
  // ReadIndex needs nothing of clocks; lease reads assume bounded drift (dissertation
  // §6.4.1): two clocks drift apart by at most clockDriftPpm, so each by half of it.
  faultModel: (o) =>
    o.readMode !== 'lease'
      ? undefined
      : {
          tolerates: ALL_FAULT_KINDS,
          maxDriftPpm: Math.floor(o.clockDriftPpm / 2),
          assumption: `lease reads: clocks drift apart by at most ${o.clockDriftPpm} ppm`,
        },
  metrics: (view) => raftMetrics(view as never),
  history: (view) => clientHistory(view.outputs, view.nowMs),
  scenarios: raftScenarios,
});

export function raftMetrics(view: {
  readonly outputs: readonly { atMs: number; node: number; output: RaftOutput }[];
  readonly stats: { readonly sent: number; readonly byType: Record<string, number> };
}): Metrics {
  let commits = 0;
  let leaders = 0;
  let electionMs = 0;
  let campaignAt: number | null = null;
  let acked = 0;
  for (const { atMs, output } of view.outputs) {
    if (output.type === 'commit') commits = Math.max(commits, output.index);
    else if (output.type === 'campaign' && campaignAt === null) campaignAt = atMs;
    else if (output.type === 'leader') {
      leaders++;
      electionMs += atMs - (campaignAt ?? atMs);
      campaignAt = null;
    } else if (output.type === 'complete' && output.outcome === 'ok') acked++;
  }
  return {
    commits,
    leaderChanges: Math.max(0, leaders - 1),
    electionTimeMs: leaders === 0 ? null : Math.round((electionMs / leaders) * 1000) / 1000,
    messagesPerCommit: commits === 0 ? null : Math.round((view.stats.sent / commits) * 100) / 100,
    clientOpsOk: acked,
    snapshotsSent: view.stats.byType.InstallSnapshot ?? 0,
    lostAcknowledgedWrites: lostAcknowledgedWrites(view.outputs as never),
  };
}
