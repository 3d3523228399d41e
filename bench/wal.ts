// `cohort bench wal`: the write-ahead log against the raw disk in the same run. Each writer
// stores a 100-byte or 4 KiB value and waits for it to be durable, over and over:
// - Cohort: `set`, `endStep` then `await sync()` on WalStorage (concurrent writers share
//   fsyncs: group commit);
// - raw disk, per write: `write` of the same record then `datasync` on a plain file
//   (concurrent writers each fsync — what a store without group commit does);
// - raw disk, batched: ONE write of the whole batch then ONE `datasync`, looped — the best any
//   group commit can do with that many writers in flight, the ceiling the WAL is measured
//   against (issue 14: at least 80 % of it with 64 writers). A batch is byte for byte the
//   length of what the WAL writes in a round of one record per writer: the same keys and
//   values in the same record format, header included.
// The stores take turns in ten slices per repetition (in a changing order), so a shared disk
// whose speed drifts slows them alike; every repetition starts from new files. Reported per
// store: durable writes per second (median of the repetitions), MB/s of values, p50 and p99
// latency over all repetitions, fsyncs and records per fsync, CPU time per write and peak
// RSS; and the ratios Cohort ÷ raw per write and Cohort ÷ raw batched, as the median and the
// range of the repetitions' ratios (a ratio of one repetition compares interleaved slices).

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { encodeStep } from '../src/core/step-record.js';
import { openWalStorage } from '../src/runtime/wal/index.js';
import { percentile } from './metrics.js';

export type WalStoreName = 'cohort' | 'raw' | 'raw-batch';

export interface WalBenchRow {
  readonly recordBytes: number;
  readonly writers: number;
  readonly store: WalStoreName;
  readonly writes: number;
  /** Median over the repetitions. */
  readonly writesPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly fsyncs: number;
  /** Durable records per fsync (writes ÷ fsyncs): the size of a group commit. */
  readonly recordsPerFsync: number;
  /** Bytes on disk per write: the record with its header. */
  readonly bytesPerWrite: number;
  /** Process CPU time (user + system, all threads) per write during this store's slices. */
  readonly cpuMicrosPerWrite: number;
  /** The largest resident set size seen during this store's slices. */
  readonly peakRssMegabytes: number;
}

/** Cohort's writes/s ÷ a baseline's, one per repetition, with their median. */
export interface WalBenchRatio {
  readonly recordBytes: number;
  readonly writers: number;
  readonly baseline: Exclude<WalStoreName, 'cohort'>;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly repetitions: readonly number[];
}

export interface WalBenchReport {
  readonly repeats: number;
  readonly rows: readonly WalBenchRow[];
  readonly ratios: readonly WalBenchRatio[];
}

export const WAL_BENCH_CONFIGS: readonly { size: number; writers: number }[] = [100, 4096].flatMap(
  (size) => [1, 16, 64].map((writers) => ({ size, writers })),
);

const SLICES = 10;

const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** What one store did in one repetition: its slices' time, CPU and per-write latencies. */
interface Timing {
  seconds: number;
  /** Each slice's seconds per round. */
  readonly slices: number[];
  cpuMicros: number;
  peakRss: number;
  readonly latencies: number[];
}

const newTiming = (): Timing => ({
  seconds: 0,
  slices: [],
  cpuMicros: 0,
  peakRss: 0,
  latencies: [],
});

/** One store under test: runs a slice of rounds, counts its fsyncs, closes. */
interface Store {
  readonly name: WalStoreName;
  /** Bytes on disk per write. */
  readonly bytesPerWrite: number;
  /** `rounds` durable writes on each of the writers, starting at round `first`. */
  slice(into: Timing, first: number, rounds: number): Promise<void>;
  fsyncs(): number;
  close(): Promise<void>;
}

/** Runs `rounds` durable writes on each of `writers` concurrent writers; adds to `into`. */
async function measure(
  into: Timing,
  writers: number,
  first: number,
  rounds: number,
  write: (writer: number, i: number) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = first; i < first + rounds; i++) {
        const t = performance.now();
        await write(w, i);
        into.latencies.push(performance.now() - t);
      }
    }),
  );
}

/** The key writer `w` sets in its `i`-th write: 64 keys each, overwritten in turn. */
const keyOf = (w: number, i: number) => `w${w}/k${i % 64}`;

