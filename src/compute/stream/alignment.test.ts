// Barrier alignment (alignment.ts): a task with two inputs buffers the channel whose
// barrier came first until the other's comes, snapshots exactly between the two sides'
// pre- and post-barrier items, then releases the buffered ones in order; a channel already
// at the next barrier stays blocked for it; a single input snapshots at once.

import { describe, expect, it } from 'vitest';
import { type AlignAction, BarrierAligner, type ChannelItem } from './alignment.js';

const item = (x: string): ChannelItem<string> => ({ kind: 'item', item: x });
const barrier = (n: number): ChannelItem<string> => ({ kind: 'barrier', checkpoint: n });
const show = (actions: readonly AlignAction<string>[]) =>
  actions.map((a) => (a.kind === 'process' ? a.item : `snapshot ${a.checkpoint}`));

describe('barrier alignment', () => {
  it('buffers the channel that is ahead until every input has delivered the barrier', () => {
    const a = new BarrierAligner<string>(['split#0', 'split#1']);
    expect(show(a.push('split#0', item('a1')))).toEqual(['a1']);
    expect(show(a.push('split#0', barrier(1)))).toEqual([]);
    expect(a.isBlocked('split#0')).toBe(true);
    // After its barrier, split#0's items wait; split#1's pre-barrier items go on.
    expect(show(a.push('split#0', item('a2')))).toEqual([]);
    expect(show(a.push('split#1', item('b1')))).toEqual(['b1']);
    expect(show(a.push('split#0', item('a3')))).toEqual([]);
    expect(a.buffered).toBe(2);
    expect(show(a.push('split#1', barrier(1)))).toEqual(['snapshot 1', 'a2', 'a3']);
    expect(a.buffered).toBe(0);
    expect(a.isBlocked('split#0')).toBe(false);
    expect(show(a.push('split#1', item('b2')))).toEqual(['b2']);
  });

  it('keeps a channel that already sent the next barrier blocked for that one', () => {
    const a = new BarrierAligner<string>(['x', 'y']);
    a.push('x', barrier(1));
    a.push('x', item('x1'));
    a.push('x', barrier(2));
    a.push('x', item('x2'));
    expect(show(a.push('y', barrier(1)))).toEqual(['snapshot 1', 'x1']);
    expect(a.isBlocked('x')).toBe(true); // Now aligning 2: x2 is after x's barrier 2.
    expect(show(a.push('y', item('y1')))).toEqual(['y1']);
    expect(show(a.push('y', barrier(2)))).toEqual(['snapshot 2', 'x2']);
  });

  it('snapshots at once with one input, and refuses a barrier out of turn', () => {
    const one = new BarrierAligner<string>(['spout']);
    expect(show(one.push('spout', barrier(3)))).toEqual(['snapshot 3']);
    const two = new BarrierAligner<string>(['x', 'y']);
    two.push('x', barrier(1));
    expect(() => two.push('y', barrier(2))).toThrow(/aligning 1/);
    expect(() => two.push('z', item('?'))).toThrow(/no input channel/);
  });
});
