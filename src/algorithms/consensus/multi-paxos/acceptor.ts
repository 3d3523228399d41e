// The Multi-Paxos acceptor: one promise for all slots (phase 1 covers every slot from
// `fromSlot` on, Paxos Made Simple §3) and one accepted proposal per slot. Both are durable
// BEFORE any reply leaves (the host's ordering): 'promised' and 'acc/<slot>'.

import { type Ballot, compareBallots } from '../paxos/ballot.js';
import type { Command } from './kv.js';
import type { MultiPaxosMessage, SlotProposal } from './messages.js';
import { type MpNode, slotKey } from './state.js';

export function promise(node: MpNode, ballot: Ballot, fromSlot: number): MultiPaxosMessage {
  const { s, env } = node;
  if (compareBallots(ballot, s.promised) < 0) return { type: 'Nack', ballot, promised: s.promised };
  s.promised = ballot;
  env.storage.set('promised', ballot);
  const accepted: SlotProposal[] = [];
  for (const [slot, entry] of [...s.accepted].sort((a, b) => a[0] - b[0])) {
    if (slot >= fromSlot) accepted.push({ slot, ballot: entry.ballot, command: entry.command });
  }
  return { type: 'Promise', ballot, accepted };
}

export function accept(
  node: MpNode,
  ballot: Ballot,
  slot: number,
  command: Command,
): MultiPaxosMessage {
  const { s, env } = node;
  if (compareBallots(ballot, s.promised) < 0) return { type: 'Nack', ballot, promised: s.promised };
  if (compareBallots(ballot, s.promised) > 0) {
    s.promised = ballot;
    env.storage.set('promised', ballot);
  }
  s.accepted.set(slot, { ballot, command });
  env.storage.set(slotKey('acc', slot), { ballot, command });
  env.output({ type: 'accepted', slot, ballot, command });
  return { type: 'Accepted', ballot, slot };
}
