// MapReduce as real processes (issue 20): a master and forked workers count the words of a
// generated corpus, and the answer equals the single-process count exactly — also when a
// worker is SIGKILLed as it is handed a map task, and another as it is handed a reduce task
// (its completed maps are lost with its disk and re-executed).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MapReduceError,
  runMapReduce,
  wordCountLocal,
  writeCorpus,
} from '../src/compute/mapreduce/index.js';

let dir: string;
let input: string;
let expected: [string, number][];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-mr-test-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 2_000_000, 7);
  expected = wordCountLocal(input);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('MapReduce word count (real processes)', () => {
  it('gives the single-process answer exactly', async () => {
    const result = await runMapReduce({ input, workers: 3, workDir: path.join(dir, 'plain') });
    expect(result.output).toEqual(expected);
    expect(result.stats.workerFailures).toBe(0);
    expect(result.stats.mapRuns).toBe(result.stats.mapTasks);
  });

  it('re-executes the tasks of a worker killed mid-map and still gives the exact answer', async () => {
    let killed = false;
    const result = await runMapReduce(
      { input, workers: 3, splits: 12, workDir: path.join(dir, 'kill-map') },
      {
        onAssign(kind, task, pid) {
          if (kind === 'map' && task === 4 && !killed) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    expect(killed).toBe(true);
    expect(result.stats.workerFailures).toBe(1);
    expect(result.stats.mapRuns).toBeGreaterThan(result.stats.mapTasks);
    expect(result.output).toEqual(expected);
  });

  it('re-executes the lost maps of a worker killed mid-reduce and gives the exact answer', async () => {
    let killed = false;
    // The worker killed must hold completed maps (which worker runs which map is timing): the
    // first reduce handed to a worker that ran a map.
    const ranMaps = new Set<number>();
    const result = await runMapReduce(
      { input, workers: 3, splits: 9, reducers: 4, workDir: path.join(dir, 'kill-reduce') },
      {
        onAssign(kind, _task, pid) {
          if (kind === 'map') ranMaps.add(pid);
          else if (kind === 'reduce' && ranMaps.has(pid) && !killed) {
            killed = true;
            process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    expect(killed).toBe(true);
    expect(result.stats.workerFailures).toBe(1);
    // Its completed maps went with its disk: they ran again, and so did the reduce.
    expect(result.stats.mapRuns).toBeGreaterThan(result.stats.mapTasks);
    expect(result.stats.reduceRuns).toBeGreaterThan(result.stats.reduceTasks);
    expect(result.output).toEqual(expected);
  });

  it('refuses bad input with a typed error', () => {
    expect(() => runMapReduce({ input: path.join(dir, 'missing.txt'), workers: 2 })).toThrow(
      MapReduceError,
    );
    expect(() => runMapReduce({ input, workers: 0 })).toThrow(MapReduceError);
    expect(() => runMapReduce({ input, workers: 2, job: 'nope' })).toThrow(MapReduceError);
  });
});
