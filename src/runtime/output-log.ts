// What a node reported (`env.output`), numbered, kept for local subscribers and for the
// client API's `GET /outputs?after=N`. The history is bounded (oldest forgotten first) so a
// node that runs for days does not grow without bound; subscribers see every record.

import type { NodeId, Output } from '../core/process.js';

export interface RuntimeOutput {
  /** 1, 2, 3, … in the order this incarnation released them. */
  readonly seq: number;
  readonly node: NodeId;
  /** The node's clock when the step that produced it ran. */
  readonly atMs: number;
  readonly output: Output;
}

export const DEFAULT_OUTPUT_HISTORY = 10_000;

export class OutputLog {
  private readonly records: RuntimeOutput[] = [];
  private readonly subscribers = new Set<(record: RuntimeOutput) => void>();
  private seq = 0;

  constructor(private readonly limit = DEFAULT_OUTPUT_HISTORY) {}

  add(node: NodeId, atMs: number, output: Output): RuntimeOutput {
    const record = { seq: ++this.seq, node, atMs, output };
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    for (const subscriber of this.subscribers) subscriber(record);
    return record;
  }

  /** Records with `seq > after` still held. */
  since(after: number): RuntimeOutput[] {
    const first = this.records.findIndex((r) => r.seq > after);
    return first === -1 ? [] : this.records.slice(first);
  }

  get last(): number {
    return this.seq;
  }

  subscribe(fn: (record: RuntimeOutput) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}
