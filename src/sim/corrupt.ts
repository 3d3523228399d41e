// What the `corrupt` fault kind does to a message in flight: it replaces it with a MALFORMED
// one, which the receiver's parser must reject (so, for safety, corruption is a drop that
// the receiver notices). Four ways, drawn from the network's own sub-stream for corruption
// (`network/corrupt`: runs stay deterministic, and a corrupt rate shifts none of the other
// network draws — latency, loss, duplication): the `type` becomes an unknown name, or an
// Object.prototype member (the classic trap of a handler table indexed by a peer-chosen
// name), or every field but `type` is removed, or the whole message becomes non-object junk.
//
// Fault model: this is a broken link or a buggy peer, not a Byzantine one. It never makes a
// well-formed message with wrong values (a forged term, a node id that lies): that is what
// the byzantine/ algorithms model. A message without fields can stay well-formed once its
// fields are removed (a Heartbeat); the simulator then sends junk instead (simulator.ts).

import type { Prng } from '../core/prng.js';
import type { Message } from '../core/process.js';

/** Names no algorithm uses as a message type. */
const UNKNOWN_TYPES: readonly string[] = ['', 'Corrupt', '\u0000', 'null', 'undefined'];

/** Names a table lookup without an own-property check would find on every object. */
const PROTOTYPE_MEMBERS: readonly string[] = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
];

/** Values that are not a message at all. */
export function junkFor(msg: Message, random: Prng): unknown {
  switch (random.int(5)) {
    case 0:
      return null;
    case 1:
      return random.range(-1, 1_000);
    case 2:
      return msg.type;
    case 3:
      return [];
    default:
      return [msg.type];
  }
}

export type Corruption = 'unknown-type' | 'prototype-type' | 'fields-removed' | 'junk';

/** A malformed replacement for `msg` (a new value: the sender's object is never changed). */
export function corruptMessage(msg: Message, random: Prng): { how: Corruption; value: unknown } {
  switch (random.int(4)) {
    case 0:
      return { how: 'unknown-type', value: { ...msg, type: random.pick(UNKNOWN_TYPES) } };
    case 1:
      return { how: 'prototype-type', value: { ...msg, type: random.pick(PROTOTYPE_MEMBERS) } };
    case 2:
      return { how: 'fields-removed', value: { type: msg.type } };
    default:
      return { how: 'junk', value: junkFor(msg, random) };
  }
}
