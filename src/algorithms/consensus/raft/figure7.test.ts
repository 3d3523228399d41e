// The Raft paper's Figure 7: a leader of term 8 meets six followers (a)–(f) whose logs miss
// entries, hold extra uncommitted ones, or both. Driven through the real handlers (the
// leader's sendAppend / onAppendEntriesReply, the follower's onAppendEntries), every follower
// must end with exactly the leader's log, and the conflict hints must skip a whole term per
// rejected AppendEntries (§5.3's optimization) instead of one entry at a time.

import { describe, expect, it } from 'vitest';
import { Prng } from '../../../core/prng.js';
import type { Message, NodeId, Storage } from '../../../core/process.js';
import { onAppendEntries } from './follower.js';
import { KvMachine } from './kv.js';
import { RaftLog } from './log.js';
import type { AppendEntries, AppendEntriesReply } from './messages.js';
import { defaultRaftOptions } from './options.js';
import { Progress } from './progress.js';
import { onAppendEntriesReply, sendAppend } from './replication.js';
import type { RaftEnv, Role, Server, ServerState } from './state.js';

class MapStorage implements Storage {
  private readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  keys(prefix = ''): string[] {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

function server(id: NodeId, role: Role, terms: readonly number[], outbox: Message[]): Server {
  const storage = new MapStorage();
  const log = RaftLog.load(storage, [1, 2]);
  terms.forEach((term, i) => log.append({ index: i + 1, term, kind: 'noop' }));
  const env: RaftEnv = {
    id,
    nodes: [1, 2],
    peers: [3 - id],
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
    term: 8,
    votedFor: null,
    leaderId: role === 'leader' ? id : null,
    log,
    commitIndex: 0,
    lastApplied: 0,
    kv: new KvMachine(),
    leaderContactAt: 0,
    votes: new Map(),
    progress: new Map([[3 - id, new Progress(log.lastIndex + 1)]]),
    waiters: new Map(),
    reads: [],
    round: 0,
    roundSentAt: new Map(),
    leaseUntil: 0,
    transferee: null,
  };
  return {
    s,
    env,
    o: defaultRaftOptions,
    cluster: { servers: [1, 2], clients: [], initialVoters: [1, 2] },
  };
}

const termsOf = (sv: Server) => sv.s.log.slice(1, sv.s.log.lastIndex).map((e) => e.term);

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
