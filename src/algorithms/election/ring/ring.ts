// Ring election (note 004; Tanenbaum's ring algorithm), and Chang & Roberts' variant (CACM
// 1979). Nodes form the ring 1 → 2 → … → n → 1. A node that notices the coordinator is gone
// (no Heartbeat for a while) sends ELECTION to its successor; in the notes' version each node
// appends its id and passes it on, and when the initiator sees its own message come back it
// turns it into COORDINATOR (the largest id in the list + the ring's membership), which goes
// round once. Chang–Roberts carries one candidate instead: a node forwards a larger one,
// replaces a smaller one by itself (once), and is elected when its own id returns.
//
// Fault model: crash-recovery (only the term is durable), loss, duplication, reordering and
// delay. Every hop is acknowledged; a successor that does not acknowledge in time is taken
// for crashed and skipped (the next one gets the message). Concurrent initiators all gather
// the same live ids, so they agree. A node that finds itself larger than the coordinator it
// was told about (it was skipped, or has just restarted) starts a new election, and a leader
// that hears a larger leader's Heartbeat follows it — so after faults heal, the largest live
// id leads. Partitions can give each side its own leader until they heal.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId, Process } from '../../../core/process.js';
import type { ElectionOutput } from '../workload.js';
import type { Circulating, RingMessage } from './messages.js';
import type { RingConfig } from './options.js';
import { initRingState, type RingState, SEEN_LIMIT } from './state.js';

type X = Step<RingMessage, ElectionOutput, RingState, RingConfig>;

/** The kernel's timer names; `ack` stands for every hop's `ack:<seq>` (see createRing). */
export type RingTimer = 'beat' | 'watch' | 'ack';

type ElectionHop = Circulating & { type: 'Election' };

/** Leading and following itself go together (whatever else a step changed). */
function assertRoleMatchesLeader({ s, env }: X): void {
  assert((s.role === 'leader') === (s.leader === env.id), 'a node leads iff it follows itself');
  assert(s.seen.length <= SEEN_LIMIT, 'the seen list is bounded');
}

function successor({ s, env }: X): NodeId | undefined {
  const n = env.nodes.length;
  for (let k = 1; k < n; k++) {
    const next = ((env.id - 1 + k) % n) + 1;
    if (!s.skipped.includes(next)) return next;
  }
  return undefined;
}

function pass(x: X, message: Circulating): void {
  const { s, env, c } = x;
  const to = successor(x);
  if (to === undefined) {
    // Everyone else looks crashed: the election ends here, with what it has gathered.
    if (message.type === 'Election') adopt(x, Math.max(env.id, ...message.ids), message.term);
    return;
  }
  const hop = { seq: ++s.seq, to, message };
  s.hops.push(hop);
  env.send(to, { ...message, seq: hop.seq });
  env.setTimer(`ack:${hop.seq}`, c.ackMs);
}

function startElection(x: X): void {
  const { s, env } = x;
  s.role = 'participant';
  s.leader = null;
  s.participant = true;
  s.term++;
  firstSight(s, `E${env.id}:${s.term}`);
  pass(x, { type: 'Election', initiator: env.id, term: s.term, ids: [env.id] });
}

function adopt(x: X, leader: NodeId, term: number): void {
  const { s, env, c } = x;
  const changed = s.leader !== leader;
  s.leader = leader;
  s.term = Math.max(s.term, term);
  s.participant = false;
  s.lastHeardMs = env.now();
  if (leader === env.id && s.role !== 'leader') {
    s.role = 'leader';
    env.output({ type: 'elected', term: s.term });
    env.setTimer('beat', c.heartbeatMs);
  } else if (leader !== env.id) {
    if (s.role === 'leader') env.cancelTimer('beat');
    s.role = 'follower';
  }
  if (changed) env.output({ type: 'leader', leader, term: s.term });
  if (leader < env.id) startElection(x); // We were left out: the larger id must lead.
}

/** Records a circulating message; false if this node has already handled it. */
function firstSight(s: RingState, key: string): boolean {
  if (s.seen.includes(key)) return false;
  s.seen = [...s.seen.slice(-(SEEN_LIMIT - 1)), key];
  return true;
}

/** The notes' version: append our id, or close the lap we started with COORDINATOR. */
function onElectionNotes(x: X, m: ElectionHop, top: NodeId): void {
  const { s, env } = x;
  if (m.initiator === env.id) {
    if (!firstSight(s, `C${env.id}:${m.term}`)) return; // Closed already (a duplicate).
    const ring = [...new Set(m.ids)].sort((a, b) => a - b);
    pass(x, { type: 'Coordinator', initiator: env.id, term: m.term, leader: top, ring });
    return adopt(x, top, m.term);
  }
  if (!firstSight(s, `E${m.initiator}:${m.term}`)) return; // A copy, or its initiator died.
  if (s.role !== 'leader') s.role = 'participant';
  pass(x, { ...m, ids: [...m.ids, env.id] });
}

/** Chang–Roberts: forward the larger candidate; our own id returning elects us. */
function onElectionChangRoberts(x: X, m: ElectionHop, top: NodeId): void {
  const { s, env } = x;
  if (top === env.id) {
    if (!firstSight(s, `C${env.id}:${m.term}`)) return;
    pass(x, { type: 'Coordinator', initiator: env.id, term: m.term, leader: env.id, ring: [] });
    return adopt(x, env.id, m.term);
  }
  if (top < env.id && s.participant) return; // We already stand: the smaller one dies here.
  const candidate = Math.max(top, env.id);
  if (!firstSight(s, `E${candidate}:${m.term}`)) return;
  s.participant = true;
  pass(x, { ...m, ids: [candidate] });
}

