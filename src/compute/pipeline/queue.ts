// The bounded queue between two pipeline stages: at most `capacity` items wait in it, and
// a producer that finds it full waits (its `put` does not resolve) until a consumer takes
// one — backpressure. Nothing else buffers: a waiting producer holds its one item, so the
// items held anywhere are bounded by the capacities plus one per producer slot.
//
// It also measures itself: the most items it ever held, the time-weighted mean occupancy
// and how many puts found it full — what shows where a pipeline's work piles up.
//
// Fault model: none of its own. `abort` wakes every waiter with the pipeline's error, so a
// failed stage never leaves its neighbours blocked forever.

import { assert } from '../../core/assert.js';

/** Where a stage puts its outputs: the next queue, or the pipeline's sink. */
export interface Outlet<T> {
  put(item: T): Promise<void>;
  /** No more puts will come (every producer slot is done). */
  close(): void;
}

export interface QueueReport {
  readonly name: string;
  readonly capacity: number;
  readonly puts: number;
  /** Puts that found the queue full and waited: backpressure applied upstream. */
  readonly fullPuts: number;
  readonly maxOccupancy: number;
  /** Items held, averaged over the run's time. */
  readonly meanOccupancy: number;
}

interface Putter<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

interface Taker<T> {
  readonly resolve: (item: T | undefined) => void;
  readonly reject: (e: Error) => void;
}

export class BoundedQueue<T> implements Outlet<T> {
  private readonly items: T[] = [];
  private readonly putters: Putter<T>[] = [];
  private readonly takers: Taker<T>[] = [];
  private closed = false;
  private failure: Error | null = null;
  private puts = 0;
  private fullPuts = 0;
  private maxOccupancy = 0;
  /** Integral of occupancy over time (item·ms), up to `lastChangeAt`. */
  private occupancyArea = 0;
  private lastChangeAt: number;
  private readonly openedAt: number;

  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {
    assert(Number.isSafeInteger(capacity) && capacity >= 1, 'the pipeline checks capacities');
    this.openedAt = performance.now();
    this.lastChangeAt = this.openedAt;
  }

  /** Resolves once `item` is in the queue (or handed to a waiting taker). */
  put(item: T): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    assert(!this.closed, 'no put after close');
    this.puts++;
    const taker = this.takers.shift();
    if (taker !== undefined) {
      assert(this.items.length === 0, 'takers wait only on an empty queue');
      taker.resolve(item);
      return Promise.resolve();
    }
    if (this.items.length < this.capacity) {
      this.push(item);
      return Promise.resolve();
    }
    this.fullPuts++;
    return new Promise((resolve, reject) => this.putters.push({ item, resolve, reject }));
  }

  /** The next item, or undefined once the queue is closed and drained. */
  take(): Promise<T | undefined> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.items.length > 0) {
      this.account();
      const item = this.items.shift() as T;
      // A slot freed: the longest-waiting producer's item moves in, and it may go on.
      const putter = this.putters.shift();
      if (putter !== undefined) {
        this.items.push(putter.item);
        putter.resolve();
      }
      assert(this.items.length <= this.capacity);
      return Promise.resolve(item);
    }
    assert(this.putters.length === 0, 'producers wait only on a full queue');
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  close(): void {
    assert(this.putters.length === 0, 'every producer is done before the close');
    this.closed = true;
    for (const t of this.takers.splice(0)) t.resolve(undefined);
  }

  /** Fails every waiter and every later call with `error`. */
  abort(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const p of this.putters.splice(0)) p.reject(error);
    for (const t of this.takers.splice(0)) t.reject(error);
  }

  report(): QueueReport {
    this.account();
    const elapsed = this.lastChangeAt - this.openedAt;
    return {
      name: this.name,
      capacity: this.capacity,
      puts: this.puts,
      fullPuts: this.fullPuts,
      maxOccupancy: this.maxOccupancy,
      meanOccupancy: elapsed > 0 ? Math.round((this.occupancyArea / elapsed) * 100) / 100 : 0,
    };
  }

  private push(item: T): void {
    this.account();
    this.items.push(item);
    assert(this.items.length <= this.capacity, 'a put waits while the queue is full');
    this.maxOccupancy = Math.max(this.maxOccupancy, this.items.length);
  }

  /** Adds the occupancy since the last change to the integral. */
  private account(): void {
    const now = performance.now();
    this.occupancyArea += this.items.length * (now - this.lastChangeAt);
    this.lastChangeAt = now;
  }
}
