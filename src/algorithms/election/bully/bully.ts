// The Bully algorithm (Garcia-Molina, IEEE Trans. Computers 1982), in the notes' four steps
// [001 §2.2.1]: (1) the node ranked highest declares Victory at once; (2) any other sends
// Election to every higher-ranked node and waits; (3) no Alive within the timeout → it wins and
// broadcasts Victory; (4) an Alive → it waits for a Victory (and starts over if none comes);
// a node receiving Election from a lower-ranked one answers Alive and runs its own election.
// The leader broadcasts a Heartbeat every `heartbeatMs`; silence means it is gone. A node
// that starts or restarts runs an election, so a recovered highest node takes over again.
//
// Rank is the id, or with `--id-source lastop` the (last-operation timestamp, id) pair —
// MongoDB's variant: the most up-to-date node wins.
//
// `--step-down-minority` (the notes' split-brain rule [003]): a leader leads only while a
// majority (itself included) acknowledges it — Victory and every Heartbeat are acknowledged,
// and a leader short of a majority for a whole suspicion period steps down. A partition's
// smaller side therefore has no leader. Without it each side elects its own (split brain).

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { ElectionNodeState, ElectionOutput } from '../workload.js';
import type { BullyMessage } from './messages.js';

export interface BullyState extends ElectionNodeState {
  /** `claiming`: step-down mode, Victory sent, waiting for a majority to acknowledge it. */
  role: 'leader' | 'follower' | 'candidate' | 'awaiting-victory' | 'claiming';
  leader: NodeId | null;
  /** The highest term (Victory number) seen; durable. */
  term: number;
  /** Step-down mode: peers that acknowledged us since the last heartbeat, ascending. */
  acks: NodeId[];
  /** Local time the leader was last heard from (for a leader: a majority last acknowledged). */
  lastHeardMs: number;
}

export interface BullyConfig {
  readonly rank: (id: NodeId) => number;
  readonly heartbeatMs: number;
  readonly suspectAfterMs: number;
  /** How long a candidate waits for Alive (and twice that for Victory). */
  readonly answerMs: number;
  readonly stepDownMinority: boolean;
}

type E = Env<BullyMessage, ElectionOutput>;

function higher(env: E, c: BullyConfig): NodeId[] {
  return env.peers.filter((p) => c.rank(p) > c.rank(env.id));
}

function majority(env: E): number {
  return Math.floor(env.nodes.length / 2) + 1;
}

function follow(s: BullyState, env: E, leader: NodeId, term: number): void {
  const changed = s.leader !== leader || s.role !== 'follower';
  if (s.role === 'leader' || s.role === 'claiming') env.cancelTimer('beat');
  s.role = 'follower';
  s.leader = leader;
  s.term = Math.max(s.term, term);
  s.lastHeardMs = env.now();
  env.storage.set('term', s.term);
  env.cancelTimer('answer');
  if (changed) env.output({ type: 'leader', leader, term: s.term });
}

function startElection(s: BullyState, env: E, c: BullyConfig): void {
  if (s.role === 'leader' || s.role === 'claiming') env.cancelTimer('beat');
  s.role = 'candidate';
  s.leader = null;
  const above = higher(env, c);
  if (above.length === 0) return declareVictory(s, env, c); // Step 1.
  for (const p of above) env.send(p, { type: 'Election' }); // Step 2.
  env.setTimer('answer', c.answerMs);
}

function declareVictory(s: BullyState, env: E, c: BullyConfig): void {
  s.term++;
  env.storage.set('term', s.term);
  s.acks = [];
  s.lastHeardMs = env.now();
  env.cancelTimer('answer');
  env.broadcast({ type: 'Victory', term: s.term }); // Step 3.
  env.setTimer('beat', c.heartbeatMs);
  if (c.stepDownMinority && majority(env) > 1) s.role = 'claiming';
  else lead(s, env);
}

function lead(s: BullyState, env: E): void {
  s.role = 'leader';
  s.leader = env.id;
  env.output({ type: 'elected', term: s.term });
  env.output({ type: 'leader', leader: env.id, term: s.term });
}

export function onBullyMessage(
  s: BullyState,
  env: E,
  c: BullyConfig,
  from: NodeId,
  m: BullyMessage,
): void {
  switch (m.type) {
    case 'Election':
      if (c.rank(from) >= c.rank(env.id)) return; // Elections only ask higher-ranked nodes.
      env.send(from, { type: 'Alive' });
      if (s.role === 'leader') env.send(from, { type: 'Victory', term: s.term });
      else if (s.role === 'follower') startElection(s, env, c); // Step 4: I am bigger.
      return;
    case 'Alive':
      if (s.role !== 'candidate') return;
      s.role = 'awaiting-victory';
      env.setTimer('answer', 2 * c.answerMs);
      return;
    case 'Victory':
    case 'Heartbeat': {
      if (c.rank(from) < c.rank(env.id)) {
        // A lower node claims to lead: bully it (unless we already lead or claim).
        if (m.type === 'Victory' && (s.role === 'follower' || s.role === 'awaiting-victory'))
          startElection(s, env, c);
        return;
      }
      const ours = s.leader;
      const worse = ours !== null && ours !== from && c.rank(ours) > c.rank(from);
      if (m.type === 'Heartbeat' && worse && s.role === 'follower') return;
      follow(s, env, from, m.term);
      if (c.stepDownMinority) env.send(from, { type: 'Ack', term: m.term });
      return;
    }
    case 'Ack':
      if (m.term !== s.term || s.acks.includes(from)) return;
      s.acks = [...s.acks, from].sort((a, b) => a - b);
      if (s.acks.length + 1 < majority(env)) return;
      s.lastHeardMs = env.now();
      if (s.role === 'claiming') lead(s, env);
      return;
  }
}

export function onBullyTimer(s: BullyState, env: E, c: BullyConfig, name: string): void {
  if (name === 'beat' && (s.role === 'leader' || s.role === 'claiming')) {
    if (c.stepDownMinority && env.now() - s.lastHeardMs > c.suspectAfterMs) {
      // No majority behind us for a whole suspicion period: stop leading (or claiming).
      if (s.role === 'leader') env.output({ type: 'suspect' });
      s.role = 'follower';
      s.leader = null;
      s.lastHeardMs = env.now();
      return;
    }
    s.acks = [];
    env.broadcast({ type: 'Heartbeat', term: s.term });
    env.setTimer('beat', c.heartbeatMs);
  } else if (name === 'watch') {
    env.setTimer('watch', c.heartbeatMs);
    if (s.role === 'follower' && env.now() - s.lastHeardMs > c.suspectAfterMs) {
      if (s.leader !== null) env.output({ type: 'suspect' });
      startElection(s, env, c);
    }
  } else if (name === 'answer') {
    if (s.role === 'candidate') declareVictory(s, env, c);
    else if (s.role === 'awaiting-victory') startElection(s, env, c);
  }
}

export function createBully(c: BullyConfig): Process<BullyMessage, ElectionOutput, BullyState> {
  const state: BullyState = { role: 'follower', leader: null, term: 0, acks: [], lastHeardMs: 0 };
  return {
    state,
    onStart(env) {
      state.term = env.storage.get<number>('term') ?? 0;
      state.lastHeardMs = env.now();
      env.setTimer('watch', c.heartbeatMs);
      startElection(state, env, c);
    },
    onMessage(env, from, m) {
      onBullyMessage(state, env, c, from, m);
    },
    onTimer(env, name) {
      onBullyTimer(state, env, c, name);
    },
  };
}
