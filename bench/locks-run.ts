// The two workloads of `cohort bench locks`, on any implementation reduced to Mutexes:
// - uncontended: `concurrency` workers in a closed loop of acquire → critical section →
//   release, over NAMES lock names split between the workers (each walks its own slice, so
//   no two workers ever want the same name): an operation is one cycle, its latency the
//   cycle's;
// - hot lock: `waiters` workers on ONE name, each releasing as soon as it holds: an
//   operation is one hand-off, its latency from the holder's release call to the next
//   holder's acquire answer (what a waiter pays beyond the critical section); the grants
//   per waiter show whether the lock is fair (a FIFO queue spreads them evenly; pollers let
//   the luckiest win again).
// Mutual exclusion is checked while it runs (a benchmark of a broken lock is worthless): a
// counter per name goes up on entering the critical section and down on leaving, and the
// section spans a turn of the event loop, so that a second grant of a held name — which can
// only arrive as an I/O callback — lands inside it; entering a name already entered is a
// violation, counted in the run.
//
// Fault model: a failed acquire or release counts as an error and the worker goes on (after
// a short pause, so that a dead server is not spun on).

import { sleep } from '../src/client/connection.js';
import type { Mutexes } from './locks-targets.js';
import { closedLoop, Failures, type LoopResult } from './server-loop.js';

/** The uncontended workload's lock names. */
export const NAMES = 10_000;
/** The hot lock's waiters (issue 17). */
export const HOT_LOCK_WAITERS = 16;
const ERROR_PAUSE_MS = 10;

export interface LocksLoopResult extends LoopResult {
  /** Critical sections entered while another holder of the same name was inside. */
  readonly violations: number;
  /** hot lock: the fewest and the most grants one waiter had. */
  readonly grantsMin?: number;
  readonly grantsMax?: number;
}

/** The per-name counters of the critical sections in flight. */
export class Exclusion {
  private readonly inside = new Map<string, number>();
  violations = 0;

  /** The critical section: entered, held over one turn of the event loop, left. */
  async critical(name: string): Promise<void> {
    const n = (this.inside.get(name) ?? 0) + 1;
    this.inside.set(name, n);
    if (n > 1) this.violations++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const left = (this.inside.get(name) ?? 1) - 1;
    if (left === 0) this.inside.delete(name);
    else this.inside.set(name, left);
  }
}

/** One acquire → critical section → release; the release runs even if the section throws. */
async function cycle(m: Mutexes, exclusion: Exclusion, name: string, w: number): Promise<void> {
  const release = await m.acquire(name, w);
  try {
    await exclusion.critical(name);
  } finally {
    await release();
  }
}

/** `concurrency` workers cycling over their own slices of NAMES names under `prefix`. */
export async function uncontended(
  m: Mutexes,
  prefix: string,
  concurrency: number,
  durationMs: number,
): Promise<LocksLoopResult> {
  const exclusion = new Exclusion();
  const slice = Math.max(1, Math.floor(NAMES / concurrency));
  const op = async (w: number, i: number) => {
    const name = `${prefix}/${w * slice + (i % slice)}`;
    try {
      await cycle(m, exclusion, name, w);
    } catch (error) {
      await sleep(ERROR_PAUSE_MS);
      throw error;
    }
  };
  const loop = await closedLoop(op, concurrency, durationMs);
  return { ...loop, violations: exclusion.violations };
}

/** `waiters` workers handing one lock (`name`) to each other for `durationMs`. */
export async function hotLock(
  m: Mutexes,
  name: string,
  waiters: number,
  durationMs: number,
): Promise<LocksLoopResult> {
  const exclusion = new Exclusion();
  const latencies: number[] = [];
  const failures = new Failures();
  const grants = new Array<number>(waiters).fill(0);
  /** When the last holder called release (undefined: nobody has yet). */
  let releasedAt: number | undefined;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: waiters }, async (_, w) => {
      while (performance.now() < end) {
        try {
          const release = await m.acquire(name, w);
          if (releasedAt !== undefined) latencies.push(performance.now() - releasedAt);
          grants[w] = (grants[w] ?? 0) + 1;
          try {
            await exclusion.critical(name);
          } finally {
            releasedAt = performance.now();
            await release();
          }
        } catch (error) {
          failures.add(error);
          await sleep(ERROR_PAUSE_MS);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    ops: latencies.length,
    latencies,
    seconds,
    ...failures.fields,
    violations: exclusion.violations,
    grantsMin: Math.min(...grants),
    grantsMax: Math.max(...grants),
  };
}
