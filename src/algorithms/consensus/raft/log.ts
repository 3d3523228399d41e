// The Raft log (§5.3) behind a snapshot (§7): entries snapshot.index+1 .. lastIndex in memory,
// mirrored one key per entry in durable storage (`log/<index>`), plus the latest snapshot
// (`snapshot`). Every mutation writes storage in the same step, so the host makes it durable
// BEFORE the step's replies leave (Figure 2: "respond after persisting"). It also tracks the
// configuration entries it holds: a server uses the latest configuration in its log, whether
// or not it is committed (dissertation §4.1).
//
// The log writes storage itself rather than being a kernel `durable` field: the kernel saves
// its durable fields whole under one key whenever they change, which would rewrite the
// whole log on every append; one key per entry writes only the entry, and compaction and
// truncation delete exactly the keys they drop.
//
// Fault model: a crash keeps exactly what storage holds; `load` rebuilds the same log.

import { assert } from '../../../core/assert.js';
import type { NodeId, Storage } from '../../../core/process.js';
import type { Entry, Snapshot } from './messages.js';

const LOG_PREFIX = 'log/';

/** The disk of a server that has not started: empty, and never written (see unstarted). */
const NO_DISK: Storage = {
  get: () => undefined,
  keys: () => [],
  set: () => assert(false, 'a server writes its log only once started'),
  delete: () => assert(false, 'a server writes its log only once started'),
};
const SNAPSHOT_KEY = 'snapshot';
const NONE: readonly NodeId[] = [];

/** Who votes and who only learns, in one configuration. */
export interface Config {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

function logKey(index: number): string {
  return LOG_PREFIX + String(index).padStart(12, '0');
}

export class RaftLog {
  /** Entries after the snapshot; entries[i].index === snapshot.index + 1 + i. */
  entries: Entry[] = [];
  /** Indices of config entries in `entries`, ascending. */
  private configIndices: number[] = [];
  /** Times entries were removed from the end (Leader Append-Only reads it). */
  truncations = 0;

  private constructor(
    private readonly storage: Storage,
    public snapshot: Snapshot,
  ) {}

  /** Rebuilds the log from storage; a new node starts from the bootstrap configuration. */
  static load(
    storage: Storage,
    initialVoters: readonly NodeId[],
    emptyMachine: Snapshot['kv'],
  ): RaftLog {
    const snapshot = storage.get<Snapshot>(SNAPSHOT_KEY) ?? {
      index: 0,
      term: 0,
      voters: initialVoters,
      kv: emptyMachine,
    };
    const log = new RaftLog(storage, snapshot);
    for (const key of storage.keys(LOG_PREFIX)) {
      const e = storage.get<Entry>(key);
      assert(e !== undefined, 'a listed key exists');
      if (e.index <= snapshot.index) continue; // Compaction raced a crash: already covered.
      assert(e.index === log.lastIndex + 1, 'stored log entries are contiguous');
      log.push(e);
    }
    return log;
  }

  /**
   * The log a server shows before onStart loads the real one (the kernel makes a process's
   * state before it has an Env): the bootstrap configuration and nothing else.
   */
  static unstarted(initialVoters: readonly NodeId[], emptyMachine: Snapshot['kv']): RaftLog {
    return RaftLog.load(NO_DISK, initialVoters, emptyMachine);
  }

  get lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  get lastTerm(): number {
    return this.entries.at(-1)?.term ?? this.snapshot.term;
  }

  get firstIndex(): number {
    return this.snapshot.index + 1;
  }

  /** The term of entry `index`, or undefined when it is compacted away or absent. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    return this.entry(index)?.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshot.index) return undefined;
    return this.entries[index - this.snapshot.index - 1];
  }

  /** Entries [from, to] (inclusive), all of which must be in memory. */
  slice(from: number, to: number): Entry[] {
    assert(from > this.snapshot.index, 'slice starts after the snapshot');
    const base = this.snapshot.index + 1;
    return this.entries.slice(from - base, to - base + 1);
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up-to-date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm || (lastTerm === this.lastTerm && lastIndex >= this.lastIndex);
  }

