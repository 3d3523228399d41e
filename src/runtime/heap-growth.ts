// Keeps a server process's garbage collector from marking all the time while its heap is
// small.
//
// After each full GC, V8 sets the old generation's next limit at the live size times a factor
// it derives from how long its main thread spent in GC. A process that streams many
// short-lived buffers (the broker delivering 4 KiB records: about 2.5 KB of heap and 12 KB of
// buffers per message) keeps its main-thread GC time low, so V8 picks its smallest factor. On a
// heap of tens of MiB that leaves less headroom than the young generation's capacity, and V8
// starts the next incremental marking as soon as a full GC ends: measured in `cohort broker`
// (--trace-gc), a full GC every 30–40 ms and a quarter of its CPU in the collector, the
// concurrent marking threads taking a core from everything else on a small machine.
// `node --initial-old-space-size=64` avoids it, but a flag at start cannot be set from here;
// V8 reads `--heap-growing-percent` at every full GC, so it can.
//
// While the heap is below SMALL_HEAP_BYTES the factor is 4 (so at most 4 × a small live heap),
// and from there on V8's own: the headroom of a large heap already exceeds the young
// generation, and 4 × a large heap would be too much memory. Checked once a second.
//
// Fault model: none (a process-wide V8 setting; only server commands call this).

import v8 from 'node:v8';

const SMALL_HEAP_BYTES = 64 * 1024 * 1024;
const SMALL_HEAP_GROWING_PERCENT = 300;
const CHECK_EVERY_MS = 1000;

let running: ReturnType<typeof setInterval> | undefined;

/** Starts the adjustment for this process (idempotent); returns how to stop it. */
export function tuneHeapGrowth(): () => void {
  if (running === undefined) {
    let small: boolean | undefined;
    const check = (): void => {
      const isSmall = v8.getHeapStatistics().used_heap_size < SMALL_HEAP_BYTES;
      if (isSmall === small) return;
      small = isSmall;
      v8.setFlagsFromString(`--heap-growing-percent=${isSmall ? SMALL_HEAP_GROWING_PERCENT : 0}`);
    };
    check();
    running = setInterval(check, CHECK_EVERY_MS);
    running.unref();
  }
  return () => {
    if (running === undefined) return;
    clearInterval(running);
    running = undefined;
    v8.setFlagsFromString('--heap-growing-percent=0');
  };
}
