// ZooKeeper's transaction id: the epoch in the high 32 bits, a counter within the epoch in
// the low 32 (ZxidUtils). Plain numbers stay exact up to epoch 2^21, far beyond any run.

const SPAN = 2 ** 32;

export function makeZxid(epoch: number, counter: number): number {
  return epoch * SPAN + counter;
}

export function epochOf(zxid: number): number {
  return Math.floor(zxid / SPAN);
}

export function counterOf(zxid: number): number {
  return zxid % SPAN;
}

/** `0x<epoch>.<counter>` in hex, as ZooKeeper logs print them. */
export function formatZxid(zxid: number): string {
  return `0x${epochOf(zxid).toString(16)}.${counterOf(zxid).toString(16)}`;
}
