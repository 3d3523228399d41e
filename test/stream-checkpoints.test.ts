// Exactly-once stream processing with checkpoint barriers (issue 20), real worker
// processes: with a worker SIGKILLed mid-stream, every task restores the last complete
// checkpoint, the spout rewinds to its offset, and the transactional sink's counts equal
// the single-process count — nothing lost, nothing counted twice — plain and windowed
// (with no allowed lateness: restored windows are not late for their replayed records).
// A worker killed after its snapshot for checkpoint 2 but before checkpoint 2 completed
// makes the run restore checkpoint 1, the one the durable record names. A worker that hangs
// (SIGSTOP) stalls a checkpoint past the timeout and is killed; the run is still exact. The
// checkpoint store itself ignores a partial checkpoint and refuses malformed files.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordCountLocal, writeCorpus } from '../src/compute/mapreduce/index.js';
import {
  markComplete,
  readSnapshot,
  writeSnapshot,
} from '../src/compute/stream/checkpoint-store.js';
import {
  CheckpointError,
  lastComplete,
  runStream,
  StreamError,
  type StreamHooks,
  type WindowOptions,
  windowCountLocal,
  writeTimedCorpus,
} from '../src/compute/stream/index.js';

let dir: string;
let input: string;
let timed: string;
let expected: [string, number][];
let lines: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stream-checkpoints-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 60_000, 11);
  expected = wordCountLocal(input);
  lines = fs.readFileSync(input, 'utf8').split('\n').length - 1;
  timed = path.join(dir, 'timed.txt');
  await writeTimedCorpus(input, timed, { stepMs: 10, maxDisorderMs: 300, seed: 3 });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Kills the worker the spout hands record `at` on its first emission. */
function killAt(at: number): { hooks: StreamHooks; killed: () => boolean } {
  let killed = false;
  const hooks: StreamHooks = {
    onEmit(record, attempt, pid) {
      if (record !== at || attempt !== 1 || killed) return;
      killed = true;
      process.kill(pid, 'SIGKILL');
    },
  };
  return { hooks, killed: () => killed };
}

describe('exactly-once with checkpoint barriers (real processes)', () => {
  it('a worker killed mid-stream: restored and replayed, every word counted once', async () => {
    const kill = killAt(Math.floor(lines / 2));
    const opts = { input, workers: 3, maxPending: 32, checkpointIntervalMs: 20 };
    const result = await runStream({ ...opts, delivery: 'exactly-once' }, kill.hooks);
    expect(kill.killed()).toBe(true);
    expect(result.counts).toEqual(expected);
    expect(result.stats.workerFailures).toBe(1);
    expect(result.stats.restores).toHaveLength(1);
    expect(result.stats.replayed).toBeGreaterThan(0);
    expect(result.stats.records).toBe(lines);
    // The final checkpoint at least (how many come before it depends on the machine's speed).
    expect(result.stats.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('windowed, no allowed lateness: a kill mid-stream still gives the exact windows', async () => {
    const window: WindowOptions = {
      window: { kind: 'sliding', sizeMs: 1000, slideMs: 500 },
      maxOutOfOrdernessMs: 300,
      allowedLatenessMs: 0,
    };
    const want = await windowCountLocal(timed, window);
    const kill = killAt(Math.floor(lines / 2));
    const opts = { input: timed, workers: 3, maxPending: 16, checkpointIntervalMs: 20, window };
    const result = await runStream({ ...opts, delivery: 'exactly-once' }, kill.hooks);
    expect(kill.killed()).toBe(true);
    expect(result.stats.workerFailures).toBe(1);
    expect(result.stats.replayed).toBeGreaterThan(0);
    expect(result.counts).toEqual(want);
  });

  it('a crash between a snapshot and the checkpoint completing restores the one before', async () => {
    const chk = path.join(dir, 'chk-partial');
    let seen: { task: string; file: boolean; complete: number | null } | undefined;
    const hooks: StreamHooks = {
      onSnapshot(checkpoint, task, pid) {
        if (checkpoint !== 2 || seen !== undefined) return;
        // Task `task` has its snapshot for 2 on disk; checkpoint 2 is not complete.
        const file = fs.existsSync(path.join(chk, 'chk-2', `${task}.json`));
        seen = { task, file, complete: lastComplete(chk) };
        process.kill(pid, 'SIGKILL');
      },
    };
    const opts = { input, workers: 2, maxPending: 16, checkpointIntervalMs: 10 };
    const run = { ...opts, checkpointDir: chk, delivery: 'exactly-once' as const };
    const result = await runStream(run, hooks);
    expect(seen).toMatchObject({ file: true, complete: 1 });
    expect(result.stats.restores).toEqual([1]);
    expect(result.stats.workerFailures).toBe(1);
    expect(result.counts).toEqual(expected);
    expect(lastComplete(chk)).toBeGreaterThan(2);
  });

  it('a hung worker (SIGSTOP) stalls a checkpoint: killed after the timeout, then restored', async () => {
    let stopped: number | undefined;
    const hooks: StreamHooks = {
      onEmit(record, attempt, pid) {
        if (record !== 200 || attempt !== 1 || stopped !== undefined) return;
        stopped = pid;
        process.kill(pid, 'SIGSTOP');
      },
    };
    const opts = { input, workers: 2, maxPending: 16, checkpointIntervalMs: 20, timeoutMs: 2000 };
    try {
      const result = await runStream({ ...opts, delivery: 'exactly-once' }, hooks);
      expect(stopped).toBeTypeOf('number');
      expect(result.stats.timedOut).toBeGreaterThanOrEqual(1);
      // The stopped worker, at least (a checkpoint slowed by load could time out too).
      expect(result.stats.workerFailures).toBeGreaterThanOrEqual(1);
      expect(result.counts).toEqual(expected);
    } finally {
      try {
        if (stopped !== undefined) process.kill(stopped, 'SIGKILL'); // Were the run to fail.
      } catch {}
    }
  });

  it('refuses a non-empty checkpoint directory and a bad interval', () => {
    const used = path.join(dir, 'used');
    fs.mkdirSync(used);
    fs.writeFileSync(path.join(used, 'completed.json'), '{"checkpoint":3}');
    const base = { input, workers: 1, delivery: 'exactly-once' as const };
    expect(() => runStream({ ...base, checkpointDir: used })).toThrow(/not empty/);
    expect(() => runStream({ ...base, checkpointIntervalMs: 0 })).toThrow(StreamError);
  });
});

describe('the checkpoint store', () => {
  it('names the last complete checkpoint, not a partial later one', () => {
    const store = fs.mkdtempSync(path.join(dir, 'store-'));
    expect(lastComplete(store)).toBeNull();
    writeSnapshot(store, 1, 'count#0', { a: 1 });
    markComplete(store, 1);
    writeSnapshot(store, 2, 'count#0', { a: 2 }); // Its other tasks never wrote theirs.
    expect(lastComplete(store)).toBe(1);
    expect(readSnapshot(store, 1, 'count#0')).toEqual({ a: 1 });
    expect(() => readSnapshot(store, 2, 'count#1')).toThrow(CheckpointError);
    fs.writeFileSync(path.join(store, 'chk-1', 'count#0.json'), '{"checkpoint":2}');
    expect(() => readSnapshot(store, 1, 'count#0')).toThrow(CheckpointError);
    fs.writeFileSync(path.join(store, 'completed.json'), '{"checkpoint":-1}');
    expect(() => lastComplete(store)).toThrow(CheckpointError);
    expect(fs.readdirSync(path.join(store, 'chk-1')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
