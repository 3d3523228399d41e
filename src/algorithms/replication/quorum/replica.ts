// The replica side of replication/quorum: keeping versions (siblings merged by vector
// clock), hints for unreachable replicas and their handoff, read repair's and anti-entropy's
// Repair. quorum.ts explains the protocol.
//
// Fault model: as quorum.ts; versions from peers are validated by messages.ts.

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { QuorumMessage, QuorumOutput } from './messages.js';
import type { QuorumConfig } from './options.js';
import { preferenceList } from './ring.js';
import type { QuorumState } from './state.js';
import { mergeSiblings, sameSiblings, type Version } from './versions.js';

export type X = Step<QuorumMessage, QuorumOutput, QuorumState, QuorumConfig>;

/** Merges `siblings` into the store; whether anything changed. */
export function storeSiblings(x: X, key: string, siblings: readonly Version[]): boolean {
  const before = x.s.store[key] ?? [];
  const after = mergeSiblings(before, siblings);
  if (sameSiblings(before, after)) return false;
  x.s.store[key] = after;
  return true;
}

/** Keeps `v` for `owner` until it can be handed off (Dynamo §4.6). */
export function storeHint(x: X, owner: NodeId, key: string, v: Version): void {
  const { s } = x;
  const hint = s.hints.find((h) => h.owner === owner && h.key === key);
  if (hint === undefined) s.hints.push({ id: ++s.counter, owner, key, siblings: [v] });
  else {
    hint.siblings = mergeSiblings(hint.siblings, [v]);
    hint.id = ++s.counter; // An ack of what was handed off before must not drop v.
  }
}

/** What this node answers a Get for `key` with: its versions and any hinted ones. */
export function localSiblings(x: X, key: string): Version[] {
  let out = x.s.store[key] ?? [];
  for (const h of x.s.hints) if (h.key === key) out = mergeSiblings(out, h.siblings);
  return out;
}

/** The `handoff` timer: offer every hint to its owner again. */
export function handOff(x: X): void {
  for (const h of x.s.hints)
    x.env.send(h.owner, { type: 'Handoff', hint: h.id, key: h.key, siblings: h.siblings });
}

/** The `sync` timer: send each key this node prefers to its other preferred replicas. */
export function antiEntropy(x: X): void {
  const { s, env, c } = x;
  for (const key of Object.keys(s.store).sort()) {
    const preferred = preferenceList(key, c.n).slice(0, c.replicas);
    if (!preferred.includes(env.id)) continue;
    const siblings = s.store[key]!;
    for (const p of preferred) if (p !== env.id) env.send(p, { type: 'Repair', key, siblings });
  }
}

/** Sends `merged` to every replier (this node included) whose versions it supersedes. */
export function readRepair(
  x: X,
  key: string,
  merged: readonly Version[],
  replies: readonly (readonly [NodeId, readonly Version[]])[],
): void {
  for (const [node, siblings] of replies) {
    if (sameSiblings(siblings, merged)) continue;
    x.s.stats.repairs++;
    if (node === x.env.id) storeSiblings(x, key, merged);
    else x.env.send(node, { type: 'Repair', key, siblings: [...merged] });
  }
}
