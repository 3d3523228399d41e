// The client each quorum node hosts: the shared key-value workload (replicated-kv/
// workload.ts, puts and gets) until `requests` operations or `quietAtMs`, then, from
// `finalReadAtMs`, one read of every key — the reads eventual consistency is judged on.
// Its puts carry the context of its last read or write of the key (Dynamo §4.4), so a put
// after a read supersedes every sibling it read.
//
// Fault model: a crash loses the client's place (volatile); its sequence number is durable,
// so a restarted client never writes a value twice.

import { assert } from '../../../core/assert.js';
import { nextKvOp, thinkTime } from '../../replicated-kv/workload.js';
import { coordinate } from './coordinator.js';
import type { X } from './replica.js';

/** The `next` timer: start the client's next operation, or wait for the next phase. */
export function clientNext(x: X): void {
  const { s, env, c } = x;
  if (s.op !== null || s.client.phase === 'done') return;
  const now = env.now();
  if (now >= c.finalReadAtMs) return finalRead(x);
  if (now >= c.quietAtMs || s.client.started >= c.requests) {
    env.setTimer('next', c.finalReadAtMs - now);
    return;
  }
  const pause = thinkTime(env.random, c.workload);
  if (pause > 0 && !s.client.pausing) {
    s.client.pausing = true;
    env.setTimer('next', pause);
    return;
  }
  s.client.pausing = false;
  const seq = ++s.seq;
  const op = nextKvOp(env.random, c.workload, env.id, seq, new Map());
  assert(op.type === 'get' || op.type === 'put', 'the quorum workload puts and gets');
  s.client.started++;
  env.output({ type: 'invoke', client: env.id, seq, op });
  coordinate(x, op.key, seq, op.type === 'put' ? op.value : undefined);
}

function finalRead(x: X): void {
  const { s, env, c } = x;
  s.client.phase = 'final';
  if (s.client.finalKey >= c.workload.keys) {
    s.client.phase = 'done';
    return;
  }
  const key = `k${s.client.finalKey++}`;
  const seq = ++s.seq;
  env.output({ type: 'invoke', client: env.id, seq, op: { type: 'get', key } });
  coordinate(x, key, seq);
}
