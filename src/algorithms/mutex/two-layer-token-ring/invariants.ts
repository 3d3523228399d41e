// The checks of mutex/two-layer-token-ring: the family's safety rules (workload.ts), every
// node served all its requests, and "at most one token" for the two-layer ring, over node states after every step:
//   (1) at most one live node holds the global token without handing it off;
//   (2) in each LAN, at most one live node holds that LAN's local token without handing it
//       off;
//   (3) a node inside the critical section holds its LAN's local token, and when a live
//       coordinator holds the newest copy of the global token (not handing it off), it is
//       the inside node's coordinator. (During a hand-off the sender keeps a copy with the
//       same stamp; and the holder may be down — then there is nothing to compare.)

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import type { TwoLayerOptions } from './options.js';
import { holds, type TwoLayerState } from './state.js';

export function atMostOneTokenPerLayer(): Invariant<TwoLayerState, MutexOutput> {
  return {
    name: 'at most one global token, one local token per LAN',
    check(view) {
      const live = view.nodes.filter((n) => n.up && n.state !== undefined);
      const globals = live.filter((n) => holds(n.state!.global)).map((n) => n.id);
      if (globals.length > 1) return `nodes ${globals.join(' and ')} both hold the global token`;
      const locals = new Map<number, number[]>();
      for (const n of live) {
        if (!holds(n.state!.local)) continue;
        const list = locals.get(n.state!.lan) ?? [];
        list.push(n.id);
        locals.set(n.state!.lan, list);
      }
      for (const [lan, ids] of locals)
        if (ids.length > 1) return `nodes ${ids.join(' and ')} both hold LAN ${lan}'s token`;
      const newest = Math.max(-1, ...live.map((n) => n.state!.global.token?.hop ?? -1));
      const at = live.find((n) => holds(n.state!.global) && n.state!.global.token!.hop === newest);
      for (const n of live) {
        const s = n.state!;
        if (!s.inCS) continue;
        if (!holds(s.local)) return `node ${n.id} is inside without its LAN's token`;
        if (at !== undefined && at.state!.lan !== s.lan)
          return `node ${n.id} is inside while LAN ${at.state!.lan} has the global token`;
      }
      return undefined;
    },
  };
}

export function twoLayerInvariants(): Invariant<TwoLayerState, MutexOutput>[] {
  return [mutualExclusion(), noUnaskedGrant(), atMostOneTokenPerLayer()];
}

export function twoLayerLiveness(options: TwoLayerOptions): Liveness<TwoLayerState, MutexOutput>[] {
  return [everyRequestServed(options.requests)];
}