const cohort: MakeStore = async (file, size, writers, plan) => {
  const wal = await openWalStorage(file);
  const value = 'v'.repeat(size);
  return {
    name: 'cohort',
    // The WAL's records are those of the raw stores (only sequence numbers and CRCs differ).
    bytesPerWrite: (plan[63] as Round).batch.length / writers,
    slice: (into, first, n) =>
      measure(into, writers, first, n, (w, i) => {
        wal.set(keyOf(w, i), value);
        wal.endStep();
        return wal.sync();
      }),
    fsyncs: () => wal.fsyncs,
    close: () => wal.close(),
  };
};

/**
 * What the WAL appends in round `i` (keys repeat every 64 rounds): one record per writer, of
 * one step of one `set`, all in one buffer; `records[w]` is writer w's.
 */
interface Round {
  readonly batch: Buffer;
  readonly records: readonly Buffer[];
}

/** The 64 distinct rounds, made before the run (the raw stores do no work between fsyncs). */
function roundsOf(size: number, writers: number): Round[] {
  const value = 'v'.repeat(size);
  return Array.from({ length: 64 }, (_, i) => {
    const parts = Array.from({ length: writers }, (_, w) =>
      encodeStep(i + 1, [['set', keyOf(w, i), value]], crc32c),
    );
    const batch = Buffer.concat(parts);
    let at = 0;
    const records = parts.map((p) => {
      at += p.length;
      return batch.subarray(at - p.length, at);
    });
    return { batch, records };
  });
}

type MakeStore = (file: string, size: number, writers: number, plan: Round[]) => Promise<Store>;

const raw: MakeStore = async (file, _size, writers, plan) => {
  const handle = await open(file, 'a');
  let fsyncs = 0;
  return {
    name: 'raw',
    bytesPerWrite: (plan[63] as Round).batch.length / writers,
    slice: (into, first, n) =>
      measure(into, writers, first, n, async (w, i) => {
        await handle.write((plan[i % 64] as Round).records[w] as Buffer);
        await handle.datasync();
        fsyncs++;
      }),
    fsyncs: () => fsyncs,
    close: () => handle.close(),
  };
};

/** One write of the round's `writers` records and one datasync per round. */
const rawBatch: MakeStore = async (file, _size, writers, plan) => {
  const handle = await open(file, 'a');
  const batches = plan.map((r) => r.batch);
  let fsyncs = 0;
  return {
    name: 'raw-batch',
    bytesPerWrite: (batches[63] as Buffer).length / writers,
    async slice(into, first, n) {
      for (let i = first; i < first + n; i++) {
        const t = performance.now();
        await handle.write(batches[i % 64] as Buffer);
        await handle.datasync();
        fsyncs++;
        // Every record of the batch waited the whole round.
        const ms = performance.now() - t;
        for (let w = 0; w < writers; w++) into.latencies.push(ms);
      }
    },
    fsyncs: () => fsyncs,
    close: () => handle.close(),
  };
};

/** Runs one slice of `store`, adding its time, CPU and peak RSS to `into`. */
async function timedSlice(store: Store, into: Timing, first: number, rounds: number) {
  const sampleRss = () => {
    into.peakRss = Math.max(into.peakRss, process.memoryUsage.rss());
  };
  const sampler = setInterval(sampleRss, 20);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await store.slice(into, first, rounds);
  } finally {
    const seconds = (performance.now() - started) / 1000;
    into.seconds += seconds;
    into.slices.push(seconds / rounds);
    const used = process.cpuUsage(cpu);
    into.cpuMicros += used.user + used.system;
    clearInterval(sampler);
    sampleRss();
  }
}

/**
 * One repetition: the stores take turns in SLICES slices, so that each sees the disk as the
 * others do (a shared disk's speed drifts). The order rotates, and every other slice runs it
 * backwards, so no store always follows the same one (the per-write store leaves the disk
 * busiest).
 */
async function repetition(stores: readonly Store[], rounds: number): Promise<Timing[]> {
  const timings = stores.map(newTiming);
  try {
    const slices = Math.min(rounds, SLICES);
    for (let k = 0; k < slices; k++) {
      const first = Math.floor((rounds * k) / slices);
      const n = Math.floor((rounds * (k + 1)) / slices) - first;
      for (let j = 0; j < stores.length; j++) {
        const turn = (j + (k >> 1)) % stores.length;
        const i = k % 2 === 0 ? turn : stores.length - 1 - turn;
        await timedSlice(stores[i] as Store, timings[i] as Timing, first, n);
      }
    }
  } finally {
    for (const store of stores) await store.close();
  }
  return timings;
}

