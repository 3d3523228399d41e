// `cohort bench compute` (issue 20). Word count over one generated corpus (compute-corpus.ts:
// Zipf-distributed words, `sizeMb` MB, written once per run into a temporary directory), by:
//   - node: a single-process Node count — the file read in line-aligned chunks, each chunk
//     counted by the same word-count job the MapReduce workers run, the counts merged;
//   - mapreduce at 1, 2 and 4 worker processes (src/compute/mapreduce, default splits);
//   - sort: `tr -s ' ' '\n' < file | sort | uniq -c` with LC_ALL=C, the shell's own answer.
// Each row: wall time, MB/s, the ratio of its time to node's, CPU of every process it ran and
// its peak resident memory (compute-measure.ts), the fastest of `repeats` runs (the
// machine is shared: the least disturbed run is the truest). Every answer must equal node's exactly —
// every word, every count; a difference is reported and fails the benchmark.
//
// Stream: records/s and end-to-end latency p50/p99 through the 3-stage topology spout →
// split → count (src/compute/stream), over the first `streamRecords` lines of the corpus:
// at-least-once (latency: spout emit → tuple tree complete) and exactly-once with checkpoint
// barriers every STREAM_CHECKPOINT_MS (latency: spout emit → the checkpoint that commits
// the record's writes to the transactional sink, so it includes the wait for that one).
//
// Fault model: none injected — this measures the fault-free path. A run that throws fails
// the benchmark; the temporary directory is removed however the run ends.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMapReduce } from '../src/compute/mapreduce/index.js';
import { wordCount } from '../src/compute/mapreduce/jobs.js';
import { runStream } from '../src/compute/stream/index.js';
import { writeZipfCorpus } from './compute-corpus.js';
import { bestOf, type Measured } from './compute-measure.js';

export interface ComputeBenchOptions {
  readonly sizeMb: number;
  readonly workers?: readonly number[];
  readonly streamRecords?: number;
  /** Runs per word counter; the fastest is reported (1 by default). */
  readonly repeats?: number;
  readonly onProgress?: (text: string) => void;
}

export type Counter = 'node' | 'mapreduce' | 'sort';

export interface WordCountRow {
  readonly counter: Counter;
  /** MapReduce's worker processes; 1 for node; undefined for sort (it picks its own). */
  readonly workers: number | undefined;
  readonly wallMs: number;
  readonly megabytesPerSecond: number;
  /** This row's wall time over node's: below 1 is faster. */
  readonly ratioToNode: number;
  readonly cpuMs: number | undefined;
  readonly peakRssMegabytes: number | undefined;
  readonly words: number;
  readonly distinct: number;
  /** Every word's count equals node's. */
  readonly agrees: boolean;
}

export interface StreamRow {
  readonly delivery: 'at-least-once' | 'exactly-once';
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly wallMs: number;
  /** The sink's counts equal the single-process count of the same lines. */
  readonly exact: boolean;
  /** Words the sink under-counted (never allowed, at either delivery). */
  readonly missing: number;
}

export interface ComputeBenchReport {
  readonly sizeMb: number;
  readonly repeats: number;
  readonly corpusBytes: number;
  readonly generateMs: number;
  readonly cpus: number;
  readonly wordCount: readonly WordCountRow[];
  /** The goal: MapReduce within 1.3× of node, at each worker count. */
  readonly goal: {
    readonly target: number;
    readonly ratios: readonly { readonly workers: number; readonly ratio: number }[];
    readonly met: boolean;
  };
  readonly stream: readonly StreamRow[];
  /** What disagreed with node's count: empty when every answer is exact. */
  readonly mismatches: readonly string[];
}

const CHUNK_BYTES = 16 * 1024 * 1024;
const GOAL_RATIO = 1.3;

type Counts = Map<string, number>;

/** The single-process count: line-aligned chunks, each counted by the job, merged. */
async function nodeWordCount(file: string): Promise<Counts> {
  const total: Counts = new Map();
  const handle = await fs.promises.open(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    const buf = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null);
      const data = Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      const end = bytesRead === 0 ? data.length : data.lastIndexOf(0x0a) + 1;
      for (const [w, n] of wordCount.map(data.toString('utf8', 0, end)))
        total.set(w, (total.get(w) ?? 0) + n);
      carry = Buffer.from(data.subarray(end));
      if (bytesRead === 0) return total;
    }
  } finally {
    await handle.close();
  }
}

/** `tr | sort | uniq -c` in the C locale, its output parsed into counts. */
function sortUniqCount(file: string, tmp: string): Promise<Counts> {
  const script = `tr -s ' ' '\\n' < "$1" | sort -T "$2" | uniq -c`;
  const child = spawn('sh', ['-c', script, 'sh', file, tmp], {
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`sort | uniq -c exited with ${code}: ${err}`));
      const counts: Counts = new Map();
      for (const line of out.split('\n')) {
        const m = /^\s*(\d+) (.*)$/.exec(line);
        if (m !== null) counts.set(m[2] as string, Number(m[1]));
      }
      resolve(counts);
    });
  });
}

/** Where `got` differs from `want`, in a few words (empty when equal). */
function differences(what: string, want: Counts, got: Counts): string[] {
  const out: string[] = [];
  for (const [w, n] of want)
    if (got.get(w) !== n) out.push(`${what}: '${w}' ${got.get(w) ?? 'missing'}, node ${n}`);
  for (const w of got.keys()) if (!want.has(w)) out.push(`${what}: '${w}' not in node's count`);
  return out.slice(0, 5);
}

