// Ring election (note 004; Tanenbaum's ring algorithm), and Chang & Roberts' variant (CACM
// 1979). Nodes form the ring 1 → 2 → … → n → 1. A node that notices the coordinator is gone
// (no Heartbeat for a while) sends ELECTION to its successor; in the notes' version each node
// appends its id and passes it on, and when the initiator sees its own message come back it
// turns it into COORDINATOR (the largest id in the list + the ring's membership), which goes
// round once. Chang–Roberts carries one candidate instead: a node forwards a larger one,
// replaces a smaller one by itself (once), and is elected when its own id returns.
//
// Faults: every hop is acknowledged; a successor that does not acknowledge in time is taken
// for crashed and skipped (the next one gets the message). Concurrent initiators all gather
// the same live ids, so they agree. A node that finds itself larger than the coordinator it
// was told about (it was skipped, or has just restarted) starts a new election, and a leader
// that hears a larger leader's Heartbeat follows it — so after faults heal, the largest live
// id leads.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { ElectionNodeState, ElectionOutput } from '../workload.js';
import type { Circulating, RingMessage } from './messages.js';

/** A hop waiting for its acknowledgement. */
interface Hop {
  readonly seq: number;
  readonly to: NodeId;
  readonly message: Circulating;
}

export interface RingState extends ElectionNodeState {
  role: 'leader' | 'follower' | 'participant';
  leader: NodeId | null;
  term: number;
  /** Successors taken for crashed, ascending (cleared when they speak). */
  skipped: NodeId[];
  /** Chang–Roberts: this node has put itself forward in the current election. */
  participant: boolean;
  /** The circulating messages this node has handled (the last 32): each is forwarded once,
   *  so copies die out, and one that comes round again has lost its originator. */
  seen: string[];
  hops: Hop[];
  seq: number;
  lastHeardMs: number;
}

export interface RingConfig {
  readonly variant: 'notes' | 'chang-roberts';
  readonly heartbeatMs: number;
  readonly suspectAfterMs: number;
  readonly ackMs: number;
}

type E = Env<RingMessage, ElectionOutput>;

