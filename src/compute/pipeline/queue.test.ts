// The bounded queue between pipeline stages: a put into a full queue waits until a take
// frees a slot (and the waiting item moves in, in order); takes wait on an empty queue and
// see the end once it is closed; abort wakes every waiter with the error.

import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './queue.js';

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  // Two turns of the microtask queue: an already-resolved promise would have run by then.
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('BoundedQueue', () => {
  it('blocks a put while full and lets it in, in order, when an item is taken', async () => {
    const q = new BoundedQueue<number>('a→b', 2);
    await q.put(1);
    await q.put(2);
    const third = q.put(3);
    expect(await settled(third)).toBe(false);
    expect(await q.take()).toBe(1);
    expect(await settled(third)).toBe(true);
    expect(await q.take()).toBe(2);
    expect(await q.take()).toBe(3);
    const r = q.report();
    expect(r.maxOccupancy).toBe(2);
    expect(r.fullPuts).toBe(1);
    expect(r.puts).toBe(3);
  });

  it('hands a put straight to a waiting take, and ends takes at close', async () => {
    const q = new BoundedQueue<string>('a→b', 1);
    const waiting = q.take();
    expect(await settled(waiting)).toBe(false);
    await q.put('x');
    expect(await waiting).toBe('x');
    const end = q.take();
    q.close();
    expect(await end).toBeUndefined();
    expect(q.report().maxOccupancy).toBe(0);
  });

  it('wakes blocked producers and consumers with the abort error', async () => {
    const full = new BoundedQueue<number>('a→b', 1);
    await full.put(1);
    const blocked = full.put(2);
    const empty = new BoundedQueue<number>('b→c', 1);
    const starved = empty.take();
    const error = new Error('stage failed');
    full.abort(error);
    empty.abort(error);
    await expect(blocked).rejects.toBe(error);
    await expect(starved).rejects.toBe(error);
    await expect(full.take()).rejects.toBe(error);
  });
});
