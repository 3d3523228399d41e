// A binary min-heap of simulator events ordered by (time, sequence number). The sequence
// number makes ties deterministic: events at the same microsecond run in scheduling order.

export class EventQueue<E extends { readonly atUs: number; readonly seq: number }> {
  private heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  push(event: E): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as E;
      if (p.atUs < event.atUs || (p.atUs === event.atUs && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l] as E;
      if (r < n) {
        const right = heap[r] as E;
        if (right.atUs < child.atUs || (right.atUs === child.atUs && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (last.atUs < child.atUs || (last.atUs === child.atUs && last.seq < child.seq)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }

  /** Removes and returns every event matching `pred`, in (time, seq) order. */
  extract(pred: (e: E) => boolean): E[] {
    const taken = this.heap.filter(pred);
    if (taken.length === 0) return taken;
    const kept = this.heap.filter((e) => !pred(e));
    this.heap = [];
    for (const e of kept) this.push(e);
    return taken.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
  }

  /** Every queued event, unordered. */
  all(): readonly E[] {
    return this.heap;
  }
}
