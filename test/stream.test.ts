// Storm-style stream processing as real processes (issue 20): a spout reads a generated
// corpus line by line, split and count bolt tasks on forked workers count its words, and
// the sink's totals are compared with the single-process count. With a worker SIGKILLed
// mid-stream (as the spout hands it a record, so trees are in flight on it) the tuple trees
// it held fail, the spout replays them and a replacement worker takes its tasks: every
// word is counted at least once (at-least-once) and exactly once with the idempotent sink
// and with exactly-once's checkpoint rollback (stream-checkpoints.test.ts has its own).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordCountLocal, writeCorpus } from '../src/compute/mapreduce/index.js';
import {
  Acker,
  type Delivery,
  runStream,
  StreamError,
  type StreamHooks,
  xorIds,
} from '../src/compute/stream/index.js';

let dir: string;
let input: string;
let expected: [string, number][];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stream-test-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 60_000, 11);
  expected = wordCountLocal(input);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Kills the worker the spout hands record `at` to, once; returns whether it did. */
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

const lines = () => fs.readFileSync(input, 'utf8').split('\n').length - 1;

describe('the XOR acker', () => {
  it('completes a tree exactly when every emitted tuple is acked, in any order', () => {
    const acker = new Acker();
    const [root, a, b] = ['0123456789abcdef', 'fedcba9876543210', '00000000deadbeef'];
    acker.track(root, root);
    expect(acker.ack(root, a)).toBe('pending'); // b's ack before its parent's.
    expect(acker.ack(root, xorIds(xorIds(root, a), b))).toBe('pending');
    expect(acker.ack(root, b)).toBe('complete');
    expect(acker.ack(root, a)).toBe('unknown'); // Late acks of a finished tree are stale.
  });
});

describe('stream word count (real processes)', () => {
  it('counts every word exactly with no failure', async () => {
    const result = await runStream({ input, workers: 3 });
    expect(result.counts).toEqual(expected);
    expect(result.stats.records).toBe(lines());
    expect(result.stats.replayed).toBe(0);
    expect(result.stats.workerFailures).toBe(0);
  });

  it.each<[Delivery]>([['at-least-once'], ['idempotent'], ['exactly-once']])(
    'a worker killed mid-stream: replays keep every word (%s)',
    async (delivery) => {
      const kill = killAt(40);
      const result = await runStream({ input, workers: 3, delivery, maxPending: 32 }, kill.hooks);
      expect(kill.killed()).toBe(true);
      expect(result.stats.workerFailures).toBe(1);
      expect(result.stats.replayed).toBeGreaterThan(0);
      expect(result.stats.records).toBe(lines());
      if (delivery !== 'at-least-once') {
        expect(result.counts).toEqual(expected);
        return;
      }
      // At least once: no word missing or under-counted; replays may count some twice.
      const got = new Map(result.counts);
      for (const [word, n] of expected) expect(got.get(word) ?? 0).toBeGreaterThanOrEqual(n);
      expect(got.size).toBe(expected.length);
    },
  );

  it('refuses bad input with a typed error', () => {
    expect(() => runStream({ input: path.join(dir, 'missing.txt'), workers: 2 })).toThrow(
      StreamError,
    );
    expect(() => runStream({ input, workers: 0 })).toThrow(StreamError);
  });
});
