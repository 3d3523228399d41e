// Messages of Multi-Paxos (Paxos Made Simple §3): phase 1 once per leadership for every slot
// from `fromSlot` on, phase 2 per slot; the leader's commit point rides on Accept and
// Heartbeat; a follower missing chosen entries asks for them (CatchUp → Chosen). Clients'
// requests reach the leader (Request) and the leader answers the client's node (Reply).

import type { Ballot } from '../paxos/ballot.js';
import type { Command, KvResult } from './kv.js';

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
