// Storm's acker (Storm docs, "Guaranteeing Message Processing"): for each spout tuple it
// keeps ONE 64-bit value, the XOR of the ids of every tuple of its tree that was created
// but not yet acked. A tuple's id enters the value twice — once when it is emitted
// (anchored to its parent, folded into the parent's ack) and once when it is acked — so
// the value returns to zero exactly when the whole tree is processed, whatever the order
// the acks arrive in, in constant space per tree. A zero reached early needs a 2^-64
// collision of random ids, as in Storm.
//
// An ack for a tree the acker no longer tracks (completed, failed and replayed under a new
// root) is stale and ignored: the spout registers a root before it emits it.

import { randomBytes } from 'node:crypto';

/** A fresh random 64-bit tuple id, as 16 hex digits. */
export function newTupleId(): string {
  return randomBytes(8).toString('hex');
}

/** a XOR b over 16-hex-digit ids. */
export function xorIds(a: string, b: string): string {
  return (BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(16).padStart(16, '0');
}

export type AckOutcome = 'complete' | 'pending' | 'unknown';

export class Acker {
  private readonly trees = new Map<string, bigint>();

  /** Starts tracking the tree `root`, whose spout tuples' ids XOR to `value`. */
  track(root: string, value: string): void {
    this.trees.set(root, BigInt(`0x${value}`));
  }

  /** Folds `xor` into `root`'s value; 'complete' once it is zero (the tree is dropped). */
  ack(root: string, xor: string): AckOutcome {
    const value = this.trees.get(root);
    if (value === undefined) return 'unknown';
    const next = value ^ BigInt(`0x${xor}`);
    if (next !== 0n) {
      this.trees.set(root, next);
      return 'pending';
    }
    this.trees.delete(root);
    return 'complete';
  }

  /** The XOR of `root`'s outstanding ids; undefined once it is not tracked. */
  outstanding(root: string): string | undefined {
    return this.trees.get(root)?.toString(16).padStart(16, '0');
  }

  /** Stops tracking `root` (failed or timed out): its later acks are stale. */
  forget(root: string): void {
    this.trees.delete(root);
  }

  get size(): number {
    return this.trees.size;
  }
}
