// Learners (non-voting members, etcd's MemberAdd --learner): they receive the log, never
// count toward a commit, a vote or a ReadIndex quorum, never campaign, and are promoted to
// voters only once they hold most of the leader's log.

import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import type { ClientReplyBody } from './client-api.js';
import { raft } from './index.js';
import { kvMachineDef } from './machine.js';
import { parseRaftMessage } from './messages.js';
import { defaultRaftOptions } from './options.js';
import { createServer } from './raft.js';
import type { ServerState } from './state.js';
import { emptyRecord, MapStorage, plainEnv } from './test-harness.js';

const ACK = {
  type: 'AppendEntriesReply',
  success: true,
  rejectedIndex: 0,
  conflictTerm: 0,
  conflictIndex: 0,
} as const;

/** Server 1 leading term 1 of voters {1, 2, 3}, with server 4 outside the configuration. */
function leaderWithSpare() {
  const nodes = [1, 2, 3, 4];
  const cluster = { servers: nodes, clients: [], initialVoters: [1, 2, 3] };
  const process = createServer({ ...defaultRaftOptions, cluster, machine: kvMachineDef }, 1);
  const record = emptyRecord();
  const env = plainEnv(1, nodes, new MapStorage(), record);
  process.onStart(env);
  process.onTimer(env, 'election');
  process.onMessage(env, 2, { type: 'PreVoteReply', term: 1, voteGranted: true });
  process.onMessage(env, 2, { type: 'RequestVoteReply', term: 1, voteGranted: true });
  const s = process.state as ServerState;
  const ack = (from: number, matchIndex: number) =>
    process.onMessage(env, from, { ...ACK, term: 1, matchIndex });
  let seq = 0;
  const admin = (type: 'add-learner' | 'promote-learner' | 'remove-server', node: number) =>
    process.onCommand?.(env, { type, node, client: 7, seq: ++seq });
  const put = () =>
    process.onCommand?.(env, { type: 'put', key: 'k', value: 'v', client: 7, seq: ++seq });
  const last = () => {
    const replies = record.outputs.flatMap((o) => (o.type === 'reply' ? [o.reply] : []));
    return replies.at(-1) as ClientReplyBody | undefined;
  };
  return { s, ack, admin, put, last, record };
}

describe('consensus/raft learners', () => {
  it('replicate to a learner, commit without it, and promote it once it has caught up', () => {
    const h = leaderWithSpare();
    h.ack(2, 1); // The leader's no-op commits on {1, 2}.
    expect(h.s.commitIndex).toBe(1);

    h.admin('add-learner', 4);
    expect(h.s.log.entry(2)).toMatchObject({ kind: 'config', voters: [1, 2, 3], learners: [4] });
    expect(h.s.progress.has(4)).toBe(true);
    expect(h.record.sent.some((m) => m.to === 4 && m.message.type === 'AppendEntries')).toBe(true);
    h.ack(3, 2);
    expect(h.s.commitIndex).toBe(2);
    expect(h.last()).toMatchObject({ seq: 1, ok: true });

    // It holds nothing yet (less than 90 % of the log): refused, nothing proposed.
    h.admin('promote-learner', 4);
    expect(h.last()).toMatchObject({ seq: 2, ok: false, reason: 'not-ready' });
    expect(h.s.log.lastIndex).toBe(2);

    h.put();
    h.ack(4, 3); // A learner's acknowledgement commits nothing.
    expect(h.s.commitIndex).toBe(2);
    h.ack(2, 3);
    expect(h.s.commitIndex).toBe(3);

    h.admin('promote-learner', 4);
    expect(h.s.log.entry(4)).toMatchObject({ kind: 'config', voters: [1, 2, 3, 4] });
    expect(h.s.log.learners()).toEqual([]);
    h.ack(2, 4); // Four voters now: the promotion needs three of them.
    expect(h.s.commitIndex).toBe(3);
    h.ack(4, 4);
    expect(h.s.commitIndex).toBe(4);
  });

  it('refuses to promote a voter or a stranger, and removes a learner like a voter', () => {
    const h = leaderWithSpare();
    h.ack(2, 1);
    h.admin('promote-learner', 2);
    expect(h.last()).toMatchObject({ ok: false, reason: 'rejected' });
    h.admin('promote-learner', 4);
    expect(h.last()).toMatchObject({ ok: false, reason: 'rejected' });
    h.admin('add-learner', 4);
    h.ack(2, 2);
    h.admin('add-learner', 4);
    expect(h.last()).toMatchObject({ ok: false, reason: 'rejected' });
    h.admin('remove-server', 4);
    expect(h.s.log.entry(3)).toMatchObject({ kind: 'config', voters: [1, 2, 3] });
    expect(h.s.log.learners()).toEqual([]);
  });

  it('a learner never campaigns', () => {
    const nodes = [1, 2];
    const cluster = { servers: nodes, clients: [], initialVoters: [1] };
    const process = createServer({ ...defaultRaftOptions, cluster, machine: kvMachineDef }, 2);
    const record = emptyRecord();
    const storage = new MapStorage();
    const env = plainEnv(2, nodes, storage, record);
    storage.set('snapshot', {
      index: 1,
      term: 1,
      voters: [1],
      learners: [2],
      kv: kvMachineDef.emptySnapshot,
    });
    process.onStart(env);
    process.onTimer(env, 'election');
    expect((process.state as ServerState).role).toBe('follower');
    expect(record.sent).toEqual([]);
  });

  it('parses configurations with learners and refuses a learner that is also a voter', () => {
    const entry = (learners?: number[]) => ({
      type: 'AppendEntries',
      term: 1,
      prevLogIndex: 0,
      prevLogTerm: 0,
      leaderCommit: 0,
      entries: [{ index: 1, term: 1, kind: 'config', voters: [1, 2], learners, client: 1, seq: 1 }],
    });
    const parse = (m: unknown) => parseRaftMessage(m, kvMachineDef);
    expect(parse(entry(undefined))).toBeDefined();
    expect(parse(entry([]))).toBeDefined();
    expect(parse(entry([3]))).toBeDefined();
    expect(parse(entry([2]))).toBeUndefined();
    expect(parse(entry([4, 3]))).toBeUndefined();
  });

  it('survives random fault plans with learners added, promoted and removed', () => {
    const options = { spares: 2, learnerChanges: true, snapshotEntries: 8 };
    expect(fuzz(raft, { runs: 400, seed: 31, options }).failures).toEqual([]);
  });

  it('the learner workload does add and promote learners', () => {
    let added = 0;
    let promoted = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const options = { spares: 2, learnerChanges: true, requests: 40 };
      const { sim, result } = simulate(raft, { nodes: 8, seed, options });
      expect(result.ok).toBe(true);
      for (const r of sim.outputs) {
        const o = r.output as { type: string; op?: string };
        if (o.type !== 'admin') continue;
        if (/^add-learner \d+ ok$/.test(o.op ?? '')) added++;
        if (/^promote-learner \d+ ok$/.test(o.op ?? '')) promoted++;
      }
    }
    expect(added).toBeGreaterThan(0);
    expect(promoted).toBeGreaterThan(0);
  });
});
