// Event-time windows in the real multi-process topology (issue 20): a timestamped corpus
// with bounded disorder streams through split and window-count bolt tasks on forked
// workers, and the sink's (window, word) counts are compared with one EventTimeWindows
// over the same records in one process. With a worker SIGKILLed mid-stream (as the spout
// hands it a record) the trees whose acks its window tasks held are replayed into the
// replacement: at-least-once never under-counts; the idempotent delivery (ids counted once
// per window) and exactly-once (checkpoint rollback) equal the single-process answer.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../src/compute/mapreduce/index.js';
import {
  type Delivery,
  runStream,
  StreamError,
  type StreamHooks,
  StreamRecordError,
  type WindowOptions,
  windowCountLocal,
  writeTimedCorpus,
} from '../src/compute/stream/index.js';

let dir: string;
let input: string;
let records: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stream-windows-'));
  const plain = path.join(dir, 'plain.txt');
  input = path.join(dir, 'timed.txt');
  writeCorpus(plain, 40_000, 5);
  await writeTimedCorpus(plain, input, { stepMs: 10, maxDisorderMs: 300, seed: 3 });
  records = fs.readFileSync(input, 'utf8').split('\n').length - 1;
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WEEK = 7 * 24 * 3600 * 1000;

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

describe('windowed stream word count (real processes)', () => {
  it.each<[string, WindowOptions]>([
    [
      'tumbling',
      {
        window: { kind: 'tumbling', sizeMs: 1000 },
        maxOutOfOrdernessMs: 300,
        allowedLatenessMs: 0,
      },
    ],
    [
      'sliding',
      {
        window: { kind: 'sliding', sizeMs: 1000, slideMs: 250 },
        maxOutOfOrdernessMs: 300,
        allowedLatenessMs: 0,
      },
    ],
  ])('%s windows equal the single-process count', async (_, window) => {
    const expected = await windowCountLocal(input, window);
    const result = await runStream({ input, workers: 3, window, maxPending: 16 });
    expect(result.counts).toEqual(expected);
    expect(result.stats.records).toBe(records);
    expect(result.stats.replayed).toBe(0);
    // Windows fired along the way, not only at the end: many windows, each fired once here.
    expect(expected.length).toBeGreaterThan(100);
    expect(result.stats.firings).toBe(expected.length);
  });

  it.each<[Delivery]>([['at-least-once'], ['idempotent'], ['exactly-once']])(
    'a worker killed mid-stream: held trees are replayed (%s)',
    async (delivery) => {
      const window: WindowOptions = {
        window: { kind: 'sliding', sizeMs: 1000, slideMs: 500 },
        maxOutOfOrdernessMs: 300,
        allowedLatenessMs: WEEK, // Covers the disorder and the replays.
      };
      const expected = await windowCountLocal(input, window);
      const kill = killAt(Math.floor(records / 2));
      const result = await runStream(
        { input, workers: 3, window, delivery, maxPending: 16 },
        kill.hooks,
      );
      expect(kill.killed()).toBe(true);
      expect(result.stats.workerFailures).toBe(1);
      expect(result.stats.replayed).toBeGreaterThan(0);
      expect(result.stats.records).toBe(records);
      if (delivery !== 'at-least-once') {
        expect(result.counts).toEqual(expected);
        return;
      }
      const got = new Map(result.counts);
      for (const [key, n] of expected) expect(got.get(key) ?? 0).toBeGreaterThanOrEqual(n);
      expect(got.size).toBe(expected.length);
    },
  );

  it('refuses a malformed timestamped line and bad window options with typed errors', async () => {
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, '5 a b\nsoon c d\n');
    const window: WindowOptions = {
      window: { kind: 'tumbling', sizeMs: 1000 },
      maxOutOfOrdernessMs: 0,
      allowedLatenessMs: 0,
    };
    await expect(runStream({ input: bad, workers: 1, window })).rejects.toThrow(StreamRecordError);
    await expect(windowCountLocal(bad, window)).rejects.toThrow(/line 2/);
    const slideTooBig: WindowOptions = {
      ...window,
      window: { kind: 'sliding', sizeMs: 100, slideMs: 200 },
    };
    expect(() => runStream({ input, workers: 1, window: slideTooBig })).toThrow(StreamError);
  });
});
