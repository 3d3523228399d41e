// A follower whose log went backwards (issue 14 item 7): after a wiped data directory, a
// write-ahead log cut back past acknowledged records, or `cohort node --repair`, it comes
// back with less than the leader's matchIndex for it. The leader must notice (a heartbeat
// round's reply proves it, progress.ts), say so (output `follower-log-lost`), and repair
// it by probing from its log end or installing a snapshot; the follower must never adopt a
// commit index it cannot verify. Here the simulator's durable storage of a crashed node is
// cut or cleared by hand before it restarts: the loss no crash can cause.

import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../core/algorithm.js';
import { nodeIds } from '../../../core/process.js';
import { resolveOptions } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import type { KvMachine } from '../../replicated-kv/machine.js';
import { raft } from './index.js';
import type { RaftNodeState } from './invariants.js';
import type { Entry, RaftOutput } from './messages.js';
import { Progress } from './progress.js';
import type { ServerState } from './state.js';
import { handServer, MapStorage } from './test-harness.js';

const SERVERS = 3;
const CLIENTS = 2;

function cluster(options: Record<string, number | boolean>) {
  const n = SERVERS + CLIENTS;
  const ctx: RunContext = {
    nodes: nodeIds(n),
    options: resolveOptions(raft, { clients: CLIENTS, configChanges: false, ...options }),
    seed: 1,
  };
  const sim = new Simulator({
    seed: 1,
    nodes: n,
    create: (id) => raft.create(id, ctx),
    invariants: raft.invariants(ctx),
  });
  sim.start();
  return sim;
}

function server(sim: Simulator, id: number): ServerState {
  const s = sim.node(id).state as RaftNodeState | undefined;
  expect(s?.kind).toBe('server');
  return s as ServerState;
}

function leaderOf(sim: Simulator): number {
  const ids = nodeIds(SERVERS).filter((id) => sim.node(id).up && server(sim, id).role === 'leader');
  expect(ids).toHaveLength(1);
  return ids[0] as number;
}

/**
 * Runs to `atMs`, crashes a follower, lets `lose` damage its durable storage, and restarts
 * it `downMs` later while the clients keep writing. Returns the follower and the leader.
 */
function loseFollowerState(
  sim: Simulator,
  lose: (durable: Map<string, unknown>) => void,
  atMs = 600,
  downMs = 300,
) {
  sim.runUntil(atMs);
  const leader = leaderOf(sim);
  const follower = nodeIds(SERVERS).find((id) => id !== leader) as number;
  expect(server(sim, follower).commitIndex).toBeGreaterThan(5);
  sim.inject({ kind: 'crash', node: follower, atMs });
  lose(sim.node(follower).durable);
  sim.runUntil(atMs + downMs);
  sim.inject({ kind: 'restart', node: follower, atMs: atMs + downMs });
  return { leader, follower };
}

function repairs(sim: Simulator, follower: number) {
  return sim.outputs.filter((r) => {
    const out = r.output as RaftOutput;
    return out.type === 'follower-log-lost' && out.follower === follower;
  });
}

/** Every server holds the same commit index and the same key-value state. */
function expectConverged(sim: Simulator): void {
  const states = nodeIds(SERVERS).map((id) => server(sim, id));
  expect(new Set(states.map((s) => s.commitIndex)).size).toBe(1);
  expect(new Set(states.map((s) => JSON.stringify((s.kv as KvMachine).snapshot().data))).size).toBe(
    1,
  );
}

