// etcd's auto-compaction (--auto-compaction-retention, --auto-compaction-mode), as etcd v3.4's
// v3compactor runs it, on the leader only (other members keep sampling, so a new leader
// compacts on schedule):
//   periodic — keep `retention` of history: every tenth of min(retention, 1 h) sample the
//     revision; once `retention` has passed since the last compaction (then every
//     min(retention, 1 h)), compact to the revision sampled `retention` ago.
//   revision — every 5 minutes compact to (current revision − retention), unless that is not
//     positive or was compacted to last time.
// A compaction that finds the revision already compacted counts as done, as in etcd.
//
// Fault model: a compaction proposal may fail (leadership moved, timeout): it is tried again
// at the next tick; ticks never overlap (a tick while one is in flight is skipped).

import { EtcdError } from './errors.js';

export type AutoCompaction =
  | { readonly mode: 'periodic'; readonly retentionMs: number }
  | { readonly mode: 'revision'; readonly revisions: number };

export interface CompactorHost {
  /** The store's current revision on this member. */
  revision(): number;
  isLeader(): boolean;
  /** Proposes a compaction (rejects with etcd's error). */
  compact(revision: number): Promise<unknown>;
  now(): number;
}

const HOUR_MS = 3_600_000;
/** etcd's revInterval: revision mode looks every 5 minutes. */
export const REVISION_MODE_TICK_MS = 5 * 60_000;

/** Whether a failed compaction still moves the schedule on (the revision was compacted). */
function alreadyCompacted(error: unknown): boolean {
  return error instanceof EtcdError && error.kind === 'compacted';
}

export interface Compactor {
  /** How often `tick` runs. */
  readonly tickMs: number;
  /** One step of the schedule (called every tickMs). */
  tick(): Promise<void>;
}

/** etcd's Periodic compactor (v3compactor/periodic.go). */
export class PeriodicCompactor implements Compactor {
  readonly tickMs: number;
  private readonly compactIntervalMs: number;
  private readonly retentions: number;
  private readonly revs: number[] = [];
  private lastSuccessMs: number;
  private baseIntervalMs: number;

  constructor(
    periodMs: number,
    private readonly host: CompactorHost,
  ) {
    this.compactIntervalMs = Math.min(periodMs, HOUR_MS);
    this.tickMs = this.compactIntervalMs / 10;
    this.retentions = Math.floor(periodMs / this.tickMs) + 1;
    this.lastSuccessMs = host.now();
    this.baseIntervalMs = periodMs;
    this.sample();
  }

  async tick(): Promise<void> {
    try {
      if (!this.host.isLeader()) return;
      if (this.host.now() - this.lastSuccessMs < this.baseIntervalMs) return;
      this.baseIntervalMs = this.compactIntervalMs;
      const revision = this.revs[0] as number;
      try {
        await this.host.compact(revision);
        this.lastSuccessMs = this.host.now();
      } catch (error) {
        if (alreadyCompacted(error)) this.lastSuccessMs = this.host.now();
      }
    } finally {
      this.sample();
    }
  }

  /** revs[0] is always the revision about `period` ago. */
  private sample(): void {
    this.revs.push(this.host.revision());
    if (this.revs.length > this.retentions) this.revs.shift();
  }
}

/** etcd's Revision compactor (v3compactor/revision.go). */
export class RevisionCompactor implements Compactor {
  private previous = 0;

  constructor(
    private readonly retention: number,
    private readonly host: CompactorHost,
    readonly tickMs = REVISION_MODE_TICK_MS,
  ) {}

  async tick(): Promise<void> {
    if (!this.host.isLeader()) return;
    const revision = this.host.revision() - this.retention;
    if (revision <= 0 || revision === this.previous) return;
    try {
      await this.host.compact(revision);
      this.previous = revision;
    } catch (error) {
      if (alreadyCompacted(error)) this.previous = revision;
    }
  }
}

/** Runs `config`'s compactor on a timer; undefined when auto-compaction is off (0). */
export function startCompactor(
  config: AutoCompaction,
  host: CompactorHost,
): { stop(): void } | undefined {
  const retention = config.mode === 'periodic' ? config.retentionMs : config.revisions;
  if (retention <= 0) return undefined;
  const compactor: Compactor =
    config.mode === 'periodic'
      ? new PeriodicCompactor(config.retentionMs, host)
      : new RevisionCompactor(config.revisions, host);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    compactor.tick().finally(() => {
      running = false;
    });
  }, compactor.tickMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