  append(entry: Entry): void {
    assert(entry.index === this.lastIndex + 1, 'append extends the log by one');
    assert(entry.term >= this.lastTerm, 'terms never decrease along the log');
    this.push(entry);
    this.storage.set(logKey(entry.index), entry);
  }

  private push(entry: Entry): void {
    this.entries.push(entry);
    if (entry.kind === 'config') this.configIndices.push(entry.index);
  }

  /** Removes entries index..last (a follower's conflicting suffix, §5.3). */
  truncateFrom(index: number): void {
    assert(index > this.snapshot.index, 'never truncate into the snapshot');
    const last = this.lastIndex;
    if (index > last) return;
    for (let i = index; i <= last; i++) this.storage.delete(logKey(i));
    this.entries.length = index - this.snapshot.index - 1;
    this.configIndices = this.configIndices.filter((i) => i < index);
    this.truncations++;
  }

  /** Compaction (§7): `snapshot` covers entries up to its index, which are dropped. */
  compact(snapshot: Snapshot): void {
    assert(snapshot.index > this.snapshot.index, 'snapshots only move forward');
    assert(snapshot.index <= this.lastIndex, 'compact only what the log holds');
    assert(this.term(snapshot.index) === snapshot.term, 'the snapshot ends at a log entry');
    for (let i = this.snapshot.index + 1; i <= snapshot.index; i++) this.storage.delete(logKey(i));
    this.entries = this.entries.slice(snapshot.index - this.snapshot.index);
    this.configIndices = this.configIndices.filter((i) => i > snapshot.index);
    this.snapshot = snapshot;
    this.storage.set(SNAPSHOT_KEY, snapshot);
  }

  /**
   * A leader's snapshot (§7, InstallSnapshot steps 6–7): if our log holds its last entry,
   * the entries after it are kept; otherwise the whole log is discarded.
   */
  install(snapshot: Snapshot): void {
    assert(snapshot.index > this.snapshot.index, 'only newer snapshots are installed');
    if (this.matchTerm(snapshot.index, snapshot.term)) {
      this.compact(snapshot);
      return;
    }
    if (this.entries.length > 0) this.truncations++;
    for (let i = this.snapshot.index + 1; i <= this.lastIndex; i++) this.storage.delete(logKey(i));
    this.entries = [];
    this.configIndices = [];
    this.snapshot = snapshot;
    this.storage.set(SNAPSHOT_KEY, snapshot);
  }

  /** The latest configuration in the log (committed or not), dissertation §4.1. */
  voters(): readonly NodeId[] {
    return this.configAt(this.lastIndex).voters;
  }

  /** The latest configuration's learners (they replicate but do not vote). */
  learners(): readonly NodeId[] {
    return this.configAt(this.lastIndex).learners;
  }

  /** The configuration in force at `index`: the last config entry at or before it. */
  configAt(index: number): Config {
    for (let k = this.configIndices.length - 1; k >= 0; k--) {
      const i = this.configIndices[k] as number;
      if (i > index) continue;
      const e = this.entry(i);
      assert(e !== undefined && e.kind === 'config', 'configIndices point at config entries');
      return { voters: e.voters, learners: e.learners ?? NONE };
    }
    return { voters: this.snapshot.voters, learners: this.snapshot.learners ?? NONE };
  }

  /** Index of the latest config entry in memory (0 when the snapshot holds the config). */
  get configIndex(): number {
    return this.configIndices.at(-1) ?? 0;
  }

  /** Conflict hint (follower): the first index of `term` at or before `index`. */
  firstIndexOfTerm(term: number, index: number): number {
    let i = index;
    while (i - 1 > this.snapshot.index && this.term(i - 1) === term) i--;
    return i;
  }

  /** Conflict hint (leader): the last index holding `term`, or 0 when the log has none. */
  lastIndexOfTerm(term: number): number {
    for (let i = this.lastIndex; i > this.snapshot.index; i--) {
      const t = this.term(i) as number;
      if (t === term) return i;
      if (t < term) return 0;
    }
    return 0;
  }
}
