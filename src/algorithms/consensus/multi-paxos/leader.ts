// The Multi-Paxos proposer (Paxos Made Simple §3). A node that hears no leader for an
// election timeout runs phase 1 ONCE for every slot from its first unchosen one on; with a
// majority of promises it becomes the leader: it re-proposes, in its own ballot, the
// highest-ballot value reported for each slot, fills every gap with a no-op (§3: "it would
// propose … a special 'no-op' command that leaves the state unchanged"), and then runs only
// phase 2 — one Accept round per slot — for new commands. A Nack (a higher ballot exists)
// makes it a follower again. The round counter is a durable field, saved by the kernel in the
// step whose Prepare it numbers (so BEFORE the Prepare leaves): a ballot is never reused
// after a restart.

import type { NodeId } from '../../../core/process.js';
import { type Ballot, compareBallots } from '../paxos/ballot.js';
import { accept, promise } from './acceptor.js';
import { type Command, commandKey } from './command.js';
import type { MultiPaxosMessage, SlotProposal } from './messages.js';
import { learn } from './replica.js';
import { commitPoint, type X } from './state.js';

export function armElection(x: X): void {
  const { env, c } = x;
  env.setTimer('election', env.random.range(c.electionMs, 2 * c.electionMs));
}

export function becomeFollower(x: X, leader: Ballot | null): void {
  const { s, env } = x;
  s.role = 'follower';
  s.ballot = null;
  s.promises = new Map();
  s.inflight.clear();
  s.queue = [];
  if (leader !== null) {
    s.leader = leader;
    s.seenRound = Math.max(s.seenRound, leader.round);
  }
  env.cancelTimer('heartbeat');
  armElection(x);
}

/** Phase 1a for every slot from the first one not chosen here. */
export function campaign(x: X): void {
  const { s, env } = x;
  s.role = 'candidate';
  // Durable BEFORE the Prepare leaves: the kernel saves `round` in this step.
  s.round = Math.max(s.round, s.seenRound) + 1;
  s.seenRound = s.round;
  const ballot: Ballot = { round: s.round, proposer: env.id };
  s.ballot = ballot;
  s.promises = new Map();
  s.fromSlot = commitPoint(s) + 1;
  env.output({ type: 'prepare', ballot });
  armElection(x); // No majority by then: campaign again, higher.
  env.broadcast({ type: 'Prepare', ballot, fromSlot: s.fromSlot });
  onPromiseReply(x, env.id, promise(x, ballot, s.fromSlot));
}

function isOwn(x: X, ballot: Ballot): boolean {
  return x.s.ballot !== null && compareBallots(x.s.ballot, ballot) === 0;
}

function onPromiseReply(x: X, from: NodeId, m: MultiPaxosMessage): void {
  const { s } = x;
  if (m.type === 'Nack') return onNack(x, m.ballot, m.promised);
  if (m.type !== 'Promise' || s.role !== 'candidate' || !isOwn(x, m.ballot)) return;
  s.promises.set(from, m.accepted);
  if (s.promises.size >= x.c.majority) becomeLeader(x);
}

/** For each slot, the value of the highest ballot any promise reported (§2.2 P2c). */
function mergePromises(x: X): Map<number, Command> {
  const best = new Map<number, SlotProposal>();
  for (const list of x.s.promises.values()) {
    for (const p of list) {
      const known = best.get(p.slot);
      if (known === undefined || compareBallots(p.ballot, known.ballot) > 0) best.set(p.slot, p);
    }
  }
  return new Map([...best].map(([slot, p]) => [slot, p.command]));
}

function becomeLeader(x: X): void {
  const { s, env } = x;
  s.role = 'leader';
  s.leader = s.ballot;
  env.cancelTimer('election');
  const values = mergePromises(x);
  const last = Math.max(s.fromSlot - 1, ...values.keys());
  for (let slot = s.fromSlot; slot <= last; slot++) {
    if (s.chosen.has(slot)) continue;
    propose(x, slot, values.get(slot) ?? { kind: 'noop' }); // Gaps become no-ops.
  }
  s.nextSlot = Math.max(last + 1, commitPoint(s) + 1);
  const queued = s.queue;
  s.queue = [];
  for (const command of queued) submit(x, command);
  env.setTimer('heartbeat', x.c.heartbeatMs);
}

function sendAccept(x: X, to: NodeId, slot: number, command: Command): void {
  const ballot = x.s.ballot as Ballot;
  x.env.send(to, { type: 'Accept', ballot, slot, command, commitUpTo: commitPoint(x.s) });
}

/** Phase 2a for one slot; this node's own acceptor answers at once. */
function propose(x: X, slot: number, command: Command): void {
  const { s, env } = x;
  const ballot = s.ballot as Ballot;
  s.inflight.set(slot, { command, acks: [], sentAtMs: env.now() });
  for (const to of env.peers) sendAccept(x, to, slot, command);
  onAcceptedReply(x, env.id, accept(x, ballot, slot, command));
}

export function onAcceptedReply(x: X, from: NodeId, m: MultiPaxosMessage): void {
  const { s } = x;
  if (m.type === 'Nack') return onNack(x, m.ballot, m.promised);
  if (m.type !== 'Accepted' || s.role !== 'leader' || !isOwn(x, m.ballot)) return;
  const flight = s.inflight.get(m.slot);
  if (flight === undefined || flight.acks.includes(from)) return;
  flight.acks.push(from);
  if (flight.acks.length < x.c.majority) return;
  s.inflight.delete(m.slot);
  learn(x, m.slot, flight.command);
}

export function onPromise(x: X, from: NodeId, m: MultiPaxosMessage): void {
  onPromiseReply(x, from, m);
}

/** A higher ballot exists: whatever this node was doing as proposer is over. */
export function onNack(x: X, ballot: Ballot, promised: Ballot): void {
  const { s } = x;
  s.seenRound = Math.max(s.seenRound, promised.round);
  if (s.role === 'follower' || !isOwn(x, ballot)) return;
  if (compareBallots(promised, ballot) > 0) becomeFollower(x, null);
}

/** A client command from this node or (to a leader) from a peer. */
export function submit(x: X, command: Command, from?: NodeId): void {
  const { s, env } = x;
  if (s.role === 'candidate') {
    s.queue.push(command);
    return;
  }
  if (s.role === 'follower') {
    // Only this node's own client is forwarded, so two nodes can never bounce a request.
    const leader = s.leader?.proposer;
    if (from === undefined && leader !== undefined && leader !== env.id)
      env.send(leader, { type: 'Request', command });
    return;
  }
  const key = commandKey(command);
  for (const flight of s.inflight.values()) if (commandKey(flight.command) === key) return;
  propose(x, s.nextSlot++, command);
}

/** Heartbeat: the commit point for followers, and Accepts re-sent where acks are missing. */
export function onHeartbeatTimer(x: X): void {
  const { s, env, c } = x;
  if (s.role !== 'leader' || s.ballot === null) return;
  env.broadcast({ type: 'Heartbeat', ballot: s.ballot, commitUpTo: commitPoint(s) });
  for (const [slot, flight] of s.inflight) {
    if (env.now() - flight.sentAtMs < c.heartbeatMs) continue;
    for (const to of env.peers)
      if (!flight.acks.includes(to)) sendAccept(x, to, slot, flight.command);
  }
  env.setTimer('heartbeat', c.heartbeatMs);
}
