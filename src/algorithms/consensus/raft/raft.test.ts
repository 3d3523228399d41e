import { describe, expect, it } from 'vitest';
import { clusterView } from '../../../../test/support/cluster-view.js';
import type { OutputRecord } from '../../../core/algorithm.js';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import type { KvMachine } from '../../replicated-kv/machine.js';
import { raft } from './index.js';
import { type RaftNodeState, raftInvariants } from './invariants.js';
import type { RaftOutput } from './messages.js';
import { Progress } from './progress.js';
import type { ClientState, ServerState } from './state.js';

/** No membership changes or transfers, so one leader can be followed through a run. */
const STABLE = { configChanges: false } as const;

function serverStates(sim: ReturnType<typeof simulate>['sim']): ServerState[] {
  return sim.nodes.flatMap((n) => {
    const s = n.up ? (n.state as RaftNodeState) : undefined;
    return s?.kind === 'server' ? [s] : [];
  });
}

function leadersByTerm(outputs: readonly OutputRecord[]): Map<number, number> {
  const leaders = new Map<number, number>();
  for (const r of outputs) {
    const out = r.output as RaftOutput;
    if (out.type === 'leader') leaders.set(out.term, r.node);
  }
  return leaders;
}

describe('consensus/raft', () => {
  it('elects one leader and completes every client operation without faults', () => {
    const { result, sim } = simulate(raft, { seed: 1, options: STABLE });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ leaderChanges: 0, lostAcknowledgedWrites: 0 });
    const clients = sim.nodes
      .map((n) => n.state as RaftNodeState)
      .filter((s) => s.kind === 'client');
    expect(clients.map((c) => (c as ClientState).done)).toEqual([20, 20, 20]);
    // Every server applied the same state.
    const kvs = serverStates(sim).map((s) => JSON.stringify(s.kv.snapshot()));
    expect(new Set(kvs).size).toBe(1);
  });

  // §9.6: a partitioned follower that rejoins must not depose a healthy leader.
  it('pre-vote keeps a rejoining follower from deposing the leader; without it, it does', () => {
    const faults = 'isolate 1 @300..2300';
    const withPreVote = simulate(raft, { seed: 1, faults, options: STABLE });
    expect(withPreVote.result.ok).toBe(true);
    expect(withPreVote.result.metrics.leaderChanges).toBe(0);
    const without = simulate(raft, {
      seed: 1,
      faults,
      options: { ...STABLE, preVote: false, checkQuorum: false },
    });
    expect(without.result.ok).toBe(true);
    expect(without.result.metrics.leaderChanges).toBeGreaterThan(0);
    const terms = (r: typeof without) => Math.max(...serverStates(r.sim).map((s) => s.term));
    expect(terms(without)).toBeGreaterThan(terms(withPreVote));
  });

  it('check-quorum makes a leader cut off from the majority step down', () => {
    const { result, sim } = simulate(raft, {
      seed: 1,
      faults: 'partition 2,3,6|1,4,5,7,8 @300..2000',
      options: STABLE,
      trace: 'full',
    });
    expect(result.ok).toBe(true);
    const leaders = leadersByTerm(sim.outputs);
    expect(leaders.get(1)).toBe(3);
    expect([...leaders.values()].some((id) => [1, 4, 5].includes(id))).toBe(true);
    const stepDown = sim.trace.records.find(
      (r) => r.ev === 'note' && r.node === 3 && String(r.text).startsWith('check-quorum'),
    );
    expect(stepDown).toBeDefined();
  });

  it('installs a snapshot on a follower whose entries were compacted away', () => {
    const scenario = raft.scenarios.find((s) => s.name === 'snapshot-install-after-downtime');
    expect(scenario).toBeDefined();
    const { result, sim } = simulate(raft, {
      seed: 1,
      faults: scenario?.faults ?? '',
      options: scenario?.options ?? {},
      durationMs: 5_000,
    });
    expect(result.ok).toBe(true);
    expect(result.metrics.snapshotsSent).toBeGreaterThan(0);
    const kvs = serverStates(sim).map((s) => JSON.stringify((s.kv as KvMachine).snapshot().data));
    expect(new Set(kvs).size).toBe(1);
  });

  it('loses no acknowledged write when every server crashes and restarts', () => {
    const faults = [1, 2, 3, 4, 5].map((id) => `crash ${id} @900; restart ${id} @1300`).join('; ');
    const { result } = simulate(raft, { seed: 2, faults, options: STABLE });
    expect(result.ok).toBe(true);
    expect(result.metrics.lostAcknowledgedWrites).toBe(0);
    expect(result.metrics.leaderChanges).toBeGreaterThan(0);
  });

  // §6.4.1: a lease answers reads without a heartbeat round per read.
  it('lease reads send fewer heartbeats than ReadIndex for the same workload', () => {
    const run = (readMode: string) =>
      simulate(raft, { seed: 3, options: { ...STABLE, readMode, requests: 40 } }).result;
    const readIndex = run('read-index');
    const lease = run('lease');
    expect(readIndex.ok && lease.ok).toBe(true);
    expect(lease.messages.byType.Heartbeat).toBeLessThan(readIndex.messages.byType.Heartbeat ?? 0);
  });

  // Fuzz regression: appends in flight to followers were lost in a partition, the leader's
  // replicate window thought them delivered, and with no new writes nothing re-sent them.
  it('re-sends appends lost while a follower was in the replicate state (seed 297766325)', () => {
    const { result } = simulate(raft, {
      nodes: 8,
      seed: 297766325,
      options: STABLE,
      faults:
        'drop 0.008962 @0..1800; partition 1,2,5,7|3,4,6,8 @1021..1291; drift 6 -2348ppm; ' +
        'pause 7 @121..866; drift 7 +841ppm',
    });
    expect(result.liveness.every((c) => c.holds)).toBe(true);
  });

  // Fuzz regression: servers 1 and 2 were removed; 1 answered "not leader, no hint" and 2
  // still named 1, so clients bounced between them. Removed servers now learn their removal
  // (the leader replicates to them until they hold it) and clients skip servers that refused.
  it('clients find the leader after the servers they know were removed (seed 1240681458)', () => {
    const { result } = simulate(raft, {
      nodes: 8,
      seed: 1240681458,
      faults: 'drop 0.171101 @0..1800; reorder 0.131471 @0..1800',
    });
    expect(result.ok).toBe(true);
  });

  // Issue 6's CI campaign: `cohort fuzz consensus/raft --seeds 2000` (membership changes and
  // leadership transfers are in the default workload), plus a spare server and lease reads.
  it('survives 2000 random fault plans, and more with a spare server and lease reads', () => {
    expect(fuzz(raft, { runs: 2000, seed: 1 }).failures).toEqual([]);
    const spare = { spares: 1, readMode: 'lease', snapshotEntries: 8 };
    expect(fuzz(raft, { runs: 300, seed: 12, options: spare }).failures).toEqual([]);
    expect(fuzz(raft, { runs: 200, seed: 13, options: STABLE }).failures).toEqual([]);
  });

  // The server's mode: the leader's appends leave before its own write (a disk fault does
  // not stop them), and its copy counts only once its durability note comes back.
  it('survives random fault plans, disk faults included, with parallelAppend', () => {
    const parallel = { parallelAppend: true };
    expect(fuzz(raft, { runs: 600, seed: 21, options: parallel }).failures).toEqual([]);
    const result = simulate(raft, { seed: 4, options: { ...STABLE, ...parallel } }).result;
    expect(result.ok).toBe(true);
  });
});

