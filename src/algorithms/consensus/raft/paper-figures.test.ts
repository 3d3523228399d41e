// The Raft paper's figures, driven through the real handlers (the leader's sendAppend /
// onAppendEntriesReply / propose, the follower's onAppendEntries):
// - Figure 7: a leader of term 8 meets six followers (a)–(f) whose logs miss entries, hold
//   extra uncommitted ones, or both; every follower must end with exactly the leader's log,
//   and the conflict hints must skip a whole term per rejected AppendEntries (§5.3).
// - Figure 8: a leader never commits an entry of an earlier term by counting replicas; it
//   commits it only by committing an entry of its own term after it (§5.4.2).

import { describe, expect, it } from 'vitest';
import { Prng } from '../../../core/prng.js';
import type { Message, NodeId } from '../../../core/process.js';
import { EMPTY_KV_SNAPSHOT, KvMachine } from '../../replicated-kv/machine.js';
import { onAppendEntries } from './follower.js';
import { RaftLog } from './log.js';
import type { AppendEntries, AppendEntriesReply } from './messages.js';
import { defaultRaftOptions, raftConfig } from './options.js';
import { Progress } from './progress.js';
import { onAppendEntriesReply, propose, sendAppend } from './replication.js';
import type { RaftEnv, Role, Server, ServerState } from './state.js';
import { MapStorage } from './test-harness.js';

function server(
  id: NodeId,
  role: Role,
  terms: readonly number[],
  outbox: Message[],
  nodes: readonly NodeId[] = [1, 2],
  term = 8,
): Server {
  const storage = new MapStorage();
  const log = RaftLog.load(storage, nodes, EMPTY_KV_SNAPSHOT);
  for (const [i, term] of terms.entries()) log.append({ index: i + 1, term, kind: 'noop' });
  const env: RaftEnv = {
    id,
    nodes,
    peers: nodes.filter((n) => n !== id),
    now: () => 0,
    send: (_to, m) => outbox.push(m),
    broadcast: () => {},
    setTimer: () => {},
    cancelTimer: () => {},
    random: new Prng(id),
    storage,
    output: () => {},
    note: () => {},
  };
  const s: ServerState = {
    kind: 'server',
    id,
    role,
    term,
    votedFor: null,
    leaderId: role === 'leader' ? id : null,
    log,
    commitIndex: 0,
    lastApplied: 0,
    kv: new KvMachine(defaultRaftOptions),
    leaderContactAt: 0,
    votes: new Map(),
    progress: new Map(
      nodes.filter((n) => n !== id).map((n) => [n, new Progress(log.lastIndex + 1)] as const),
    ),
    waiters: new Map(),
    waiting: new Map(),
    durableIndex: 0,
    durableAsked: 0,
    reads: [],
    round: 0,
    roundSentAt: new Map(),
    leaseUntil: 0,
    transferee: null,
    forwarded: new Map(),
  };
  return { s, env, c: raftConfig(nodes, { ...defaultRaftOptions, clients: 0, spares: 0 }) };
}

const termsOf = (x: Server) => x.s.log.slice(1, x.s.log.lastIndex).map((e) => e.term);

// Figure 7's leader log, plus the no-op our leader appends when it takes office in term 8.
const LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
const FOLLOWERS: readonly (readonly [string, readonly number[], number])[] = [
  ['a', [1, 1, 1, 4, 4, 5, 5, 6, 6], 2],
  ['b', [1, 1, 1, 4], 2],
  ['c', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], 2],
  ['d', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], 2],
  ['e', [1, 1, 1, 4, 4, 4, 4], 3],
  ['f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 3],
];

describe('consensus/raft Figure 7', () => {
  it.each(FOLLOWERS)('brings follower (%s) to the leader’s log', (_name, terms, appends) => {
    const toFollower: Message[] = [];
    const toLeader: Message[] = [];
    const leader = server(1, 'leader', LEADER, toFollower);
    const follower = server(2, 'follower', terms, toLeader);
    sendAppend(leader, 2);
    let sent = 0;
    while (toFollower.length > 0 || toLeader.length > 0) {
      const m = toFollower.shift();
      if (m !== undefined) {
        if (m.type === 'AppendEntries') sent++;
        onAppendEntries(follower, 1, m as AppendEntries);
      }
      const r = toLeader.shift();
      if (r !== undefined) onAppendEntriesReply(leader, 2, r as AppendEntriesReply);
      expect(sent).toBeLessThan(20);
    }
    expect(termsOf(follower)).toEqual(LEADER);
    expect(leader.s.progress.get(2)?.matchIndex).toBe(LEADER.length);
    expect(sent).toBe(appends);
  });
});

describe('consensus/raft Figure 8', () => {
  const ack = (index: number): AppendEntriesReply => ({
    type: 'AppendEntriesReply',
    term: 4,
    success: true,
    matchIndex: index,
    rejectedIndex: 0,
    conflictTerm: 0,
    conflictIndex: 0,
  });

  it('commits a term-2 entry held by a majority only once a term-4 entry follows it', () => {
    // (c): S1 leads term 4 with [1, 2]; S2 and S3 hold index 2 (term 2): a majority.
    const leader = server(1, 'leader', [1, 2], [], [1, 2, 3, 4, 5], 4);
    onAppendEntriesReply(leader, 2, ack(2));
    onAppendEntriesReply(leader, 3, ack(2));
    expect(leader.s.commitIndex).toBe(0); // (d) could still overwrite index 2.
    propose(leader, { index: 3, term: 4, kind: 'noop' });
    onAppendEntriesReply(leader, 2, ack(3));
    expect(leader.s.commitIndex).toBe(0);
    onAppendEntriesReply(leader, 3, ack(3));
    expect(leader.s.commitIndex).toBe(3); // (e): index 3 commits, and 2 with it.
  });
});