const STORES: readonly (readonly [WalStoreName, MakeStore])[] = [
  ['raw', raw],
  ['raw-batch', rawBatch],
  ['cohort', cohort],
];

/** Every repetition of one configuration: its rows and Cohort's ratios. */
async function configuration(
  dir: string,
  c: { size: number; writers: number; rounds: number; repeats: number },
): Promise<{ rows: WalBenchRow[]; ratios: WalBenchRatio[] }> {
  const runs: { timings: Timing[]; fsyncs: number[]; bytesPerWrite: number[] }[] = [];
  const plan = roundsOf(c.size, c.writers);
  for (let r = 0; r < c.repeats; r++) {
    const stores: Store[] = [];
    for (const [name, make] of STORES) {
      const file = join(dir, `${name}-${c.size}-${c.writers}-${r}`);
      stores.push(await make(file, c.size, c.writers, plan));
    }
    const timings = await repetition(stores, c.rounds);
    runs.push({
      timings,
      fsyncs: stores.map((s) => s.fsyncs()),
      bytesPerWrite: stores.map((s) => s.bytesPerWrite),
    });
  }
  const perSecond = (t: Timing) => t.latencies.length / t.seconds;
  const rows = STORES.map(([name], i): WalBenchRow => {
    const ts = runs.map((run) => run.timings[i] as Timing);
    const writes = ts.reduce((n, t) => n + t.latencies.length, 0);
    const fsyncs = runs.reduce((n, run) => n + (run.fsyncs[i] ?? 0), 0);
    const latencies = ts.flatMap((t) => t.latencies).sort((a, b) => a - b);
    const writesPerSecond = median(ts.map(perSecond));
    return {
      recordBytes: c.size,
      writers: c.writers,
      store: name,
      writes,
      writesPerSecond: Math.round(writesPerSecond),
      megabytesPerSecond: round((writesPerSecond * c.size) / 1e6, 2),
      p50Ms: round(percentile(latencies, 50), 3),
      p99Ms: round(percentile(latencies, 99), 3),
      fsyncs,
      recordsPerFsync: round(writes / fsyncs, 1),
      bytesPerWrite: round(runs[0]?.bytesPerWrite[i] ?? 0, 1),
      cpuMicrosPerWrite: round(ts.reduce((n, t) => n + t.cpuMicros, 0) / writes, 2),
      peakRssMegabytes: round(Math.max(...ts.map((t) => t.peakRss)) / 2 ** 20, 1),
    };
  });
  const cohortAt = STORES.findIndex(([name]) => name === 'cohort');
  const ratios = (['raw', 'raw-batch'] as const).map((baseline): WalBenchRatio => {
    const b = STORES.findIndex(([name]) => name === baseline);
    const repetitions = runs.map((run) =>
      round(perSecond(run.timings[cohortAt] as Timing) / perSecond(run.timings[b] as Timing), 3),
    );
    return {
      recordBytes: c.size,
      writers: c.writers,
      baseline,
      median: median(repetitions),
      min: Math.min(...repetitions),
      max: Math.max(...repetitions),
      repetitions,
    };
  });
  return { rows, ratios };
}

export async function benchWal(
  opts: {
    writes?: number;
    repeats?: number;
    configs?: readonly { size: number; writers: number }[];
    onProgress?: (text: string) => void;
  } = {},
): Promise<WalBenchReport> {
  const total = opts.writes ?? 2000;
  const repeats = opts.repeats ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'cohort-bench-wal-'));
  try {
    // Warm-up (discarded): the first fsyncs of a run are slower, and the code is not yet
    // compiled.
    await configuration(dir, { size: 4096, writers: 16, rounds: 20, repeats: 1 });
    const rows: WalBenchRow[] = [];
    const ratios: WalBenchRatio[] = [];
    for (const { size, writers } of opts.configs ?? WAL_BENCH_CONFIGS) {
      opts.onProgress?.(`bench wal: ${size} B, ${writers} writer(s), ${repeats} repetitions`);
      const rounds = Math.max(1, Math.floor(total / writers));
      const one = await configuration(dir, { size, writers, rounds, repeats });
      rows.push(...one.rows);
      ratios.push(...one.ratios);
    }
    return { repeats, rows, ratios };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