describe('consensus/raft: a follower whose log went backwards', () => {
  it('is repaired when its log was cut back below what it acknowledged', () => {
    const sim = cluster({ requests: 80, snapshotEntries: 0 });
    let cutTo = 0;
    const { leader, follower } = loseFollowerState(sim, (durable) => {
      // Keep the first half of its log: the records after it are "torn off" the WAL.
      const keys = [...durable.keys()].filter((k) => k.startsWith('log/')).sort();
      cutTo = Math.floor(keys.length / 2);
      for (const key of keys.slice(cutTo)) durable.delete(key);
    });
    expect(server(sim, follower).log.lastIndex).toBe(cutTo);
    sim.runUntil(3_000);
    expect(sim.violation).toBeUndefined();
    const [repair] = repairs(sim, follower);
    expect(repair?.node).toBe(leader);
    const out = repair?.output as Extract<RaftOutput, { type: 'follower-log-lost' }>;
    expect(out).toMatchObject({ level: 'warn', lastIndex: cutTo });
    expect(out.matchIndex).toBeGreaterThan(cutTo);
    expectConverged(sim);
  });

  // With 64 entries per snapshot the leader still holds entry 1 and re-sends the whole log;
  // with 16 it has compacted it away and installs its snapshot.
  it.each([
    [64, 'by appends from its first entry'],
    [16, 'by a snapshot'],
  ])('is repaired when its data directory was wiped (snapshotEntries %i: %s)', (every) => {
    const sim = cluster({ requests: 80, snapshotEntries: every });
    const { leader, follower } = loseFollowerState(sim, (durable) => durable.clear());
    const compacted = server(sim, leader).log.snapshot.index;
    sim.runUntil(3_000);
    expect(sim.violation).toBeUndefined();
    expect(repairs(sim, follower).map((r) => r.node)).toEqual([leader]);
    expectConverged(sim);
    expect((sim.stats.byType.InstallSnapshot ?? 0) > 0).toBe(compacted > 0);
  });

  it('does not report a follower that merely crashed and restarted', () => {
    const sim = cluster({ requests: 80, snapshotEntries: 16 });
    const { follower } = loseFollowerState(sim, () => {});
    sim.runUntil(3_000);
    expect(sim.violation).toBeUndefined();
    expect(repairs(sim, follower)).toEqual([]);
    expectConverged(sim);
  });
});

describe('consensus/raft: proof of a lost log', () => {
  it('takes a heartbeat round sent after the acknowledgement, never an older one', () => {
    const pr = new Progress(1);
    pr.maybeUpdate(10);
    pr.becomeReplicate();
    pr.heartbeatSent(4); // Checks matchIndex 10 against the answer to round 4.
    pr.maybeUpdate(20);
    pr.heartbeatSent(5); // One check at a time: round 5 does not replace it.
    expect(pr.lostEntries(3, 0)).toBe(false); // Round 3 may predate the acknowledgement.
    expect(pr.matchCheck).toEqual({ round: 4, matchIndex: 10 });
    expect(pr.lostEntries(4, 15)).toBe(false); // Holds 15 ≥ 10: the 11..20 acks may be later.
    expect(pr.matchCheck).toBeNull();
    pr.heartbeatSent(6);
    expect(pr.lostEntries(7, 19)).toBe(true);
    pr.reset(20);
    expect(pr).toMatchObject({ matchIndex: 0, nextIndex: 20, state: 'probe', inflight: [] });
  });

  it('a follower adopts a heartbeat commit only where its entry has the leader’s term', () => {
    // Its log was cut back to a suffix of term 1 that the leader of term 2 had replaced.
    const storage = new MapStorage();
    const entries: Entry[] = [1, 1, 1, 1].map((term, i) => ({ index: i + 1, term, kind: 'noop' }));
    for (const e of entries) storage.set(`log/${String(e.index).padStart(12, '0')}`, e);
    storage.set('hard', { term: 2, votedFor: null });
    const h = handServer(2, {}, storage);
    const beat = (commit: number, commitTerm: number) =>
      h.process.onMessage(h.env, 1, { type: 'Heartbeat', term: 2, commit, commitTerm, round: 1 });
    beat(9, 2); // Beyond its log: nothing to adopt, and no assertion.
    beat(4, 2); // Index 4 holds term 1, not the leader's term 2.
    expect(h.process.state.commitIndex).toBe(0);
    expect(h.record.notes.filter((n) => n.includes('not in our log'))).toHaveLength(2);
    beat(2, 1); // Index 2 matches the leader's: Log Matching makes 1..2 the leader's too.
    expect(h.process.state.commitIndex).toBe(2);
    const replies = h.record.sent.map((s) => s.message);
    expect(replies.every((m) => m.type === 'HeartbeatReply' && m.lastIndex === 4)).toBe(true);
  });
});
