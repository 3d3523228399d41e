// What a writer of gossip/anti-entropy does to its replica, per CRDT: a G-counter adds 1; a
// PN-counter adds or subtracts 1; an OR-set adds or removes one of four shared elements
// (so concurrent adds and removes of the same element happen, and add-wins shows); an
// LWW-register writes "node.seq" stamped above every timestamp it has seen. Drawn from the
// node's Env random stream, so a run is a function of its seed.

import type { Random } from '../../../core/prng.js';
import {
  type Crdt,
  gCounter,
  type LwwRegister,
  lwwNextTs,
  lwwRegister,
  type OrSetOp,
  orSet,
  pnCounter,
} from '../../crdt/index.js';

export type CrdtKind = 'gcounter' | 'pncounter' | 'orset' | 'lww';

const TYPES = { gcounter: gCounter, pncounter: pnCounter, orset: orSet, lww: lwwRegister };

export function crdtOf(kind: CrdtKind): Crdt<unknown, unknown> {
  return TYPES[kind] as Crdt<unknown, unknown>;
}

const ELEMENTS = ['a', 'b', 'c', 'd'];

/** The operation a writer applies for its update `seq`, given its replica `s`. */
export function workloadOp(
  kind: CrdtKind,
  random: Random,
  s: unknown,
  at: { readonly id: number; readonly seq: number; readonly nowMs: number },
): unknown {
  switch (kind) {
    case 'gcounter':
      return { by: 1 };
    case 'pncounter':
      return { by: random.chance(1, 2) ? 1 : -1 };
    case 'orset':
      return {
        // A writer's first update adds, so one rumor shows; later ones mix adds and removes.
        kind: at.seq === 1 || random.chance(2, 3) ? 'add' : 'remove',
        element: random.pick(ELEMENTS),
      } satisfies OrSetOp;
    case 'lww':
      return { value: `${at.id}.${at.seq}`, ts: lwwNextTs(s as LwwRegister, at.nowMs) };
  }
}
