// `cohort bench wal`: the write-ahead log against the raw disk in the same run. Each writer
// stores a 100-byte or 4 KiB value and waits for it to be durable, over and over:
// - Cohort: `set` then `await sync()` on WalStorage (concurrent writers share fsyncs);
// - raw disk: `write` of the same number of bytes then `datasync` on a plain file (concurrent
//   writers each fsync — what a store without group commit does).
// Reported: durable writes per second and MB/s, p50 and p99 latency, fsyncs, Cohort ÷ raw.

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { openWalStorage } from '../src/runtime/wal/index.js';
import { encodeStep } from '../src/runtime/wal/step-record.js';

export interface WalBenchRow {
  readonly recordBytes: number;
  readonly writers: number;
  readonly store: 'cohort' | 'raw';
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

async function measure(
  writers: number,
  perWriter: number,
  write: (writer: number, i: number) => Promise<void>,
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const t = performance.now();
        await write(w, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
  };
}

function row(
  recordBytes: number,
  writers: number,
  store: WalBenchRow['store'],
  r: { seconds: number; latencies: number[] },
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

async function cohort(
  dir: string,
  size: number,
  writers: number,
  perWriter: number,
): Promise<WalBenchRow> {
  const wal = await openWalStorage(join(dir, `cohort-${size}-${writers}`));
  const value = 'v'.repeat(size);
  const r = await measure(writers, perWriter, async (w, i) => {
    wal.set(`w${w}/k${i % 64}`, value);
    wal.endStep();
    await wal.sync();
  });
  const fsyncs = wal.fsyncs;
  await wal.close();
  return row(size, writers, 'cohort', r, fsyncs);
}

async function raw(
  dir: string,
  size: number,
  writers: number,
  perWriter: number,
): Promise<WalBenchRow> {
  const handle = await open(join(dir, `raw-${size}-${writers}.log`), 'a');
  const bytes = encodeStep(1, [['set', 'w0/k0', 'v'.repeat(size)]], crc32c);
  let fsyncs = 0;
  const r = await measure(writers, perWriter, async () => {
    await handle.write(bytes);
    await handle.datasync();
    fsyncs++;
  });
  await handle.close();
  return row(size, writers, 'raw', r, fsyncs);
}

export async function benchWal(
  opts: { writes?: number; onProgress?: (text: string) => void } = {},
): Promise<WalBenchRow[]> {
  const total = opts.writes ?? 2000;
  const dir = await mkdtemp(join(tmpdir(), 'cohort-bench-wal-'));
  try {
    await raw(dir, 100, 1, 200); // Warm-up: the first fsyncs of a run are slower.
    const rows: WalBenchRow[] = [];
    for (const size of SIZES) {
      for (const writers of [1, 16, 64]) {
        const perWriter = Math.max(1, Math.floor(total / writers));
        opts.onProgress?.(`bench wal: ${size} B, ${writers} writer(s), raw disk`);
        rows.push(await raw(dir, size, writers, perWriter));
        opts.onProgress?.(`bench wal: ${size} B, ${writers} writer(s), Cohort WAL`);
        rows.push(await cohort(dir, size, writers, perWriter));
      }
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