export function createRing(c: RingConfig): Process<RingMessage, ElectionOutput, RingState> {
  const s: RingState = {
    role: 'follower',
    leader: null,
    term: 0,
    skipped: [],
    participant: false,
    seen: [],
    hops: [],
    seq: 0,
    lastHeardMs: 0,
  };

  function successor(env: E): NodeId | undefined {
    const n = env.nodes.length;
    for (let k = 1; k < n; k++) {
      const next = ((env.id - 1 + k) % n) + 1;
      if (!s.skipped.includes(next)) return next;
    }
    return undefined;
  }

  function pass(env: E, message: Circulating): void {
    const to = successor(env);
    if (to === undefined) {
      // Everyone else looks crashed: the election ends here, with what it has gathered.
      if (message.type === 'Election') adopt(env, Math.max(env.id, ...message.ids), message.term);
      return;
    }
    const hop = { seq: ++s.seq, to, message };
    s.hops.push(hop);
    env.send(to, { ...message, seq: hop.seq });
    env.setTimer(`ack:${hop.seq}`, c.ackMs);
  }

  function startElection(env: E): void {
    s.role = 'participant';
    s.leader = null;
    s.participant = true;
    s.term++;
    env.storage.set('term', s.term);
    firstSight(`E${env.id}:${s.term}`);
    pass(env, { type: 'Election', initiator: env.id, term: s.term, ids: [env.id] });
  }

  function adopt(env: E, leader: NodeId, term: number): void {
    const changed = s.leader !== leader;
    s.leader = leader;
    s.term = Math.max(s.term, term);
    s.participant = false;
    s.lastHeardMs = env.now();
    env.storage.set('term', s.term);
    if (leader === env.id && s.role !== 'leader') {
      s.role = 'leader';
      env.output({ type: 'elected', term: s.term });
      env.setTimer('beat', c.heartbeatMs);
    } else if (leader !== env.id) {
      if (s.role === 'leader') env.cancelTimer('beat');
      s.role = 'follower';
    }
    if (changed) env.output({ type: 'leader', leader, term: s.term });
    if (leader < env.id) startElection(env); // We were left out: the larger id must lead.
  }

  /** Records a circulating message; false if this node has already handled it. */
  function firstSight(key: string): boolean {
    if (s.seen.includes(key)) return false;
    s.seen = [...s.seen.slice(-31), key];
    return true;
  }

  function onElection(env: E, m: Circulating & { type: 'Election' }): void {
    s.term = Math.max(s.term, m.term);
    s.lastHeardMs = env.now(); // An election is under way: no need to start another.
    const top = Math.max(...m.ids);
    if (c.variant === 'notes') {
      if (m.initiator === env.id) {
        if (!firstSight(`C${env.id}:${m.term}`)) return; // Closed already (a duplicate).
        const ring = [...new Set(m.ids)].sort((a, b) => a - b);
        pass(env, { type: 'Coordinator', initiator: env.id, term: m.term, leader: top, ring });
        return adopt(env, top, m.term);
      }
      if (!firstSight(`E${m.initiator}:${m.term}`)) return; // A copy, or its initiator died.
      if (s.role !== 'leader') s.role = 'participant';
      return pass(env, { ...m, ids: [...m.ids, env.id] });
    }
    if (top === env.id) {
      if (!firstSight(`C${env.id}:${m.term}`)) return;
      pass(env, { type: 'Coordinator', initiator: env.id, term: m.term, leader: env.id, ring: [] });
      return adopt(env, env.id, m.term);
    }
    if (top < env.id && s.participant) return; // We already stand: the smaller one dies here.
    const candidate = Math.max(top, env.id);
    if (!firstSight(`E${candidate}:${m.term}`)) return;
    s.participant = true;
    pass(env, { ...m, ids: [candidate] });
  }

  function circulate(env: E, m: Circulating): void {
    if (m.type === 'Election') return onElection(env, m);
    // It has gone round once — or round again because its initiator is gone.
    if (m.initiator === env.id || !firstSight(`C${m.initiator}:${m.term}`)) return;
    pass(env, m);
    if (m.term >= s.term || s.leader === null) adopt(env, m.leader, m.term);
  }

  function onMessage(env: E, from: NodeId, m: RingMessage): void {
    s.skipped = s.skipped.filter((p) => p !== from);
    switch (m.type) {
      case 'Ack': {
        s.hops = s.hops.filter((h) => h.seq !== m.seq || h.to !== from);
        env.cancelTimer(`ack:${m.seq}`);
        return;
      }
      case 'Heartbeat':
        if (from === s.leader) s.lastHeardMs = env.now();
        else if (s.leader === null || from > s.leader) adopt(env, from, m.term);
        return;
      default: {
        env.send(from, { type: 'Ack', seq: m.seq });
        // Whoever started it, or is listed in it, is alive: stop skipping them.
        const alive = m.type === 'Election' ? [m.initiator, ...m.ids] : [m.initiator];
        s.skipped = s.skipped.filter((p) => !alive.includes(p));
        const { seq: _seq, ...circulating } = m;
        circulate(env, circulating);
      }
    }
  }

  function onTimer(env: E, name: string): void {
    if (name === 'beat' && s.role === 'leader') {
      env.broadcast({ type: 'Heartbeat', term: s.term });
      env.setTimer('beat', c.heartbeatMs);
    } else if (name === 'watch') {
      env.setTimer('watch', c.heartbeatMs);
      const silent = env.now() - s.lastHeardMs > c.suspectAfterMs;
      if (s.role !== 'leader' && silent) {
        if (s.leader !== null) env.output({ type: 'suspect' });
        s.lastHeardMs = env.now(); // One election per suspicion period.
        startElection(env);
      }
    } else if (name.startsWith('ack:')) {
      const seq = Number(name.slice(4));
      const hop = s.hops.find((h) => h.seq === seq);
      if (hop === undefined) return;
      s.hops = s.hops.filter((h) => h !== hop);
      if (!s.skipped.includes(hop.to)) s.skipped = [...s.skipped, hop.to].sort((a, b) => a - b);
      pass(env, hop.message); // Skip the silent successor.
    }
  }

  return {
    state: s,
    onStart(env) {
      s.term = env.storage.get<number>('term') ?? 0;
      // A staggered first suspicion, so one node usually initiates the first election.
      s.lastHeardMs = env.now() - c.suspectAfterMs - 1;
      env.setTimer('watch', 1 + env.random.int(c.suspectAfterMs));
    },
    onMessage,
    onTimer,
  };
}