describe('consensus/raft invariants', () => {
  const view = (outputs: OutputRecord<RaftOutput>[]) =>
    clusterView<RaftNodeState, RaftOutput>({ outputs });

  it('reports two leaders of one term and two entries applied at one index', () => {
    const named = (name: string) => raftInvariants().find((inv) => inv.name === name);
    const electionSafety = named('election-safety');
    const stateMachineSafety = named('state-machine-safety');
    const two = view([
      { atMs: 1, node: 1, output: { type: 'leader', term: 4 } },
      { atMs: 2, node: 2, output: { type: 'leader', term: 4 } },
    ]);
    expect(electionSafety?.check(two)).toMatch(/both lead term 4/);
    const applied = view([
      { atMs: 1, node: 1, output: { type: 'apply', index: 7, term: 2, id: '6:1' } },
      { atMs: 2, node: 3, output: { type: 'apply', index: 7, term: 3, id: '7:1' } },
    ]);
    expect(stateMachineSafety?.check(applied)).toMatch(/applied \(7, term 3/);
  });
});

describe('consensus/raft parts', () => {
  it('pipelines up to maxInflight appends, and a heartbeat reply frees a slot', () => {
    const pr = new Progress(1);
    pr.maybeUpdate(0);
    pr.becomeReplicate();
    for (let last = 1; last <= 3; last++) pr.sent(last, 1);
    expect(pr.isPaused(3)).toBe(true);
    pr.onHeartbeatReply(3);
    expect(pr.isPaused(3)).toBe(false);
    expect(pr.maybeUpdate(2)).toBe(true);
    expect(pr.inflight).toEqual([3]);
    // A rejection at or below matchIndex is stale and ignored.
    expect(pr.maybeDecrTo(2, 1)).toBe(false);
    expect(pr.maybeDecrTo(3, 3)).toBe(true);
    expect(pr.nextIndex).toBe(3);
  });
});
