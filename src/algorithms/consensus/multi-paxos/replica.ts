// The learner/replica: it records chosen commands (a keyed durable log, one storage key per
// slot, 'chosen/<slot>', written here), applies them to the key-value machine strictly in
// slot order, and — when it is the leader — answers each client command's node with the
// result. Followers learn chosen slots from the leader's
// commit point: a slot this node accepted IN THE LEADER'S BALLOT carries the leader's value,
// so it is chosen once the commit point passes it; anything else is fetched (CatchUp).

import { compareBallots } from '../paxos/ballot.js';
import { onReply } from './client-reply.js';
import { applyCommand, type Command } from './command.js';
import type { SlotValue } from './messages.js';
import { commitPoint, slotKey, type X } from './state.js';

/** Entries a leader sends per Chosen message. */
export const CATCH_UP_BATCH = 64;

export function learn(x: X, slot: number, command: Command): void {
  const { s, env } = x;
  if (s.chosen.has(slot)) return;
  s.chosen.set(slot, command);
  env.storage.set(slotKey('chosen', slot), command);
  env.output({ type: 'chosen', slot, command });
  applyChosen(x);
}

function applyChosen(x: X): void {
  const { s, env } = x;
  for (
    let next = s.chosen.get(s.applied + 1);
    next !== undefined;
    next = s.chosen.get(s.applied + 1)
  ) {
    s.applied++;
    const result = applyCommand(s.kv, next);
    if (next.kind !== 'client' || s.role !== 'leader') continue;
    if (next.client === env.id) onReply(x, next.seq, result);
    else env.send(next.client, { type: 'Reply', seq: next.seq, result });
  }
}

/** A leader's commit point reached this follower (on Accept or Heartbeat). */
export function followCommit(x: X, commitUpTo: number): void {
  const { s, env } = x;
  const leader = s.leader;
  if (leader === null) return;
  let missing = false;
  for (let slot = commitPoint(s) + 1; slot <= commitUpTo; slot++) {
    if (s.chosen.has(slot)) continue;
    const entry = s.accepted.get(slot);
    if (entry !== undefined && compareBallots(entry.ballot, leader) === 0)
      learn(x, slot, entry.command);
    else missing = true;
  }
  if (missing) env.send(leader.proposer, { type: 'CatchUp', fromSlot: commitPoint(s) + 1 });
}

export function onCatchUp(x: X, from: number, fromSlot: number): void {
  const { s, env } = x;
  const entries: SlotValue[] = [];
  for (let slot = fromSlot; entries.length < CATCH_UP_BATCH; slot++) {
    const command = s.chosen.get(slot);
    if (command === undefined) break;
    entries.push({ slot, command });
  }
  if (entries.length > 0) env.send(from, { type: 'Chosen', entries });
}

export function onChosen(x: X, entries: readonly SlotValue[]): void {
  for (const e of entries) learn(x, e.slot, e.command);
}
