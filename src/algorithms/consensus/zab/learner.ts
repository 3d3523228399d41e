// A ZAB learner (follower or observer; Junqueira et al., DSN 2011): phase 2 adopts the
// leader's history and only THEN takes its epoch as current; phase 3 accepts proposals
// strictly in zxid order — the receive buffer that TCP gives ZooKeeper, rebuilt over links
// that reorder — acknowledges cumulatively and delivers what the leader commits.
//
// Fault model: only the current leader's messages of the current epoch count; proposals
// ahead of a gap wait (at most MAX_EARLY); lost ones come back in the leader's re-sends.

import { electionSynced } from './election.js';
import { adopt, append, deliver } from './log.js';
import type { ZabMessage } from './messages.js';
import { lastZxid, type X } from './state.js';
import { counterOf, epochOf } from './zxid.js';

type Of<T extends ZabMessage['type']> = Extract<ZabMessage, { type: T }>;

/** Proposals a learner holds back while it waits for a gap to fill. */
export const MAX_EARLY = 1024;

/** Whether a learner takes this message: from its leader, in its epoch. */
export function fromOurLeader({ s }: X, from: number, epoch: number): boolean {
  return s.role !== 'leader' && from === s.leader && epoch === s.epoch;
}

/** The next proposal of the epoch: counter 1 after older epochs, else the next counter. */
function isNext(x: X, zxid: number): boolean {
  const { s } = x;
  const last = lastZxid(s);
  if (epochOf(zxid) !== s.epoch) return false;
  return epochOf(last) < s.epoch ? counterOf(zxid) === 1 : counterOf(zxid) === counterOf(last) + 1;
}

/** Appends buffered proposals while the next one is there. */
function acceptInOrder(x: X): void {
  const { s } = x;
  for (const zxid of [...s.early.keys()].sort((a, b) => a - b)) {
    const txn = s.early.get(zxid);
    if (txn === undefined) continue;
    if (zxid <= lastZxid(s)) s.early.delete(zxid);
    else if (!isNext(x, zxid)) return;
    else {
      s.early.delete(zxid);
      append(x, txn);
    }
  }
}

/** Phase 2: the leader's history; acknowledged (again) whenever it comes. */
export function onNewLeader(x: X, from: number, m: Of<'NewLeader'>): void {
  const { s, env } = x;
  if (s.phase === 'sync') {
    adopt(x, m.history);
    electionSynced(x, s.epoch);
    s.phase = 'broadcast';
    s.committed = Math.max(s.committed, m.committed);
    deliver(x);
  }
  env.send(from, { type: 'AckNewLeader', epoch: s.epoch, zxid: lastZxid(s) });
}

/** Phase 3: a proposal, accepted in zxid order, acknowledged cumulatively. */
export function onProposal(x: X, from: number, m: Of<'Proposal'>): void {
  const { s, env } = x;
  if (s.phase !== 'broadcast') return;
  if (m.txn.zxid > lastZxid(s) && s.early.size < MAX_EARLY) s.early.set(m.txn.zxid, m.txn);
  acceptInOrder(x);
  env.send(from, { type: 'Ack', epoch: s.epoch, zxid: lastZxid(s) });
  deliver(x);
}

/** Phase 3: everything up to the zxid is committed. */
export function onCommit(x: X, m: Of<'Commit'>): void {
  const { s } = x;
  if (s.phase !== 'broadcast') return;
  s.committed = Math.max(s.committed, m.zxid);
  deliver(x);
}

/** Every tick: a learner holding undelivered proposals asks again (answered by a Commit). */
export function learnerTick({ s, env }: X): void {
  if (s.phase === 'broadcast' && s.role !== 'leader' && lastZxid(s) > s.delivered)
    env.send(s.leader as number, { type: 'Ack', epoch: s.epoch, zxid: lastZxid(s) });
}
