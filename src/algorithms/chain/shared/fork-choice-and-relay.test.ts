import { describe, expect, it } from 'vitest';
import type { Env } from '../../../core/process.js';
import {
  type Arrival,
  type BlockSyncMessage,
  ORPHANS_MAX,
  receiveBlocks,
  recentOrphans,
} from './block-relay.js';
import {
  addLinkedEntry,
  type LinkedBlock,
  type LinkedEntry,
  newLinkedChain,
  tipOf,
} from './linked-chain.js';

const block = (height: number, prev: string, sig = ''): LinkedBlock => ({
  height,
  prev,
  slot: height,
  sig,
});
const entry = (hash: string, height: number, prev: string): LinkedEntry => ({
  hash,
  block: block(height, prev),
});
const longer = { better: (e: LinkedEntry, tip: LinkedEntry) => e.block.height > tip.block.height };

describe('linked chain fork choice', () => {
  it('keeps the first seen on a tie and reports the blocks a switch abandons', () => {
    const c = newLinkedChain(entry('g', 0, ''));
    addLinkedEntry(c, entry('a1', 1, 'g'), longer);
    expect(addLinkedEntry(c, entry('b1', 1, 'g'), longer).moved).toBe(false);
    const moved = addLinkedEntry(c, entry('b2', 2, 'b1'), longer);
    expect(moved.abandoned.map((e) => e.hash)).toEqual(['a1']);
    expect(tipOf(c).hash).toBe('b2');
  });

  it('never moves to a line without the block it must keep', () => {
    const c = newLinkedChain(entry('g', 0, ''));
    addLinkedEntry(c, entry('a1', 1, 'g'), longer);
    addLinkedEntry(c, entry('b1', 1, 'g'), longer);
    const keep = { ...longer, keep: 'a1' };
    expect(addLinkedEntry(c, entry('b2', 2, 'b1'), keep)).toEqual({ moved: false, abandoned: [] });
    expect(tipOf(c).hash).toBe('a1');
  });
});

describe('receiveBlocks', () => {
  // A chain of hashes h1 ← h2 ← h3 arriving newest first: each waits for its parent.
  function run(arrivals: readonly LinkedBlock[]) {
    const sent: string[] = [];
    const accepted: string[] = [];
    const known = new Set(['h0']);
    const pool = { orphans: [] as Arrival<LinkedBlock>[] };
    const env = {
      peers: [2, 3],
      send: (to: number, m: BlockSyncMessage<LinkedBlock>) => sent.push(`${m.type}->${to}`),
      note: () => {},
    } as unknown as Env<BlockSyncMessage<LinkedBlock>>;
    const intake = {
      env,
      check: (b: LinkedBlock) =>
        known.has(b.sig)
          ? { kind: 'known' as const }
          : known.has(b.prev)
            ? { kind: 'valid' as const, entry: { hash: b.sig } }
            : { kind: 'orphan' as const, parent: b.prev },
      accept: (e: { hash: string }) => {
        known.add(e.hash);
        accepted.push(e.hash);
      },
      ...recentOrphans(pool),
    };
    for (const b of arrivals) receiveBlocks(intake, { block: b, from: 2, flood: true });
    return { sent, accepted, pool };
  }

  it('drains the orphans a block unblocks, parents first, flooding each once', () => {
    const { sent, accepted, pool } = run([
      block(3, 'h2', 'h3'),
      block(2, 'h1', 'h2'),
      block(1, 'h0', 'h1'),
    ]);
    expect(accepted).toEqual(['h1', 'h2', 'h3']);
    expect(sent).toEqual(['GetBlock->2', 'GetBlock->2', 'Block->3', 'Block->3', 'Block->3']);
    expect(pool.orphans).toEqual([]);
  });

  it('keeps only the newest ORPHANS_MAX orphans', () => {
    const waiting = Array.from({ length: ORPHANS_MAX + 5 }, (_, i) => block(9, `x${i}`, `o${i}`));
    const { pool } = run(waiting);
    expect(pool.orphans).toHaveLength(ORPHANS_MAX);
    expect(pool.orphans[0]?.block.sig).toBe('o5');
  });
});
