// The Multi-Paxos acceptor: one promise for all slots (phase 1 covers every slot from
// `fromSlot` on, Paxos Made Simple §3) and one accepted proposal per slot. Both are durable
// BEFORE any reply leaves (the host's ordering): `promised` is a durable field the kernel
// saves in the step that raises it; accepted proposals are a keyed log, one storage key per
// slot ('acc/<slot>'), written here so a step writes only the slot it accepted.

import { type Ballot, compareBallots } from '../paxos/ballot.js';
import type { Command } from './command.js';
import type { MultiPaxosMessage, SlotProposal } from './messages.js';
import { slotKey, type X } from './state.js';

export function promise(x: X, ballot: Ballot, fromSlot: number): MultiPaxosMessage {
  const { s } = x;
  if (compareBallots(ballot, s.promised) < 0) return { type: 'Nack', ballot, promised: s.promised };
  s.promised = ballot;
  const accepted: SlotProposal[] = [];
  for (const [slot, entry] of [...s.accepted].sort((a, b) => a[0] - b[0])) {
    if (slot >= fromSlot) accepted.push({ slot, ballot: entry.ballot, command: entry.command });
  }
  return { type: 'Promise', ballot, accepted };
}

export function accept(x: X, ballot: Ballot, slot: number, command: Command): MultiPaxosMessage {
  const { s, env } = x;
  if (compareBallots(ballot, s.promised) < 0) return { type: 'Nack', ballot, promised: s.promised };
  if (compareBallots(ballot, s.promised) > 0) s.promised = ballot;
  s.accepted.set(slot, { ballot, command });
  env.storage.set(slotKey('acc', slot), { ballot, command });
  env.output({ type: 'accepted', slot, ballot, command });
  return { type: 'Accepted', ballot, slot };
}
