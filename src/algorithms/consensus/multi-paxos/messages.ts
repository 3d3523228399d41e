// Messages of Multi-Paxos (Paxos Made Simple §3): phase 1 once per leadership for every slot
// from `fromSlot` on, phase 2 per slot; the leader's commit point rides on Accept and
// Heartbeat; a follower missing chosen entries asks for them (CatchUp → Chosen). Clients'
// requests reach the leader (Request) and the leader answers the client's node (Reply).
// `parseMultiPaxosMessage` checks the shape of peer input; who may send what is node.ts's.

import {
  isArrayOf,
  isCount,
  isNullOr,
  isRecord,
  isString,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import { type Ballot, isBallot } from '../paxos/ballot.js';
import { type Command, isCommand, type KvResult } from './command.js';

export interface SlotProposal {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly command: Command;
}

export interface SlotValue {
  readonly slot: number;
  readonly command: Command;
}

export type MultiPaxosMessage =
  | { readonly type: 'Prepare'; readonly ballot: Ballot; readonly fromSlot: number }
  /** Everything this acceptor accepted at slots ≥ fromSlot. */
  | {
      readonly type: 'Promise';
      readonly ballot: Ballot;
      readonly accepted: readonly SlotProposal[];
    }
  | {
      readonly type: 'Accept';
      readonly ballot: Ballot;
      readonly slot: number;
      readonly command: Command;
      /** Every slot up to here is chosen (the leader's commit point). */
      readonly commitUpTo: number;
    }
  | { readonly type: 'Accepted'; readonly ballot: Ballot; readonly slot: number }
  | { readonly type: 'Nack'; readonly ballot: Ballot; readonly promised: Ballot }
  | { readonly type: 'Heartbeat'; readonly ballot: Ballot; readonly commitUpTo: number }
  | { readonly type: 'CatchUp'; readonly fromSlot: number }
  | { readonly type: 'Chosen'; readonly entries: readonly SlotValue[] }
  | { readonly type: 'Request'; readonly command: Command }
  | { readonly type: 'Reply'; readonly seq: number; readonly result: KvResult };

export type MultiPaxosOutput =
  | { readonly type: 'prepare'; readonly ballot: Ballot }
  | {
      readonly type: 'accepted';
      readonly slot: number;
      readonly ballot: Ballot;
      readonly command: Command;
    }
  /** This replica learned the slot's chosen command. */
  | { readonly type: 'chosen'; readonly slot: number; readonly command: Command }
  | { readonly type: 'invoke'; readonly client: number; readonly seq: number; readonly op: Command }
  | {
      readonly type: 'complete';
      readonly client: number;
      readonly seq: number;
      readonly result: KvResult;
    };

const isSlot = (x: unknown): x is number => isCount(x) && x >= 1;

const checks: MessageChecks<MultiPaxosMessage> = {
  Prepare: (m, n) => isBallot(m.ballot, n) && isSlot(m.fromSlot),
  Promise: (m, n) =>
    isBallot(m.ballot, n) &&
    isArrayOf(
      m.accepted,
      (p): p is SlotProposal =>
        isRecord(p) && isSlot(p.slot) && isBallot(p.ballot, n) && isCommand(p.command, n),
    ),
  Accept: (m, n) =>
    isBallot(m.ballot, n) && isSlot(m.slot) && isCommand(m.command, n) && isCount(m.commitUpTo),
  Accepted: (m, n) => isBallot(m.ballot, n) && isSlot(m.slot),
  Nack: (m, n) => isBallot(m.ballot, n) && isBallot(m.promised, n),
  Heartbeat: (m, n) => isBallot(m.ballot, n) && isCount(m.commitUpTo),
  CatchUp: (m) => isSlot(m.fromSlot),
  Chosen: (m, n) =>
    isArrayOf(
      m.entries,
      (e): e is SlotValue => isRecord(e) && isSlot(e.slot) && isCommand(e.command, n),
    ),
  Request: (m, n) => isCommand(m.command, n),
  Reply: (m) => isSlot(m.seq) && isNullOr(m.result, isString),
};

/** The message itself if it is well formed (node ids within 1..n when `n` is given). */
export function parseMultiPaxosMessage(raw: unknown, n?: number): MultiPaxosMessage | undefined {
  return parseByType(checks, raw, n);
}
