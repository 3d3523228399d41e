// The storage node of locks/lease-lock (node 2): the resource the lock protects. It applies
// every write — or, with `--fencing`, only a write whose token is at least the newest it has
// seen (Kleppmann's fencing token: the resource itself refuses a stale holder, whatever the
// holder believes). The newest token is durable. It reports each write as an output, which
// is what the invariant "no write from a stale holder" reads.

import type { NodeId } from '../../../core/process.js';
import type { X } from './options.js';

export function storageWrite(x: X, from: NodeId, token: number, unit: number): void {
  const { s, env, c } = x;
  const accepted = !c.opts.fencing || token >= s.newest;
  if (accepted) {
    s.newest = Math.max(s.newest, token);
    s.accepted++;
    env.output({ type: 'write', token, client: from });
  } else {
    s.rejected++;
    env.output({ type: 'reject', token, client: from });
  }
  env.send(from, { type: 'WriteReply', token, unit, accepted });
}
