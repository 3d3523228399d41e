// A ZooKeeper server running ZAB (Junqueira, Reed and Serafini, "Zab: High-performance
// broadcast for primary-backup systems", DSN 2011) on top of election/zab-fle, which is
// reused, not rewritten: it elects a prospective leader (phase 0) and establishes its epoch
// with a quorum (phase 1, discovery: FollowerInfo → LeaderInfo → AckEpoch, where the leader
// gives up if a follower's history is newer than its own).
//
// Phase 2, synchronization. Each learner asks the established leader for its history
// (SyncRequest); the leader sends NewLeader(epoch, history, committed); the learner adopts
// that history (dropping proposals the leader lacks — they were never committed), only THEN
// takes the epoch as its currentEpoch (so an unsynchronized learner cannot win a later
// election on its epoch alone), and answers AckNewLeader. Once a quorum has, the leader
// commits its whole history — every proposal committed in an earlier epoch is in it — and
// only then proposes anything new.
//
// Phase 3, broadcast. A write is proposed by the leader with zxid (epoch, counter + 1),
// durable in its history, and sent as a Proposal; learners accept proposals strictly in zxid
// order and acknowledge cumulatively; a quorum of acknowledgements commits, and commits are
// delivered in zxid order. Writes submitted at a learner are forwarded to the leader.
// Observers learn proposals and commits but their acknowledgements never count.
//
// Fault model: crash-recovery (history, delivered zxid, epochs durable); links may lose,
// duplicate, reorder and delay (ZAB assumes FIFO channels: the in-order acceptance rule and
// the leader's periodic re-send from each learner's acknowledged zxid rebuild them);
// partitions, pauses, drift.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { ElectionOutput } from '../../election/workload.js';
import { createFle, type FleConfig, type FleState } from '../../election/zab-fle/fle.js';
import { isQuorum, type QuorumSpec } from '../../election/zab-fle/quorum.js';
import { parseZabMessage, type Txn, type ZabMessage } from './messages.js';
import { counterOf, epochOf, makeZxid } from './zxid.js';

export type ZabOutput =
  | ElectionOutput
  | { readonly type: 'propose'; readonly txn: Txn }
  | { readonly type: 'deliver'; readonly txn: Txn }
  | { readonly type: 'invoke'; readonly seq: number; readonly value: string }
  | { readonly type: 'complete'; readonly seq: number; readonly zxid: number };

export interface ZabConfig {
  readonly fle: FleConfig;
  readonly quorum: QuorumSpec;
  /** Writes this server submits (its client workload). */
  readonly requests: number;
  readonly thinkMs: number;
  /** Leader re-sends and learner retries run every tickMs. */
  readonly tickMs: number;
  /** A submitted write not delivered after this long is submitted again (same seq). */
  readonly retryMs: number;
  /** Proposals re-sent to a lagging learner per tick. */
  readonly resendBatch: number;
}

export interface ZabServerState {
  readonly id: NodeId;
  phase: 'election' | 'sync' | 'broadcast';
  /** The epoch this server leads or is synchronized to (0 in election). */
  epoch: number;
  /** Durable: accepted proposals in zxid order. */
  history: Txn[];
  /** Highest zxid known committed (volatile; restarts at `delivered`). */
  committed: number;
  /** Durable: highest zxid delivered. */
  delivered: number;
  /** Leader: the last zxid each synchronized learner acknowledged; counter of the epoch. */
  learners: Record<string, number>;
  counter: number;
  /** Client workload: durable sequence number and completed writes. */
  seq: number;
  done: number;
  pending: { readonly seq: number; readonly value: string; sentAt: number } | null;
}

/** What invariants and the Lab read: the election's view plus ZAB's. */
export interface ZabNodeState {
  readonly role: FleState['role'];
  readonly leader: NodeId | null;
  readonly term: number;
  readonly fle: FleState;
  readonly zab: ZabServerState;
}

type E = Env<ZabMessage, ZabOutput>;

/** Proposals a learner holds back while it waits for a gap to fill. */
const MAX_EARLY = 1024;

const historyKey = (zxid: number) => `history/${String(zxid).padStart(16, '0')}`;

