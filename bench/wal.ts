// `cohort bench wal`: the write-ahead log against the raw disk in the same run. Each writer
// stores a 100-byte or 4 KiB value and waits for it to be durable, over and over:
// - Cohort: `set`, `endStep` then `await sync()` on WalStorage (concurrent writers share
//   fsyncs: group commit);
// - raw disk, per write: `write` of the same record then `datasync` on a plain file
//   (concurrent writers each fsync — what a store without group commit does);
// - raw disk, batched: ONE write of the whole batch (writers × record bytes) then ONE
//   `datasync`, looped — the best any group commit can do with that many writers in flight,
//   the ceiling the WAL is measured against (issue 14: at least 80 % of it with 64 writers).
// The three take turns in ten slices per configuration, so a shared disk whose speed drifts
// during the run slows them alike. Reported: durable writes per second and MB/s, p50 and
// p99 latency, fsyncs, Cohort ÷ raw per write and Cohort ÷ raw batched.

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { encodeStep } from '../src/core/step-record.js';
import { openWalStorage } from '../src/runtime/wal/index.js';

export interface WalBenchRow {
  readonly recordBytes: number;
  readonly writers: number;
  readonly store: 'cohort' | 'raw' | 'raw-batch';
  readonly writes: number;
  readonly writesPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly fsyncs: number;
}

const SIZES = [100, 4096];

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? 0) * 1000) / 1000;
}

/** Time and per-write latencies of some slices of one store's run. */
interface Timing {
  seconds: number;
  readonly latencies: number[];
}

/** Runs `perWriter` durable writes on each of `writers` concurrent writers; adds to `into`. */
async function measure(
  into: Timing,
  writers: number,
  perWriter: number,
  write: (writer: number, i: number) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const t = performance.now();
        await write(w, i);
        into.latencies.push(performance.now() - t);
      }
    }),
  );
  into.seconds += (performance.now() - started) / 1000;
}

function row(
  recordBytes: number,
  writers: number,
  store: WalBenchRow['store'],
  r: Timing,
  fsyncs: number,
): WalBenchRow {
  const perSecond = r.latencies.length / r.seconds;
  return {
    recordBytes,
    writers,
    store,
    writes: r.latencies.length,
    writesPerSecond: Math.round(perSecond),
    megabytesPerSecond: Math.round(((perSecond * recordBytes) / 1e6) * 100) / 100,
    p50Ms: percentile(r.latencies, 50),
    p99Ms: percentile(r.latencies, 99),
    fsyncs,
  };
}

/** One store under test: runs a slice of writes, counts its fsyncs, closes. */
interface Store {
  readonly name: WalBenchRow['store'];
  slice(into: Timing, writers: number, perWriter: number): Promise<void>;
  fsyncs(): number;
  close(): Promise<void>;
}

async function cohort(dir: string, size: number, writers: number): Promise<Store> {
  const wal = await openWalStorage(join(dir, `cohort-${size}-${writers}`));
  const value = 'v'.repeat(size);
  return {
    name: 'cohort',
    slice: (into, writers, perWriter) =>
      measure(into, writers, perWriter, async (w, i) => {
        wal.set(`w${w}/k${i % 64}`, value);
        wal.endStep();
        await wal.sync();
      }),
    fsyncs: () => wal.fsyncs,
    close: () => wal.close(),
  };
}

/** What the WAL appends for one write: the record of a step of one `set`. */
const recordOf = (size: number) => encodeStep(1, [['set', 'w0/k0', 'v'.repeat(size)]], crc32c);

async function raw(dir: string, size: number, writers: number): Promise<Store> {
  const handle = await open(join(dir, `raw-${size}-${writers}.log`), 'a');
  const bytes = recordOf(size);
  let fsyncs = 0;
  return {
    name: 'raw',
    slice: (into, writers, perWriter) =>
      measure(into, writers, perWriter, async () => {
        await handle.write(bytes);
        await handle.datasync();
        fsyncs++;
      }),
    fsyncs: () => fsyncs,
    close: () => handle.close(),
  };
}

/** One write of `writers` records and one datasync per round, `perWriter` rounds. */
async function rawBatch(dir: string, size: number, writers: number): Promise<Store> {
  const handle = await open(join(dir, `raw-batch-${size}-${writers}.log`), 'a');
  const record = recordOf(size);
  const batch = Buffer.concat(Array.from({ length: writers }, () => record));
  let fsyncs = 0;
  return {
    name: 'raw-batch',
    async slice(into, writers, perWriter) {
      const started = performance.now();
      for (let i = 0; i < perWriter; i++) {
        const t = performance.now();
        await handle.write(batch);
        await handle.datasync();
        fsyncs++;
        // Every record of the batch waited the whole round.
        const ms = performance.now() - t;
        for (let w = 0; w < writers; w++) into.latencies.push(ms);
      }
      into.seconds += (performance.now() - started) / 1000;
    },
    fsyncs: () => fsyncs,
    close: () => handle.close(),
  };
}

/**
 * The stores take turns in `slices` slices, so that each sees the disk as the others do (a
 * shared disk's speed drifts during a run); their rows sum their own slices.
 */
async function compare(
  stores: readonly Store[],
  size: number,
  writers: number,
  perWriter: number,
  slices: number,
): Promise<WalBenchRow[]> {
  const timings = stores.map((): Timing => ({ seconds: 0, latencies: [] }));
  for (let k = 0; k < slices; k++) {
    const n = Math.floor((perWriter * (k + 1)) / slices) - Math.floor((perWriter * k) / slices);
    for (const [i, store] of stores.entries()) await store.slice(timings[i] as Timing, writers, n);
  }
  for (const store of stores) await store.close();
  return stores.map((store, i) => {
    const t = timings[i] as Timing;
    t.latencies.sort((a, b) => a - b);
    return row(size, writers, store.name, t, store.fsyncs());
  });
}

export async function benchWal(
  opts: { writes?: number; onProgress?: (text: string) => void } = {},
): Promise<WalBenchRow[]> {
  const total = opts.writes ?? 2000;
  const dir = await mkdtemp(join(tmpdir(), 'cohort-bench-wal-'));
  try {
    // Warm-up: the first fsyncs of a run are slower.
    await compare([await raw(dir, 100, 1)], 100, 1, 200, 1);
    const rows: WalBenchRow[] = [];
    for (const size of SIZES) {
      for (const writers of [1, 16, 64]) {
        const perWriter = Math.max(1, Math.floor(total / writers));
        opts.onProgress?.(`bench wal: ${size} B, ${writers} writer(s)`);
        const stores = [
          await raw(dir, size, writers),
          await rawBatch(dir, size, writers),
          await cohort(dir, size, writers),
        ];
        rows.push(...(await compare(stores, size, writers, perWriter, Math.min(perWriter, 10))));
      }
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
