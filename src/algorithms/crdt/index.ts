// Conflict-free replicated data types (issue 19, the AP side): G-counter, PN-counter,
// OR-set (add-wins, unique tags) and LWW-register, each a join semilattice with δ-mutators
// (types.ts). gossip/anti-entropy replicates them; their merge laws are property-tested in
// crdt.test.ts.

export { type GCounter, gCounter, gCounterMerge, gCounterValue } from './g-counter.js';
export { type LwwRegister, type LwwValue, lwwNextTs, lwwRegister } from './lww-register.js';
export { type OrSet, type OrSetOp, orSet, orSetElements, orSetHas, orSetTag } from './or-set.js';
export { type PnCounter, pnCounter } from './pn-counter.js';
export { type Crdt, type Dot, mutate } from './types.js';
