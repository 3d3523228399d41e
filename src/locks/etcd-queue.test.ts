// The etcd backend's queue rules: who holds, and which keys a waiter watches (never the whole
// queue: no herd).

import { describe, expect, it } from 'vitest';
import { KeyValue } from '../client/index.js';
import { blockersOf, leaseHex, parseQueue, type QueueEntry } from './etcd-queue.js';

const kv = (key: string, value: string, createRevision: number) =>
  new KeyValue(Buffer.from(key), Buffer.from(value), createRevision, createRevision, 1, 7n);
const entry = (rev: number, mode: QueueEntry['mode'] = 'exclusive'): QueueEntry => ({
  key: `n/${leaseHex(BigInt(rev))}`,
  createRevision: rev,
  lease: BigInt(rev),
  owner: `o${rev}`,
  mode,
});

describe('parseQueue', () => {
  it('keeps only the lock’s own keys, oldest first, and reads untrusted values safely', () => {
    const queue = parseQueue(
      [
        kv(`n/${leaseHex(3n)}`, '{"o":"b","m":"r"}', 9),
        kv(`n/${leaseHex(1n)}`, '{"o":"a","m":"x"}', 5),
        kv(`n/sub/${leaseHex(2n)}`, '{"o":"c","m":"x"}', 6), // lock "n/sub"
        kv('n/not-a-lease', '{}', 4),
        kv(`n/${leaseHex(4n)}`, 'garbage', 11),
        kv(`n/${leaseHex(5n)}`, '[1,2]', 12),
      ],
      'n/',
    );
    expect(queue.map((e) => [e.createRevision, e.owner, e.mode])).toEqual([
      [5, 'a', 'exclusive'],
      [9, 'b', 'read'],
      [11, undefined, 'write'],
      [12, undefined, 'write'],
    ]);
  });
  it('writes lease ids as 16 hex digits, negative ones as unsigned', () => {
    expect(leaseHex(255n)).toBe('00000000000000ff');
    expect(leaseHex(-1n)).toBe('ffffffffffffffff');
  });
});

describe('blockersOf', () => {
  const q = [1, 2, 3, 4, 5].map((r) => entry(r));
  it('a mutex waiter watches only its predecessor', () => {
    expect(blockersOf(q, q[0]!, 1)).toEqual([]);
    expect(blockersOf(q, q[3]!, 1)).toEqual([q[2]]);
  });
  it('a semaphore waiter watches the N keys just before it', () => {
    expect(blockersOf(q, q[2]!, 3)).toEqual([]);
    expect(blockersOf(q, q[3]!, 3)).toEqual([q[0], q[1], q[2]]);
    expect(blockersOf(q, q[4]!, 3)).toEqual([q[1], q[2], q[3]]);
    // A holder ahead of the window leaving does not change the window.
    const without = q.filter((e) => e !== q[0]);
    expect(blockersOf(without, q[4]!, 3)).toEqual([q[1], q[2], q[3]]);
    expect(blockersOf(without, q[3]!, 3)).toEqual([]);
  });
  it('a reader waits only for the last earlier writer; a writer for anyone before it', () => {
    const rw = [
      entry(1, 'read'),
      entry(2, 'write'),
      entry(3, 'read'),
      entry(4, 'write'),
      entry(5, 'read'),
    ];
    expect(blockersOf(rw, rw[0]!, 1)).toEqual([]);
    expect(blockersOf(rw, rw[2]!, 1)).toEqual([rw[1]]);
    expect(blockersOf(rw, rw[4]!, 1)).toEqual([rw[3]]);
    expect(blockersOf(rw, rw[1]!, 1)).toEqual([rw[0]]);
    expect(blockersOf([entry(1, 'read'), entry(2, 'read')], entry(2, 'read'), 1)).toEqual([]);
  });
});
