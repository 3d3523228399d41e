// The reliable spout (Storm's ISpout contract with message ids): it pulls records from its
// source one at a time while fewer than `maxPending` are in flight (Storm's
// topology.max.spout.pending: the spout's backpressure), remembers each pending record
// until its tuple tree completes at the acker, and replays a record — under a NEW root, so
// the acker ignores its old tree's late acks — when the tree fails: a bolt failed it, it
// timed out, or one of its tuples was on a worker that died. Replays go before new records.
//
// The spout keeps only what a replayable source (a Kafka offset, a file position) would let
// it re-read; here the pending record's line itself. Not a Process: it is the master's
// in-process component and reads its source asynchronously.

export interface PendingRecord {
  readonly record: number;
  readonly line: string;
  /** The current attempt's root (the acker's key). */
  root: string;
  attempt: number;
  emittedAt: number;
  /** The workers any tuple of the current attempt's tree was routed to. */
  readonly workers: Set<number>;
  /** XOR of the ids whose acks a windowed bolt holds (16 hex digits). */
  held: string;
}

export class StreamRecordError extends Error {
  override readonly name = 'StreamRecordError';
}

export class ReliableSpout {
  private readonly pending = new Map<number, PendingRecord>();
  private readonly byRoot = new Map<string, number>();
  private readonly replays: number[] = [];
  /** Pending records whose trees wait only on held acks (a window's end, not work). */
  private readonly parked = new Set<number>();
  private nextRecord = 0;
  private exhausted = false;
  replayed = 0;

  constructor(
    private readonly source: AsyncIterator<string>,
    private readonly maxPending: number,
    private readonly maxAttempts: number,
  ) {}

  /** The next record to emit (a replay first), or undefined when none may go now. */
  async next(): Promise<PendingRecord | undefined> {
    const replay = this.replays.shift();
    if (replay !== undefined) return this.pending.get(replay);
    // Parked records do not count: they wait for event time to pass, which only reading
    // further records can bring (Storm's windowed bolts would deadlock here).
    if (this.exhausted || this.pending.size - this.parked.size >= this.maxPending) return undefined;
    const r = await this.source.next();
    if (r.done === true) {
      this.exhausted = true;
      return undefined;
    }
    const p: PendingRecord = {
      record: this.nextRecord++,
      line: r.value,
      root: '',
      attempt: 0,
      emittedAt: 0,
      workers: new Set(),
      held: '0000000000000000',
    };
    this.pending.set(p.record, p);
    return p;
  }

  /** `p` is being emitted now under `root`. */
  emitting(p: PendingRecord, root: string, now: number): void {
    if (p.root !== '') this.byRoot.delete(p.root);
    p.root = root;
    p.attempt++;
    p.emittedAt = now;
    p.workers.clear();
    p.held = '0000000000000000';
    this.parked.delete(p.record);
    this.byRoot.set(root, p.record);
  }

  /** Whether `p`'s tree now waits only on held acks. */
  park(p: PendingRecord, parked: boolean): void {
    if (parked) this.parked.add(p.record);
    else this.parked.delete(p.record);
  }

  isParked(record: number): boolean {
    return this.parked.has(record);
  }

  /** Every record read, none to replay, and each pending one waits only on held acks. */
  get quiet(): boolean {
    return this.exhausted && this.replays.length === 0 && this.parked.size === this.pending.size;
  }

  /** The pending record whose current tree is `root`; undefined for a stale root. */
  byTree(root: string): PendingRecord | undefined {
    const record = this.byRoot.get(root);
    return record === undefined ? undefined : this.pending.get(record);
  }

  isPending(record: number): boolean {
    return this.pending.has(record);
  }

  /** The tree of `p` completed: the record is done for good. */
  complete(p: PendingRecord): void {
    this.byRoot.delete(p.root);
    this.pending.delete(p.record);
    this.parked.delete(p.record);
  }

  /** The tree of `p` failed: replay it, unless it has failed too often. */
  fail(p: PendingRecord): void {
    if (p.attempt >= this.maxAttempts)
      throw new StreamRecordError(`record ${p.record} failed ${p.attempt} times`);
    this.byRoot.delete(p.root);
    this.parked.delete(p.record);
    p.root = '';
    this.replays.push(p.record);
    this.replayed++;
  }

  /** The records whose current trees are in flight (emitted, not failed; parked too). */
  inFlight(): PendingRecord[] {
    return [...this.pending.values()].filter((p) => p.root !== '');
  }

  get done(): boolean {
    return this.exhausted && this.pending.size === 0;
  }
}
