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
//
// Fault model: crash-recovery (only the term is durable), message loss, duplication and
// reordering. Partitions break "one leader" unless the minority steps down (see scenarios).

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import type { ElectionOutput } from '../workload.js';
import type { BullyMessage } from './messages.js';
import type { BullyConfig } from './options.js';
import { type BullyState, initBullyState, isLeading } from './state.js';

type X = Step<BullyMessage, ElectionOutput, BullyState, BullyConfig>;

export type BullyTimer = 'beat' | 'watch' | 'answer';

function higher({ env, c }: X): NodeId[] {
  return env.peers.filter((p) => c.rank(p) > c.rank(env.id));
}

function follow(x: X, leader: NodeId, term: number): void {
  const { s, env } = x;
  assert(leader !== env.id, 'a node follows another node');
  const changed = s.leader !== leader || s.role !== 'follower';
  if (isLeading(s)) env.cancelTimer('beat');
  s.role = 'follower';
  s.leader = leader;
  s.term = Math.max(s.term, term);
  s.lastHeardMs = env.now();
  env.cancelTimer('answer');
  if (changed) env.output({ type: 'leader', leader, term: s.term });
}

function startElection(x: X): void {
  const { s, env } = x;
  if (isLeading(s)) env.cancelTimer('beat');
  s.role = 'candidate';
  s.leader = null;
  const above = higher(x);
  if (above.length === 0) return declareVictory(x); // Step 1.
  for (const p of above) env.send(p, { type: 'Election' }); // Step 2.
  env.setTimer('answer', x.c.answerMs);
}

function declareVictory(x: X): void {
  const { s, env, c } = x;
  assert(s.role === 'candidate', 'only a candidate declares victory');
  s.term++;
  s.acks = [];
  s.lastHeardMs = env.now();
  env.cancelTimer('answer');
  env.broadcast({ type: 'Victory', term: s.term }); // Step 3.
  env.setTimer('beat', c.heartbeatMs);
  if (c.stepDownMinority && majority(env.nodes.length) > 1) s.role = 'claiming';
  else lead(x);
}

function lead({ s, env }: X): void {
  s.role = 'leader';
  s.leader = env.id;
  env.output({ type: 'elected', term: s.term });
  env.output({ type: 'leader', leader: env.id, term: s.term });
}

/** Victory or Heartbeat from `from`: follow it, unless we outrank it (then bully it). */
function onLeaderClaim(x: X, from: NodeId, m: { type: 'Victory' | 'Heartbeat'; term: number }) {
  const { s, env, c } = x;
  if (c.rank(from) < c.rank(env.id)) {
    // A lower node claims to lead: bully it (unless we already lead or claim).
    if (m.type === 'Victory' && (s.role === 'follower' || s.role === 'awaiting-victory'))
      startElection(x);
    return;
  }
  const ours = s.leader;
  const worse = ours !== null && ours !== from && c.rank(ours) > c.rank(from);
  if (m.type === 'Heartbeat' && worse && s.role === 'follower') return;
  follow(x, from, m.term);
  if (c.stepDownMinority) env.send(from, { type: 'Ack', term: m.term });
  assert(s.leader === from && s.role === 'follower', 'a claim we accept makes us its follower');
}

export const createBully = defineProcess<
  BullyMessage,
  ElectionOutput,
  BullyState,
  BullyConfig,
  BullyTimer
>({
  init: initBullyState,
  durable: ['term'],
  onStart(x) {
    x.s.lastHeardMs = x.env.now();
    x.env.setTimer('watch', x.c.heartbeatMs);
    startElection(x);
  },
  onMessage: {
    Election(x, from) {
      const { s, env, c } = x;
      if (c.rank(from) >= c.rank(env.id)) return; // Elections only ask higher-ranked nodes.
      env.send(from, { type: 'Alive' });
      if (s.role === 'leader') env.send(from, { type: 'Victory', term: s.term });
      else if (s.role === 'follower') startElection(x); // Step 4: I am bigger.
      assert(s.role !== 'follower', 'a follower asked by a lower node campaigns');
    },
    Alive(x) {
      const { s, env, c } = x;
      if (s.role !== 'candidate') return;
      s.role = 'awaiting-victory';
      env.setTimer('answer', 2 * c.answerMs);
      assert(s.leader === null, 'a candidate follows nobody');
    },
    Victory: onLeaderClaim,
    Heartbeat: onLeaderClaim,
    Ack(x, from, m) {
      const { s, env } = x;
      if (m.term !== s.term || s.acks.includes(from)) return;
      assert(from !== env.id, 'acknowledgements come from peers');
      s.acks = [...s.acks, from].sort((a, b) => a - b);
      if (s.acks.length + 1 < majority(env.nodes.length)) return;
      s.lastHeardMs = env.now();
      if (s.role === 'claiming') lead(x);
      assert(s.acks.length < env.nodes.length, 'at most every peer acknowledges');
    },
  },
  onTimer: {
    beat(x) {
      const { s, env, c } = x;
      if (!isLeading(s)) return;
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
      assert(isLeading(s), 'a heartbeat comes from a leader or a claimant');
    },
    watch(x) {
      const { s, env, c } = x;
      env.setTimer('watch', c.heartbeatMs);
      if (s.role !== 'follower' || env.now() - s.lastHeardMs <= c.suspectAfterMs) return;
      if (s.leader !== null) env.output({ type: 'suspect' });
      startElection(x);
      assert(s.role !== 'follower', 'a follower that suspects its leader campaigns');
    },
    answer(x) {
      const { s } = x;
      if (s.role === 'candidate') declareVictory(x);
      else if (s.role === 'awaiting-victory') startElection(x);
      assert(s.role !== 'awaiting-victory', 'no Victory in time: campaign again');
    },
  },
});
