// The Multi-Paxos proposer (Paxos Made Simple §3). A node that hears no leader for an
// election timeout runs phase 1 ONCE for every slot from its first unchosen one on; with a
// majority of promises it becomes the leader: it re-proposes, in its own ballot, the
// highest-ballot value reported for each slot, fills every gap with a no-op (§3: "it would
// propose … a special 'no-op' command that leaves the state unchanged"), and then runs only
// phase 2 — one Accept round per slot — for new commands. A Nack (a higher ballot exists)
// makes it a follower again. The round counter is durable BEFORE a Prepare leaves, so a
// ballot is never reused after a restart.

import type { NodeId } from '../../../core/process.js';
import { type Ballot, compareBallots } from '../paxos/ballot.js';
import { accept, promise } from './acceptor.js';
import { type Command, commandKey } from './kv.js';
import type { MultiPaxosMessage, SlotProposal } from './messages.js';
import { learn } from './replica.js';
import { commitPoint, type MpNode } from './state.js';

export function armElection(node: MpNode): void {
  const { env, opts } = node;
  env.setTimer('election', env.random.range(opts.electionMs, 2 * opts.electionMs));
}

export function becomeFollower(node: MpNode, leader: Ballot | null): void {
  const { s, env } = node;
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
  armElection(node);
}

/** Phase 1a for every slot from the first one not chosen here. */
export function campaign(node: MpNode): void {
  const { s, env } = node;
  s.role = 'candidate';
  s.round = Math.max(s.round, s.seenRound) + 1;
  s.seenRound = s.round;
  env.storage.set('round', s.round); // Durable BEFORE the Prepare leaves.
  const ballot: Ballot = { round: s.round, proposer: env.id };
  s.ballot = ballot;
  s.promises = new Map();
  s.fromSlot = commitPoint(s) + 1;
  env.output({ type: 'prepare', ballot });
  armElection(node); // No majority by then: campaign again, higher.
  env.broadcast({ type: 'Prepare', ballot, fromSlot: s.fromSlot });
  onPromiseReply(node, env.id, promise(node, ballot, s.fromSlot));
}

function isOwn(node: MpNode, ballot: Ballot): boolean {
  return node.s.ballot !== null && compareBallots(node.s.ballot, ballot) === 0;
}

function onPromiseReply(node: MpNode, from: NodeId, m: MultiPaxosMessage): void {
  const { s } = node;
  if (m.type === 'Nack') return onNack(node, m.ballot, m.promised);
  if (m.type !== 'Promise' || s.role !== 'candidate' || !isOwn(node, m.ballot)) return;
  s.promises.set(from, m.accepted);
  if (s.promises.size >= node.majority) becomeLeader(node);
}

/** For each slot, the value of the highest ballot any promise reported (§2.2 P2c). */
function mergePromises(node: MpNode): Map<number, Command> {
  const best = new Map<number, SlotProposal>();
  for (const list of node.s.promises.values()) {
    for (const p of list) {
      const known = best.get(p.slot);
      if (known === undefined || compareBallots(p.ballot, known.ballot) > 0) best.set(p.slot, p);
    }
  }
  return new Map([...best].map(([slot, p]) => [slot, p.command]));
}

function becomeLeader(node: MpNode): void {
  const { s, env } = node;
  s.role = 'leader';
  s.leader = s.ballot;
  env.cancelTimer('election');
  const values = mergePromises(node);
  const last = Math.max(s.fromSlot - 1, ...values.keys());
  for (let slot = s.fromSlot; slot <= last; slot++) {
    if (s.chosen.has(slot)) continue;
    propose(node, slot, values.get(slot) ?? { kind: 'noop' }); // Gaps become no-ops.
  }
  s.nextSlot = Math.max(last + 1, commitPoint(s) + 1);
  const queued = s.queue;
  s.queue = [];
  for (const command of queued) submit(node, command);
  env.setTimer('heartbeat', node.opts.heartbeatMs);
}

function sendAccept(node: MpNode, to: NodeId, slot: number, command: Command): void {
  const ballot = node.s.ballot as Ballot;
  node.env.send(to, { type: 'Accept', ballot, slot, command, commitUpTo: commitPoint(node.s) });
}

/** Phase 2a for one slot; this node's own acceptor answers at once. */
function propose(node: MpNode, slot: number, command: Command): void {
  const { s, env } = node;
  const ballot = s.ballot as Ballot;
  s.inflight.set(slot, { command, acks: [], sentAtMs: env.now() });
  for (const to of env.peers) sendAccept(node, to, slot, command);
  onAcceptedReply(node, env.id, accept(node, ballot, slot, command));
}

export function onAcceptedReply(node: MpNode, from: NodeId, m: MultiPaxosMessage): void {
  const { s } = node;
  if (m.type === 'Nack') return onNack(node, m.ballot, m.promised);
  if (m.type !== 'Accepted' || s.role !== 'leader' || !isOwn(node, m.ballot)) return;
  const flight = s.inflight.get(m.slot);
  if (flight === undefined || flight.acks.includes(from)) return;
  flight.acks.push(from);
  if (flight.acks.length < node.majority) return;
  s.inflight.delete(m.slot);
  learn(node, m.slot, flight.command);
}

export function onPromise(node: MpNode, from: NodeId, m: MultiPaxosMessage): void {
  onPromiseReply(node, from, m);
}

/** A higher ballot exists: whatever this node was doing as proposer is over. */
export function onNack(node: MpNode, ballot: Ballot, promised: Ballot): void {
  const { s } = node;
  s.seenRound = Math.max(s.seenRound, promised.round);
  if (s.role === 'follower' || !isOwn(node, ballot)) return;
  if (compareBallots(promised, ballot) > 0) becomeFollower(node, null);
}

/** A client command from this node or (to a leader) from a peer. */
export function submit(node: MpNode, command: Command, from?: NodeId): void {
  const { s, env } = node;
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
  propose(node, s.nextSlot++, command);
}

/** Heartbeat: the commit point for followers, and Accepts re-sent where acks are missing. */
export function onHeartbeatTimer(node: MpNode): void {
  const { s, env, opts } = node;
  if (s.role !== 'leader' || s.ballot === null) return;
  env.broadcast({ type: 'Heartbeat', ballot: s.ballot, commitUpTo: commitPoint(s) });
  for (const [slot, flight] of s.inflight) {
    if (env.now() - flight.sentAtMs < opts.heartbeatMs) continue;
    for (const to of env.peers)
      if (!flight.acks.includes(to)) sendAccept(node, to, slot, flight.command);
  }
  env.setTimer('heartbeat', opts.heartbeatMs);
}
