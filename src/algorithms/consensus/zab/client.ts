// The client of a ZooKeeper server: `requests` key-value operations of the shared workload
// (replicated-kv/workload.ts), one at a time, each invoked, submitted (submit.ts) and
// complete once this server delivers it, with the result the shared machine gave it then
// (log.ts). Reads are transactions too, ordered by the broadcast like ZooKeeper's `sync`
// followed by a read, so the history is linearizable (a read served from a learner's own
// copy would only be sequentially consistent). `seq` and `done` are durable fields (the
// kernel saves them in the step that changes them), so a restarted server never reuses a
// sequence number; its pending operation is lost with the crash and shows up as
// indeterminate, as a real client's would.

import { assert } from '../../../core/assert.js';
import type { KvResult } from '../../replicated-kv/machine.js';
import { nextKvOp, observeCompletion, thinkTime } from '../../replicated-kv/workload.js';
import type { X } from './state.js';

/** Waits the workload's pause before the next operation, while operations remain. */
export function think({ s, env, c }: X): void {
  if (s.done < c.requests) env.setTimer('think', thinkTime(env.random, c.workload));
}

/** The `think` timer: invoke the next operation (its seq is durable before it is submitted). */
export function invoke(x: X): boolean {
  const { s, env, c } = x;
  if (s.pending !== null || s.done >= c.requests) return false;
  s.seq += 1;
  const op = nextKvOp(env.random, c.workload, env.id, s.seq, s.clientSeen);
  s.pending = { seq: s.seq, op, sentAt: env.now() };
  env.output({ type: 'invoke', client: env.id, seq: s.seq, op });
  return true;
}

/** This server delivered its own pending operation as zxid `zxid`; the machine answered. */
export function complete(x: X, zxid: number, result: KvResult): void {
  const { s, env } = x;
  const p = s.pending;
  if (p === null) return;
  s.pending = null;
  s.done += 1;
  const outcome = result.ok ? 'ok' : 'fail';
  observeCompletion(s.clientSeen, p.op, outcome, result.value);
  env.output({ type: 'complete', client: env.id, seq: p.seq, outcome, value: result.value, zxid });
  think(x);
  assert(s.done <= s.seq, 'an operation completes only after it was invoked');
}
