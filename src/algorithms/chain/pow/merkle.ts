// Bitcoin's Merkle root (consensus/merkle.cpp): hash pairs of txids with double SHA-256,
// duplicating the last one of an odd level, until one remains. Txids are double SHA-256 of
// the transaction bytes; here a transaction is a UTF-8 string (the simulation's payload).

import { displayHex, sha256d } from './header.js';

export function txid(tx: string): Uint8Array {
  return sha256d(Buffer.from(tx, 'utf8'));
}

/** The root over internal-order txids, in display order. */
export function merkleRootOf(txids: readonly Uint8Array[]): string {
  let level = [...txids];
  if (level.length === 0) return '0'.repeat(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      const right = level[i + 1] ?? left;
      next.push(sha256d(Buffer.concat([left, right])));
    }
    level = next;
  }
  return displayHex(level[0] as Uint8Array);
}

export function merkleRootOfTxs(txs: readonly string[]): string {
  return merkleRootOf(txs.map(txid));
}
