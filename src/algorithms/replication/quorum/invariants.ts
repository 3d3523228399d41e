// The checks of replication/quorum. It promises no agreement while faults last — that is
// the point of a sloppy quorum — but two things once they heal: the preferred replicas of
// every key converge (equal siblings, no hint left undelivered), and no acknowledged write
// is lost (every acknowledged version is among the converged siblings or superseded by one
// of them). A sloppy quorum without hinted handoff breaks the second (see scenarios).

import type { Liveness } from '../../../core/algorithm.js';
import type { QuorumOutput } from './messages.js';
import type { QuorumConfig } from './options.js';
import { preferenceList } from './ring.js';
import type { QuorumState } from './state.js';
import { descends, sameSiblings, type Version } from './versions.js';

type View = Parameters<Liveness<QuorumState, QuorumOutput>['check']>[0];

/** The versions the first live preferred replica of `key` holds, or undefined if none is up. */
function settled(view: View, c: QuorumConfig, key: string): Version[] | undefined {
  for (const id of preferenceList(key, c.n).slice(0, c.replicas)) {
    const node = view.nodes[id - 1];
    if (node?.up === true && node.state !== undefined) return node.state.store[key] ?? [];
  }
  return undefined;
}

function keysOf(view: View): string[] {
  const keys = new Set<string>();
  for (const n of view.nodes) for (const k of Object.keys(n.state?.store ?? {})) keys.add(k);
  for (const o of view.outputs) if (o.output.type === 'acked') keys.add(o.output.key);
  return [...keys].sort();
}

export function quorumLiveness(c: QuorumConfig): Liveness<QuorumState, QuorumOutput>[] {
  return [
    {
      name: 'replicas converge',
      check(view) {
        for (const key of keysOf(view)) {
          const first = settled(view, c, key);
          for (const id of preferenceList(key, c.n).slice(0, c.replicas)) {
            const node = view.nodes[id - 1];
            if (node?.up !== true || node.state === undefined || first === undefined) continue;
            if (!sameSiblings(node.state.store[key] ?? [], first))
              return `key ${key}: replica ${id} holds other versions than its peers`;
          }
        }
        if (!c.sloppy || !c.hintedHandoff) return undefined;
        const holder = view.nodes.find((n) => n.up && (n.state?.hints.length ?? 0) > 0);
        return holder === undefined ? undefined : `node ${holder.id} still holds hints`;
      },
    },
    {
      name: 'no acknowledged write lost',
      check(view) {
        for (const o of view.outputs) {
          if (o.output.type !== 'acked') continue;
          const { key, version } = o.output;
          const held = settled(view, c, key);
          if (held === undefined) continue; // No preferred replica up: nothing to judge.
          if (!held.some((v) => descends(v.clock, version.clock)))
            return `key ${key}: write ${version.value}, acknowledged at ${o.atMs} ms, is gone`;
        }
        return undefined;
      },
    },
  ];
}
