// election/raft's process: consensus/raft's server with no clients, its role changes
// reported in the election family's vocabulary (election/workload.ts) — `elected` when it
// wins a term, `leader` whenever the leader it follows changes, `suspect` when its election
// timer fires (a pre-vote or a vote starts). It is not a second Raft.
//
// Not on the kernel: it hosts another process (the Raft server, whose handlers, timers and
// durable term and vote are Raft's own); the kernel defines a process from handlers and
// cannot wrap one. Its only state of its own, the leader last reported, is in `state`.
//
// Fault model: consensus/raft's — crash-recovery, loss, duplication, reordering, delay,
// partitions, pauses and drift; one leader per term always, a leader once a majority is up.

import { assert } from '../../../core/assert.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import { createServer, type RaftMessage, type RaftOutput } from '../../consensus/raft/index.js';
import type { ElectionOutput } from '../workload.js';
import type { RaftElectionConfig } from './options.js';
import type { RaftElectionState } from './state.js';

type E = Env<RaftMessage, ElectionOutput>;

export function createRaftElection(
  c: RaftElectionConfig,
  id: NodeId,
): Process<RaftMessage, ElectionOutput, RaftElectionState> {
  const server = createServer(c.server, id);
  /** What the adapter itself keeps (shown in `state`). */
  const own: { followed: NodeId | null } = { followed: null };
  const adapt = (env: E): Env<RaftMessage, RaftOutput> => ({
    id: env.id,
    nodes: env.nodes,
    peers: env.peers,
    random: env.random,
    storage: env.storage,
    now: () => env.now(),
    send: (to, m) => env.send(to, m),
    broadcast: (m) => env.broadcast(m),
    setTimer: (name, ms) => env.setTimer(name, ms),
    cancelTimer: (name) => env.cancelTimer(name),
    note: (text) => env.note(text),
    output: (out) => {
      if (out.type === 'leader') env.output({ type: 'elected', term: out.term });
      else if (out.type === 'campaign' && (out.pre || !c.server.preVote))
        env.output({ type: 'suspect' });
    },
  });
  /** Runs one step of the server, then reports a newly followed leader (itself included). */
  const step = (env: E, body: (env: Env<RaftMessage, RaftOutput>) => void): void => {
    const termBefore = server.state?.term ?? 0;
    body(adapt(env));
    const s = server.state;
    if (s.leaderId !== null && s.leaderId !== own.followed)
      env.output({ type: 'leader', leader: s.leaderId, term: s.term });
    own.followed = s.leaderId;
    assert(s.term >= termBefore, "a Raft server's term never falls");
    assert(own.followed === s.leaderId, 'the reported leader is the one followed');
  };
  return {
    get state() {
      const s = server.state;
      return { role: s.role, leader: s.leaderId, term: s.term, followed: own.followed, server: s };
    },
    onStart(env) {
      own.followed = null;
      step(env, (e) => server.onStart(e));
    },
    onMessage(env, from, m) {
      step(env, (e) => server.onMessage(e, from, m));
    },
    onTimer(env, name) {
      step(env, (e) => server.onTimer(e, name));
    },
  };
}