function rowOf(
  counter: Counter,
  workers: number | undefined,
  m: Measured<Counts>,
  sizeMb: number,
  nodeMs: number,
  agrees: boolean,
): WordCountRow {
  let words = 0;
  for (const n of m.value.values()) words += n;
  return {
    counter,
    workers,
    wallMs: m.wallMs,
    megabytesPerSecond: Math.round((sizeMb * 1000 * 10) / Math.max(1, m.wallMs)) / 10,
    ratioToNode: Math.round((m.wallMs / Math.max(1, nodeMs)) * 100) / 100,
    cpuMs: m.cpuMs,
    peakRssMegabytes: m.peakRssMegabytes,
    words,
    distinct: m.value.size,
    agrees,
  };
}

/** The first `records` lines of `file` (with their newlines). */
function firstLines(file: string, records: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    let text = '';
    let lines = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return text;
      const chunk = buf.toString('latin1', 0, n);
      for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', at + 1))
        if (++lines === records) return text + chunk.slice(0, at + 1);
      text += chunk;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Exactly-once's checkpoint interval (the run's default). */
const STREAM_CHECKPOINT_MS = 200;

async function streamRows(
  corpus: string,
  dir: string,
  records: number,
  onProgress: (text: string) => void,
): Promise<StreamRow[]> {
  const text = firstLines(corpus, records);
  const input = path.join(dir, 'stream.txt');
  fs.writeFileSync(input, text, 'latin1');
  const want = new Map<string, number>();
  for (const [w, n] of wordCount.map(text)) want.set(w, n);
  const rows: StreamRow[] = [];
  for (const delivery of ['at-least-once', 'exactly-once'] as const) {
    onProgress(`stream, ${delivery}: ${records} records`);
    const r = await runStream({
      input,
      workers: 2,
      delivery,
      checkpointIntervalMs: STREAM_CHECKPOINT_MS,
    });
    const got = new Map(r.counts);
    rows.push({
      delivery,
      records: r.stats.records,
      recordsPerSecond: Math.round((r.stats.records * 1000) / Math.max(1, r.timings.totalMs)),
      p50Ms: r.timings.p50Ms,
      p99Ms: r.timings.p99Ms,
      wallMs: r.timings.totalMs,
      exact: differences('stream', want, got).length === 0,
      // At-least-once may count a replayed record twice; it may never lose one.
      missing: [...want].filter(([w, n]) => (got.get(w) ?? 0) < n).length,
    });
  }
  return rows;
}

export async function benchCompute(opts: ComputeBenchOptions): Promise<ComputeBenchReport> {
  const say = opts.onProgress ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-compute-'));
  try {
    const corpus = path.join(dir, 'corpus.txt');
    say(`generating a ${opts.sizeMb} MB corpus`);
    const generated = performance.now();
    writeZipfCorpus(corpus, opts.sizeMb * 1024 * 1024);
    const generateMs = Math.round(performance.now() - generated);
    const sizeMb = fs.statSync(corpus).size / (1024 * 1024);
    say('node: single-process word count');
    const repeats = opts.repeats ?? 1;
    const node = await bestOf(repeats, () => nodeWordCount(corpus));
    const rows = [rowOf('node', 1, node, sizeMb, node.wallMs, true)];
    const mismatches: string[] = [];
    const check = (what: string, m: Measured<Counts>) => {
      const diff = differences(what, node.value, m.value);
      mismatches.push(...diff);
      return diff.length === 0;
    };
    for (const workers of opts.workers ?? [1, 2, 4]) {
      say(`mapreduce: ${workers} worker processes`);
      const m = await bestOf(repeats, async () => {
        const r = await runMapReduce({
          input: corpus,
          workers,
          workDir: path.join(dir, `mr${workers}`),
        });
        return new Map(r.output as [string, number][]);
      });
      const ok = check(`mapreduce ×${workers}`, m);
      rows.push(rowOf('mapreduce', workers, m, sizeMb, node.wallMs, ok));
    }
    say('sort | uniq -c');
    const sorted = await bestOf(repeats, () => sortUniqCount(corpus, dir));
    rows.push(
      rowOf('sort', undefined, sorted, sizeMb, node.wallMs, check('sort | uniq -c', sorted)),
    );
    const stream = await streamRows(corpus, dir, opts.streamRecords ?? 5000, say);
    for (const s of stream) {
      if (s.missing > 0) mismatches.push(`stream ${s.delivery}: ${s.missing} words under-counted`);
      else if (!s.exact && s.delivery === 'exactly-once')
        mismatches.push('stream exactly-once: a word counted twice');
    }
    const ratios = rows
      .filter((r) => r.counter === 'mapreduce')
      .map((r) => ({ workers: r.workers as number, ratio: r.ratioToNode }));
    return {
      sizeMb: Math.round(sizeMb * 10) / 10,
      repeats,
      corpusBytes: fs.statSync(corpus).size,
      generateMs,
      cpus: os.availableParallelism(),
      wordCount: rows,
      goal: { target: GOAL_RATIO, ratios, met: ratios.every((r) => r.ratio <= GOAL_RATIO) },
      stream,
      mismatches,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
