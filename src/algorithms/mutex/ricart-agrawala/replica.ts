// The notes' HDFS-like example for Ricart–Agrawala [001 §2.1]: every node keeps a replica
// of one file; the node inside the critical section edits it and, on leaving, ships the new
// content to the others. Two rules make the replicas converge without lost updates:
// 1. Every OK carries the replier's replica, so the next holder starts from the newest
//    version: the previous holder's OK is among the n−1 it waits for, and is sent only after
//    that holder has left (it defers or answers after its own edit).
// 2. Each shipped Update is acknowledged and re-sent until acknowledged, so a lost copy is
//    repaired; a replica only moves forward (higher version wins).

import type { NodeId } from '../../../core/process.js';

export interface Replica {
  readonly version: number;
  readonly content: string;
}

export const EMPTY_FILE: Replica = { version: 0, content: '' };

/** The newer of two replicas (versions are totally ordered: one writer at a time). */
export function newer(a: Replica, b: Replica): Replica {
  return b.version > a.version ? b : a;
}

/** The holder's edit: append one line naming the editor and its entry number. */
export function edit(file: Replica, editor: NodeId, entry: number): Replica {
  return { version: file.version + 1, content: `${file.content}${editor}:${entry}\n` };
}

/** Peers (ascending) that still have to acknowledge `version`. */
export function unacknowledged(peers: readonly NodeId[], acked: readonly NodeId[]): NodeId[] {
  return peers.filter((p) => !acked.includes(p));
}
