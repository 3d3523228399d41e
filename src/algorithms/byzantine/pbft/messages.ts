// PBFT's messages (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §4):
// REQUEST, PRE-PREPARE, PREPARE, COMMIT, REPLY, VIEW-CHANGE and NEW-VIEW. PRE-PREPARE,
// PREPARE and VIEW-CHANGE carry Ed25519 signatures because they travel inside certificates
// (a VIEW-CHANGE proves what was prepared; a NEW-VIEW proves the view changes) that third
// parties must check; COMMIT and REPLY rely on the authenticated point-to-point channel.

import type { NodeId } from '../../../core/process.js';

/** The service's operation: add `op` to a counter; the result is the new total. */
export interface Request {
  readonly client: NodeId;
  /** The client's timestamp (one per request, increasing). */
  readonly t: number;
  readonly op: number;
}

export interface PrePrepare {
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  /** The request, or null for the null request a new primary uses to fill a gap. */
  readonly request: Request | null;
  readonly sig: string;
}

export interface Prepare {
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly replica: NodeId;
  readonly sig: string;
}

/** A prepared certificate: the pre-prepare and 2f matching prepares from other backups. */
export interface Prepared {
  readonly prePrepare: PrePrepare;
  readonly prepares: readonly Prepare[];
}

export interface ViewChange {
  readonly newView: number;
  readonly replica: NodeId;
  readonly prepared: readonly Prepared[];
  readonly sig: string;
}

export type PbftMessage =
  | { readonly type: 'Request'; readonly request: Request }
  | ({ readonly type: 'PrePrepare' } & PrePrepare)
  | ({ readonly type: 'Prepare' } & Prepare)
  | {
      readonly type: 'Commit';
      readonly view: number;
      readonly seq: number;
      readonly digest: string;
    }
  | {
      readonly type: 'Reply';
      readonly view: number;
      readonly t: number;
      readonly result: number;
    }
  | ({ readonly type: 'ViewChange' } & ViewChange)
  /** Catch-up (in place of checkpoints and state transfer): how far the sender executed. */
  | { readonly type: 'Status'; readonly view: number; readonly lastExecuted: number }
  /** Committed requests the receiver lacks; f+1 matching reports make an entry certain. */
  | {
      readonly type: 'CommittedEntries';
      readonly entries: readonly { readonly seq: number; readonly request: Request | null }[];
    }
  | {
      readonly type: 'NewView';
      readonly view: number;
      readonly viewChanges: readonly ViewChange[];
      readonly prePrepares: readonly PrePrepare[];
    };

export type PbftOutput =
  | {
      readonly type: 'executed';
      readonly seq: number;
      readonly digest: string;
      readonly request: Request | null;
      readonly result: number | null;
    }
  | { readonly type: 'view'; readonly view: number }
  | { readonly type: 'invoke'; readonly client: NodeId; readonly t: number; readonly op: number }
  | {
      readonly type: 'accept';
      readonly client: NodeId;
      readonly t: number;
      readonly result: number;
    };
