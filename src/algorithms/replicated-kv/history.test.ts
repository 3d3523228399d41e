// The shared conversion of client outputs into the linearizability checker's history:
// values per operation, indeterminate operations last, a client's abandoned operation
// retiring its process, and outputs that are not the client's ignored.

import { describe, expect, it } from 'vitest';
import type { OutputRecord } from '../../core/algorithm.js';
import { checkLinearizability } from '../../sim/linearizability/index.js';
import { type KvClientOutput, kvClientHistory } from './history.js';

type Out = KvClientOutput | { readonly type: 'other' };
const at = (atMs: number, output: Out): OutputRecord<Out> => ({ atMs, node: 1, output });
const kv = (o: Out) => (o.type === 'other' ? undefined : o);

describe('replicated-kv history', () => {
  it('converts operations, retires abandoned ones and puts open ones last', () => {
    const outputs = [
      at(1, { type: 'invoke', client: 7, seq: 1, op: { type: 'put', key: 'x', value: 'a' } }),
      at(2, { type: 'other' }),
      at(3, { type: 'complete', client: 7, seq: 1, outcome: 'ok', value: null }),
      at(4, { type: 'invoke', client: 7, seq: 2, op: { type: 'get', key: 'x' } }),
      // Client 7 restarted and gave up on seq 2: its next operation is a new process.
      at(5, {
        type: 'invoke',
        client: 7,
        seq: 3,
        op: { type: 'cas', key: 'x', expected: 'a', value: 'b' },
      }),
      at(6, { type: 'complete', client: 7, seq: 3, outcome: 'fail', value: 'z' }),
      at(7, { type: 'invoke', client: 8, seq: 1, op: { type: 'delete', key: 'x' } }),
      at(8, { type: 'complete', client: 8, seq: 9, outcome: 'ok', value: null }), // Not its seq.
    ];
    const history = kvClientHistory(outputs, 100, kv);
    expect(history.model).toBe('kv');
    expect(history.events).toEqual([
      { process: 7, type: 'invoke', f: 'write', key: 'x', value: 'a', time: 1 },
      { process: 7, type: 'ok', f: 'write', key: 'x', value: 'a', time: 3 },
      { process: 7, type: 'invoke', f: 'read', key: 'x', value: null, time: 4 },
      { process: 1007, type: 'invoke', f: 'cas', key: 'x', value: ['a', 'b'], time: 5 },
      { process: 1007, type: 'fail', f: 'cas', key: 'x', value: ['a', 'b'], time: 6 },
      { process: 8, type: 'invoke', f: 'write', key: 'x', value: null, time: 7 },
      { process: 7, type: 'info', f: 'read', key: 'x', value: null, time: 100 },
      { process: 8, type: 'info', f: 'write', key: 'x', value: null, time: 100 },
    ]);
    expect(checkLinearizability(history.events, history.model).linearizable).toBe(true);
  });

  it('gives a read its value, and a history the checker refutes stays refuted', () => {
    const outputs = [
      at(1, { type: 'invoke', client: 1, seq: 1, op: { type: 'put', key: 'x', value: 'a' } }),
      at(2, { type: 'complete', client: 1, seq: 1, outcome: 'ok', value: null }),
      at(3, { type: 'invoke', client: 2, seq: 1, op: { type: 'get', key: 'x' } }),
      at(4, { type: 'complete', client: 2, seq: 1, outcome: 'ok', value: 'stale' }),
    ];
    const history = kvClientHistory(outputs, 10, kv);
    expect(history.events[3]).toMatchObject({ process: 2, type: 'ok', f: 'read', value: 'stale' });
    expect(checkLinearizability(history.events, history.model).linearizable).toBe(false);
  });
});