export function createZabServer(
  id: NodeId,
  c: ZabConfig,
): Process<ZabMessage, ZabOutput, ZabNodeState> {
  const z: ZabServerState = {
    id,
    phase: 'election',
    epoch: 0,
    history: [],
    committed: 0,
    delivered: 0,
    learners: {},
    counter: 0,
    seq: 0,
    done: 0,
    pending: null,
  };
  const lastZxid = () => z.history[z.history.length - 1]?.zxid ?? 0;
  const fle = createFle({ ...c.fle, lastZxid, epochOnSync: true }, id);
  let seen = { role: fle.state.role, term: fle.state.term };
  /** Leader: each learner's acknowledged zxid at the previous tick. */
  let ackedAtTick: Record<string, number> = {};
  /** Learner: proposals that arrived ahead of a gap, by zxid (volatile). */
  const early = new Map<number, Txn>();

  // ---- Phase changes, driven by the election ------------------------------------------

  /** After every step: react when the election made us a leader, a learner, or neither. */
  function followElection(env: E): void {
    const { role, term } = fle.state;
    if (role === seen.role && term === seen.term) return;
    seen = { role, term };
    z.learners = {};
    ackedAtTick = {};
    early.clear();
    z.committed = z.delivered;
    if (role === 'leader') {
      z.phase = 'sync';
      z.epoch = term;
      z.counter = 0;
      z.learners = { [id]: lastZxid() };
      maybeEstablish(env);
    } else if (role === 'follower' || role === 'observer') {
      z.phase = 'sync';
      z.epoch = term;
      requestSync(env);
    } else {
      z.phase = 'election';
      z.epoch = 0;
    }
  }

  const leaderOf = () => fle.state.leader as NodeId;
  const isLeader = () => fle.state.role === 'leader';

  function requestSync(env: E): void {
    env.send(leaderOf(), { type: 'SyncRequest', epoch: z.epoch, lastZxid: lastZxid() });
  }

  // ---- Durable history ------------------------------------------------------------------

  function append(env: E, txn: Txn): void {
    z.history.push(txn);
    env.storage.set(historyKey(txn.zxid), txn);
  }

  /** A learner adopts the leader's history: what the leader lacks was never committed. */
  function adopt(env: E, history: readonly Txn[]): void {
    const keep = new Set(history.map((t) => historyKey(t.zxid)));
    for (const key of env.storage.keys('history/')) if (!keep.has(key)) env.storage.delete(key);
    for (const t of history) env.storage.set(historyKey(t.zxid), t);
    z.history = [...history];
  }

  function deliver(env: E): void {
    const before = z.delivered;
    for (const txn of z.history) {
      if (txn.zxid <= z.delivered) continue;
      if (txn.zxid > z.committed) break;
      z.delivered = txn.zxid;
      env.output({ type: 'deliver', txn });
      if (txn.origin === id && z.pending?.seq === txn.seq) complete(env, txn.zxid);
    }
    if (z.delivered !== before) env.storage.set('delivered', z.delivered);
  }

  // ---- Leader ---------------------------------------------------------------------------

  /** Phase 2 ends when a quorum holds our history: all of it is committed. */
  function maybeEstablish(env: E): void {
    if (z.phase !== 'sync' || !isQuorum(c.quorum, Object.keys(z.learners).map(Number))) return;
    z.phase = 'broadcast';
    z.committed = lastZxid();
    deliver(env);
    for (const l of Object.keys(z.learners).map(Number))
      if (l !== id) env.send(l, { type: 'Commit', epoch: z.epoch, zxid: z.committed });
  }

  function propose(env: E, origin: number, seq: number, value: string): void {
    z.counter += 1;
    const txn = { zxid: makeZxid(z.epoch, z.counter), origin, seq, value };
    append(env, txn);
    z.learners[id] = txn.zxid;
    env.output({ type: 'propose', txn });
    for (const l of Object.keys(z.learners).map(Number))
      if (l !== id) env.send(l, { type: 'Proposal', epoch: z.epoch, txn });
    maybeCommit(env);
  }

  /** The largest zxid a quorum of voters has acknowledged commits (cumulative acks). */
  function maybeCommit(env: E): void {
    const acked = (zxid: number) =>
      Object.entries(z.learners)
        .filter(([, last]) => last >= zxid)
        .map(([l]) => Number(l));
    let best = z.committed;
    for (let i = z.history.length - 1; i >= 0; i--) {
      const zxid = (z.history[i] as Txn).zxid;
      if (zxid <= z.committed) break;
      if (isQuorum(c.quorum, acked(zxid))) {
        best = zxid;
        break;
      }
    }
    if (best === z.committed) return;
    z.committed = best;
    deliver(env);
    for (const l of Object.keys(z.learners).map(Number))
      if (l !== id) env.send(l, { type: 'Commit', epoch: z.epoch, zxid: best });
  }

  function onLeaderMessage(env: E, from: NodeId, m: ZabMessage): void {
    switch (m.type) {
      case 'SyncRequest':
        return m.epoch === z.epoch ? sendNewLeader(env, from) : undefined;
      case 'AckNewLeader':
        if (m.epoch !== z.epoch || from === id) return;
        z.learners[from] = Math.max(z.learners[from] ?? 0, Math.min(m.zxid, lastZxid()));
        maybeEstablish(env);
        if (z.phase === 'broadcast') {
          env.send(from, { type: 'Commit', epoch: z.epoch, zxid: z.committed });
          resend(env, from);
        }
        return maybeCommit(env);
      case 'Ack': {
        const known = z.learners[from];
        if (m.epoch !== z.epoch || known === undefined || z.phase !== 'broadcast') return;
        z.learners[from] = Math.max(known, Math.min(m.zxid, lastZxid()));
        maybeCommit(env);
        // An acknowledgement that brings nothing new is a learner asking for the Commit.
        if (m.zxid <= known && m.zxid <= z.committed)
          env.send(from, { type: 'Commit', epoch: z.epoch, zxid: z.committed });
        return;
      }
      case 'Forward':
        if (z.phase !== 'broadcast') return;
        if (z.history.some((t) => t.origin === m.origin && t.seq === m.seq)) return;
        return propose(env, m.origin, m.seq, m.value);
      default:
        return;
    }
  }

  function sendNewLeader(env: E, to: NodeId): void {
    // A copy: the message must say what the history was when it was sent, not what a later
    // step (possibly one the disk then lost) made of it.
    const history = [...z.history];
    env.send(to, { type: 'NewLeader', epoch: z.epoch, history, committed: z.committed });
  }

  /**
   * A learner answering our pings that we do not count as synchronized (its AckNewLeader was
   * lost) gets our history again; it answers with what it holds.
   */
  function syncStraggler(env: E, from: NodeId, m: ZabMessage): void {
    if (m.type !== 'PingAck' || !isLeader() || z.phase === 'election') return;
    if (m.epoch === z.epoch && z.learners[from] === undefined) sendNewLeader(env, from);
  }

  /** Re-sends a lagging learner what follows its acknowledged zxid (FIFO rebuilt). */
  function resend(env: E, to: NodeId): void {
    const acked = z.learners[to] ?? 0;
    const next = z.history.filter((t) => t.zxid > acked).slice(0, c.resendBatch);
    for (const txn of next) env.send(to, { type: 'Proposal', epoch: z.epoch, txn });
  }

  // ---- Learner --------------------------------------------------------------------------

  /** The next proposal of the epoch: counter 1 after older epochs, else the next counter. */
  function isNext(zxid: number): boolean {
    const last = lastZxid();
    if (epochOf(zxid) !== z.epoch) return false;
    return epochOf(last) < z.epoch
      ? counterOf(zxid) === 1
      : counterOf(zxid) === counterOf(last) + 1;
  }

  /**
   * Appends buffered proposals while the next one is there: the receive buffer that TCP
   * gives ZooKeeper, rebuilt over links that reorder.
   */
  function acceptInOrder(env: E): void {
    for (const zxid of [...early.keys()].sort((a, b) => a - b)) {
      const txn = early.get(zxid) as Txn;
      if (zxid <= lastZxid()) early.delete(zxid);
      else if (!isNext(zxid)) return;
      else {
        early.delete(zxid);
        append(env, txn);
      }
    }
  }

  function onLearnerMessage(env: E, from: NodeId, m: ZabMessage): void {
    if (from !== leaderOf() || !('epoch' in m) || m.epoch !== z.epoch) return;
    switch (m.type) {
      case 'NewLeader':
        if (z.phase === 'sync') {
          adopt(env, m.history);
          fle.synced(env, z.epoch);
          z.phase = 'broadcast';
          z.committed = Math.max(z.committed, m.committed);
          deliver(env);
        }
        return env.send(from, { type: 'AckNewLeader', epoch: z.epoch, zxid: lastZxid() });
      case 'Proposal':
        if (z.phase !== 'broadcast') return;
        if (m.txn.zxid > lastZxid() && early.size < MAX_EARLY) early.set(m.txn.zxid, m.txn);
        acceptInOrder(env);
        env.send(from, { type: 'Ack', epoch: z.epoch, zxid: lastZxid() });
        return deliver(env);
      case 'Commit':
        if (z.phase !== 'broadcast') return;
        z.committed = Math.max(z.committed, m.zxid);
        return deliver(env);
      default:
        return;
    }
  }

  // ---- Client workload --------------------------------------------------------------------

  function think(env: E): void {
    if (z.done < c.requests) env.setTimer('write', env.random.range(0, 2 * c.thinkMs));
  }

  function submit(env: E): void {
    const p = z.pending;
    if (p === null || z.phase !== 'broadcast') return;
    p.sentAt = env.now();
    if (isLeader()) {
      if (!z.history.some((t) => t.origin === id && t.seq === p.seq))
        propose(env, id, p.seq, p.value);
    } else {
      env.send(leaderOf(), { type: 'Forward', origin: id, seq: p.seq, value: p.value });
    }
  }

  function startWrite(env: E): void {
    if (z.pending !== null || z.done >= c.requests) return;
    z.seq += 1;
    z.pending = { seq: z.seq, value: `${id}.${z.seq}`, sentAt: env.now() };
    env.storage.set('client', { seq: z.seq, done: z.done });
    env.output({ type: 'invoke', seq: z.seq, value: z.pending.value });
    submit(env);
  }

  function complete(env: E, zxid: number): void {
    const p = z.pending;
    if (p === null) return;
    z.pending = null;
    z.done += 1;
    env.storage.set('client', { seq: z.seq, done: z.done });
    env.output({ type: 'complete', seq: p.seq, zxid });
    think(env);
  }

  function onTick(env: E): void {
    env.setTimer('tick', c.tickMs);
    if (z.phase === 'sync' && !isLeader() && fle.state.leader !== null) requestSync(env);
    if (z.phase === 'broadcast' && isLeader()) {
      // Re-send only to learners whose acknowledgements stalled since the last tick: the
      // others' proposals are merely in flight.
      for (const [l, acked] of Object.entries(z.learners)) {
        if (Number(l) !== id && acked < lastZxid() && ackedAtTick[l] === acked)
          resend(env, Number(l));
        ackedAtTick[l] = acked;
      }
    }
    // A learner holding undelivered proposals asks again (the leader answers with a Commit).
    if (z.phase === 'broadcast' && !isLeader() && lastZxid() > z.delivered)
      env.send(leaderOf(), { type: 'Ack', epoch: z.epoch, zxid: lastZxid() });
    const p = z.pending;
    if (p !== null && env.now() - p.sentAt >= c.retryMs) submit(env);
  }

  // ---- Process ------------------------------------------------------------------------

  return {
    get state(): ZabNodeState {
      const f = fle.state;
      return { role: f.role, leader: f.leader, term: f.term, fle: f, zab: z };
    },
    onStart(env) {
      z.history = env.storage.keys('history/').map((k) => env.storage.get<Txn>(k) as Txn);
      z.delivered = env.storage.get<number>('delivered') ?? 0;
      z.committed = z.delivered;
      const client = env.storage.get<{ seq: number; done: number }>('client');
      z.seq = client?.seq ?? 0;
      z.done = client?.done ?? 0;
      fle.onStart(env);
      seen = { role: fle.state.role, term: fle.state.term };
      env.setTimer('tick', c.tickMs);
      think(env);
    },
    onMessage(env, from, raw) {
      const m = parseZabMessage(raw);
      if (m === undefined) return env.note(`malformed message from ${from} dropped`);
      if (
        m.type === 'Forward' ||
        m.type === 'SyncRequest' ||
        m.type === 'AckNewLeader' ||
        m.type === 'Ack'
      ) {
        if (isLeader()) onLeaderMessage(env, from, m);
      } else if (m.type === 'NewLeader' || m.type === 'Proposal' || m.type === 'Commit') {
        if (!isLeader()) onLearnerMessage(env, from, m);
      } else {
        syncStraggler(env, from, m);
        fle.onMessage(env, from, m);
      }
      followElection(env);
    },
    onTimer(env, name) {
      if (name === 'tick') onTick(env);
      else if (name === 'write') startWrite(env);
      else fle.onTimer(env, name);
      followElection(env);
    },
  };
}