/** A circulating hop arrived: acknowledge it, and stop skipping whoever it shows alive. */
function receiveHop(x: X, from: NodeId, seq: number, alive: readonly NodeId[]): void {
  const { s, env } = x;
  s.skipped = s.skipped.filter((p) => p !== from);
  env.send(from, { type: 'Ack', seq });
  s.skipped = s.skipped.filter((p) => !alive.includes(p));
}

const ringProcess = defineProcess<RingMessage, ElectionOutput, RingState, RingConfig, RingTimer>({
  init: initRingState,
  durable: ['term'],
  onStart(x) {
    const { s, env, c } = x;
    // A staggered first suspicion, so one node usually initiates the first election.
    s.lastHeardMs = env.now() - c.suspectAfterMs - 1;
    env.setTimer('watch', 1 + env.random.int(c.suspectAfterMs));
    assertRoleMatchesLeader(x);
  },
  onMessage: {
    Election(x, from, m) {
      const { s, env, c } = x;
      receiveHop(x, from, m.seq, [m.initiator, ...m.ids]);
      const { seq: _seq, ...hop } = m;
      s.term = Math.max(s.term, m.term);
      s.lastHeardMs = env.now(); // An election is under way: no need to start another.
      const top = Math.max(...m.ids);
      if (c.variant === 'notes') onElectionNotes(x, hop, top);
      else onElectionChangRoberts(x, hop, top);
      assert(s.term >= m.term, 'the term never falls below one seen');
      assertRoleMatchesLeader(x);
    },
    Coordinator(x, from, m) {
      const { s, env } = x;
      receiveHop(x, from, m.seq, [m.initiator]);
      const { seq: _seq, ...hop } = m;
      // It has gone round once — or round again because its initiator is gone.
      if (m.initiator !== env.id && firstSight(s, `C${m.initiator}:${m.term}`)) {
        pass(x, hop);
        if (m.term >= s.term || s.leader === null) adopt(x, m.leader, m.term);
      }
      assert(
        s.seen.includes(`C${m.initiator}:${m.term}`) || m.initiator === env.id,
        'a coordinator lap is remembered',
      );
      assertRoleMatchesLeader(x);
    },
    Ack(x, from, m) {
      const { s, env } = x;
      s.skipped = s.skipped.filter((p) => p !== from);
      s.hops = s.hops.filter((h) => h.seq !== m.seq || h.to !== from);
      env.cancelTimer(`ack:${m.seq}`);
      assert(!s.hops.some((h) => h.seq === m.seq && h.to === from), 'an acked hop is done');
      assertRoleMatchesLeader(x);
    },
    Heartbeat(x, from, m) {
      const { s, env } = x;
      s.skipped = s.skipped.filter((p) => p !== from);
      if (from === s.leader) s.lastHeardMs = env.now();
      else if (s.leader === null || from > s.leader) adopt(x, from, m.term);
      assert(!s.skipped.includes(from), 'a node that speaks is not skipped');
      assertRoleMatchesLeader(x);
    },
  },
  onTimer: {
    beat(x) {
      const { s, env, c } = x;
      if (s.role === 'leader') {
        env.broadcast({ type: 'Heartbeat', term: s.term });
        env.setTimer('beat', c.heartbeatMs);
      }
      assert(s.expiredHop === null, 'no hop expires on a heartbeat');
      assertRoleMatchesLeader(x);
    },
    watch(x) {
      const { s, env, c } = x;
      env.setTimer('watch', c.heartbeatMs);
      const silent = env.now() - s.lastHeardMs > c.suspectAfterMs;
      if (s.role !== 'leader' && silent) {
        if (s.leader !== null) env.output({ type: 'suspect' });
        s.lastHeardMs = env.now(); // One election per suspicion period.
        startElection(x);
      }
      assert(env.now() - s.lastHeardMs <= c.suspectAfterMs || s.role === 'leader', 'watched');
      assertRoleMatchesLeader(x);
    },
    ack(x) {
      const { s } = x;
      const seq = s.expiredHop;
      assert(seq !== null, 'an ack timer names its hop');
      s.expiredHop = null;
      const hop = s.hops.find((h) => h.seq === seq);
      if (hop !== undefined) {
        s.hops = s.hops.filter((h) => h !== hop);
        if (!s.skipped.includes(hop.to)) s.skipped = [...s.skipped, hop.to].sort((a, b) => a - b);
        pass(x, hop.message); // Skip the silent successor.
      }
      assert(!s.hops.some((h) => h.seq === seq), 'an expired hop is no longer awaited');
      assertRoleMatchesLeader(x);
    },
  },
});

const ACK_TIMER = /^ack:(\d+)$/;

/**
 * One ring node. Each hop has its own acknowledgement timer, `ack:<seq>` (the names are in
 * every trace, so they stay as they were), while the kernel's timer table has fixed names:
 * this routes `ack:<seq>` to the `ack` handler, naming the hop in `state.expiredHop` for
 * that step. Every other name goes to the kernel as is (an unknown one is asserted there).
 */
export function createRing(
  c: RingConfig,
  id: NodeId,
): Process<RingMessage, ElectionOutput, RingState> {
  const process = ringProcess(c, id);
  return {
    ...process,
    onTimer(env, name) {
      const ack = ACK_TIMER.exec(name);
      if (ack === null) return process.onTimer(env, name);
      process.state.expiredHop = Number(ack[1]);
      process.onTimer(env, 'ack');
    },
  };
}
