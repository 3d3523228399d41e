// Barrier alignment (Carbone et al., "Lightweight Asynchronous Snapshots for Distributed
// Dataflows", 2015 — the Chandy–Lamport snapshot for DAGs that Flink runs): a task with
// several input channels takes its snapshot for checkpoint n only once barrier n has
// arrived on EVERY input. A channel that delivered barrier n is blocked — what it sends
// next belongs after the snapshot and is buffered — while the others still deliver their
// pre-barrier items. When the last input's barrier arrives the task snapshots, and the
// buffered items are released in their channel's order (one of them may be barrier n+1,
// which blocks its channel again). So the snapshot holds the effect of exactly the items
// before barrier n on every input, and nothing after it.
//
// Pure: no I/O. Fault model: the channels are FIFO (the master forwards in order); a
// barrier for another checkpoint than the one being aligned, or on an unknown input, is
// our own bug and throws.

/** What flows on a channel; the aligner treats everything but barriers alike. */
export type ChannelItem<T> =
  | { readonly kind: 'item'; readonly item: T }
  | { readonly kind: 'barrier'; readonly checkpoint: number };

/** What the task must do, in order: process an item, or snapshot for a checkpoint. */
export type AlignAction<T> =
  | { readonly kind: 'process'; readonly item: T }
  | { readonly kind: 'snapshot'; readonly checkpoint: number };

export class BarrierAligner<T> {
  /** The checkpoint being aligned, null when none is. */
  private aligning: number | null = null;
  private readonly blocked = new Set<string>();
  private readonly buffers = new Map<string, ChannelItem<T>[]>();

  /** `inputs`: the task's input channels (upstream task keys, or 'spout'). */
  constructor(private readonly inputs: readonly string[]) {
    if (inputs.length === 0) throw new Error('a task has at least one input');
  }

  /** Items held back on blocked channels (tests and stats). */
  get buffered(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.length;
    return n;
  }

  /** Whether `from`'s items are being held back. */
  isBlocked(from: string): boolean {
    return this.blocked.has(from);
  }

  /** `x` arrived on channel `from`: the actions it lets the task take now. */
  push(from: string, x: ChannelItem<T>): AlignAction<T>[] {
    const out: AlignAction<T>[] = [];
    this.accept(from, x, out);
    return out;
  }

  private accept(from: string, x: ChannelItem<T>, out: AlignAction<T>[]): void {
    if (!this.inputs.includes(from)) throw new Error(`no input channel ${from}`);
    if (this.blocked.has(from)) {
      const buffer = this.buffers.get(from) ?? [];
      buffer.push(x);
      this.buffers.set(from, buffer);
      return;
    }
    if (x.kind === 'item') {
      out.push({ kind: 'process', item: x.item });
      return;
    }
    if (this.aligning !== null && this.aligning !== x.checkpoint)
      throw new Error(`barrier ${x.checkpoint} while aligning ${this.aligning}`);
    this.aligning = x.checkpoint;
    this.blocked.add(from);
    if (this.blocked.size < this.inputs.length) return;
    out.push({ kind: 'snapshot', checkpoint: x.checkpoint });
    this.aligning = null;
    this.blocked.clear();
    const held = [...this.buffers];
    this.buffers.clear();
    for (const [channel, items] of held) for (const item of items) this.accept(channel, item, out);
  }
}
