// What one measurement of `cohort bench server` yields, and the closed loop that makes most
// of them: `concurrency` callers each send one request, wait for its answer and send the
// next, until `durationMs` has passed. Failed requests are counted, not retried.

export interface LoopResult {
  /** Operations completed (a watch fan-out counts writes, not events). */
  readonly ops: number;
  /** Milliseconds per completed operation (a fan-out: per delivered event). */
  readonly latencies: number[];
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
}

/** Counts failures and keeps the first message. */
export class Failures {
  count = 0;
  first: string | undefined;

  add(error: unknown): void {
    this.count++;
    this.first ??= describe(error);
  }

  get fields(): { errors: number; firstError?: string } {
    return { errors: this.count, ...(this.first !== undefined && { firstError: this.first }) };
  }
}

/** An error's message followed by its causes' ("release failed: … ← UNAVAILABLE: …"). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e !== undefined && parts.length < 4; ) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' ← ');
}

/** `concurrency` callers in a closed loop for `durationMs`. */
export async function closedLoop(
  op: (w: number, i: number) => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const failures = new Failures();
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        try {
          await op(w, i);
          latencies.push(performance.now() - t);
        } catch (error) {
          failures.add(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ops: latencies.length, latencies, seconds, ...failures.fields };
}
