// The client workload of a ZooKeeper server: `requests` writes, one at a time, each invoked,
// submitted (submit.ts) and complete once this server delivers it. `seq` and `done` are
// durable fields (the kernel saves them in the step that changes them), so a restarted
// server never reuses a sequence number; its pending write is lost with the crash and shows
// up as indeterminate, as a real client's would.

import { assert } from '../../../core/assert.js';
import type { X } from './state.js';

/** Waits a random pause before the next write, while writes remain. */
export function think({ s, env, c }: X): void {
  if (s.done < c.requests) env.setTimer('write', env.random.range(0, 2 * c.thinkMs));
}

/** This server delivered its own pending write (as zxid `zxid`). */
export function complete(x: X, zxid: number): void {
  const { s, env } = x;
  const p = s.pending;
  if (p === null) return;
  s.pending = null;
  s.done += 1;
  env.output({ type: 'complete', seq: p.seq, zxid });
  think(x);
  assert(s.done <= s.seq, 'a write completes only after it was invoked');
}
