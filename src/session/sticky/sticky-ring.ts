// The ring sticky sessions route on, built once here so the balancer and the app servers
// agree on it: src/cluster/partition's consistent-hash ring (virtual nodes, FNV-1a 64) over
// the app servers' names. A session belongs to the server owning its id's point.
//
// Why a ring and not hash mod N: when a server dies, the balancer rebuilds the ring over the
// survivors and only the dead server's arcs change hands — every other session still lands
// on the server that holds it. With mod N almost every session would move (and, with memory
// sessions, be lost) on any change of the server list.
//
// New sessions: the balancer sends a request without a session round robin; the server that
// gets it mints an id whose point its own name owns (`homeIdMinter`), so the ring sends the
// session's next requests back to it without the balancer keeping any table.
//
// Fault model: names are the operator's (validated by the partitioner: PartitionError).

import { type Ring, ringPartitioner } from '../../cluster/partition/index.js';
import { assert } from '../../core/assert.js';
import { InvalidSessionArgument } from '../errors.js';
import { newSessionId, type SessionId } from '../session-id.js';

/** The ring over `names` (the same options everywhere: the mapping must agree). */
export function stickyRing(names: readonly string[]): Ring {
  return ringPartitioner(names);
}

/** Draws before giving up: with N equal servers a draw lands home with probability 1/N. */
const DRAWS_PER_SERVER = 64;

/** Mints random ids that `names`' ring maps to `self`. */
export function homeIdMinter(names: readonly string[], self: string): () => SessionId {
  if (!names.includes(self)) throw new InvalidSessionArgument(`'${self}' is not among the servers`);
  const ring = stickyRing(names);
  const limit = DRAWS_PER_SERVER * names.length;
  return () => {
    for (let i = 0; i < limit; i++) {
      const id = newSessionId();
      if (ring.nodeFor(id) === self) return id;
    }
    // (1 − 1/N)^(64N) < e^-64: only a ring that gives `self` no arc gets here.
    assert(false, `no id maps to '${self}' in ${limit} draws`);
  };
}
