// The exactly-once stream's transactional sink (issue 20), the two-phase-commit sink of
// Flink's exactly-once pipelines: a task's writes are staged under their epoch — the last
// checkpoint the task had passed when it wrote them — and become visible in the store
// (the CountSink and WindowSink of sink.ts, standing for an external database) only when a
// later checkpoint completes, because only then are the inputs that produced them never
// going to be replayed. A recovery aborts every staged write: they all came from after the
// checkpoint being restored, and the replay from its offsets writes them again.
//
// Fault model: the master that holds it is the job; the workers may die at any moment, and
// what they wrote before the restore that answers their death never reaches the store
// (checkpointed-run.ts drops their messages by generation; `abort` drops what was staged).

import { CountSink, WindowSink } from './sink.js';
import type { SinkWrite, WindowWrite } from './topology.js';

interface Staged {
  readonly writes: SinkWrite[];
  readonly firings: WindowWrite[];
}

export class EpochSink {
  readonly counts = new CountSink('at-least-once');
  readonly windows = new WindowSink();
  private readonly staged = new Map<number, Staged>();
  /** Writes and firings made visible, and dropped by aborts. */
  committed = 0;
  aborted = 0;

  private stage(epoch: number): Staged {
    let s = this.staged.get(epoch);
    if (s === undefined) {
      s = { writes: [], firings: [] };
      this.staged.set(epoch, s);
    }
    return s;
  }

  write(epoch: number, w: SinkWrite): void {
    this.stage(epoch).writes.push(w);
  }

  fire(epoch: number, f: WindowWrite): void {
    this.stage(epoch).firings.push(f);
  }

  /** Checkpoint `n` completed: every epoch before it is applied, oldest first. */
  commit(n: number): void {
    const ready = [...this.staged.keys()].filter((e) => e < n).sort((a, b) => a - b);
    for (const epoch of ready) {
      const s = this.staged.get(epoch) as Staged;
      this.staged.delete(epoch);
      // An epoch's writes are applied in the order they arrived: a (window, word)'s late
      // firing comes after its first, from the one task that owns the word.
      for (const w of s.writes) this.counts.write(w, true);
      for (const f of s.firings) this.windows.fire(f);
      this.committed += s.writes.length + s.firings.length;
    }
  }

  /** A recovery: nothing staged will be committed. */
  abort(): void {
    for (const s of this.staged.values()) this.aborted += s.writes.length + s.firings.length;
    this.staged.clear();
  }
}
