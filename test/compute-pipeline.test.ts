// Pipelines (issue 20) with real worker processes: backpressure holds — no queue ever holds
// more than its bound, and the items held anywhere stay within the capacities plus the
// slots while a slow last stage lags far behind a fast source; the stage made slowest is
// named the bottleneck, every stage upstream of it spent time blocked on a full queue, and
// the run's throughput does not exceed that stage's own measured service rate; a stage's
// worker SIGKILLed mid-run fails the run with a typed error naming the stage and leaves no
// worker behind; the demo word count, with its aggregate in a worker process, equals the
// single-process count; and `cohort compute pipeline` says the same from the shell.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordCountLocal, writeCorpus } from '../src/compute/mapreduce/index.js';
import {
  fileLines,
  PipelineError,
  PipelineStageError,
  PipelineWorkerCrashError,
  runPipeline,
  type StageSpec,
} from '../src/compute/pipeline/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

let dir: string;
let input: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-pipeline-test-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 30_000, 5);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a pipeline with a slow last stage', () => {
  it('never buffers past its bounds, and names the slow stage as the bottleneck', async () => {
    const stages: StageSpec[] = [
      { name: 'first', fn: 'identity' },
      { name: 'second', fn: 'identity', concurrency: 2 },
      { name: 'slow', fn: 'delay', options: { delayMs: 2 }, isolation: 'process' },
    ];
    const capacity = 4;
    // Items held at once: what the queues hold plus one item (or its one output) per slot.
    const bound = stages.length * capacity + 1 + 2 + 1;
    const items = 300;
    const payload = 'x'.repeat(64 * 1024);
    // A lazy source: an item exists only once the pipeline pulls it.
    function* source() {
      for (let i = 0; i < items; i++) yield `${i}:${payload}`;
    }
    let pulled = 0;
    let sunk = 0;
    let maxHeld = 0;
    const order: number[] = [];
    const result = await runPipeline(
      {
        stages,
        source: source(),
        capacity,
        onOutput: (item) => {
          sunk++;
          order.push(Number(String(item).split(':')[0]));
        },
      },
      {
        onSourceItem: (i) => {
          pulled = i + 1;
          maxHeld = Math.max(maxHeld, pulled - sunk);
        },
      },
    );
    expect(result.items).toBe(items);
    expect(sunk).toBe(items);
    expect(maxHeld).toBeLessThanOrEqual(bound);
    // The check is not vacuous: the source ran ahead until every queue was full.
    expect(maxHeld).toBeGreaterThanOrEqual(stages.length * capacity);
    for (const q of result.queues) {
      expect(q.maxOccupancy, q.name).toBeLessThanOrEqual(capacity);
      expect(q.puts, q.name).toBe(items);
    }
    expect(result.queues[2]?.fullPuts).toBeGreaterThan(0);
    // Every stage saw every item; the one-slot slow stage kept their order.
    for (const s of result.stages) expect([s.itemsIn, s.itemsOut]).toEqual([items, items]);
    expect(order).toEqual([...Array(items).keys()]);

    const [first, second, slow] = result.stages;
    expect(result.bottleneck.stage).toBe('slow');
    expect(first?.blockedMs).toBeGreaterThan(0);
    expect(second?.blockedMs).toBeGreaterThan(0);
    for (const s of [first, second]) {
      expect(s?.busyMs).toBeLessThan(slow?.busyMs as number);
      expect(s?.serviceRatePerSecond).toBeGreaterThan(slow?.serviceRatePerSecond as number);
    }
    // The pipeline went no faster than the slow stage can serve.
    expect(result.throughputPerSecond).toBeLessThanOrEqual(slow?.serviceRatePerSecond as number);
  });
});

describe('failures', () => {
  it('reports a stage worker SIGKILLed mid-run as a typed error and stops the rest', async () => {
    const pids = new Map<string, number>();
    let killed: number | undefined;
    const run = runPipeline(
      {
        stages: [
          { name: 'fast', fn: 'identity', isolation: 'process' },
          { name: 'victim', fn: 'delay', options: { delayMs: 1 }, isolation: 'process' },
        ],
        source: Array.from({ length: 200 }, (_, i) => i),
        capacity: 4,
      },
      {
        onDispatch(stage, item, pid) {
          if (pid !== undefined) pids.set(stage, pid);
          if (stage === 'victim' && item === 20 && pid !== undefined) {
            killed = pid;
            process.kill(pid, 'SIGKILL');
          }
        },
      },
    );
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineWorkerCrashError);
    const crash = error as PipelineWorkerCrashError;
    expect(crash.stage).toBe('victim');
    expect(crash.pid).toBe(killed);
    expect(crash.signal).toBe('SIGKILL');
    expect(crash.retryable).toBe(false);
    // runPipeline stops every worker before it settles.
    for (const [stage, pid] of pids) expect(alive(pid), stage).toBe(false);
  });

  it('reports an item a stage cannot handle, and refuses a bad definition', async () => {
    const bad = runPipeline({ stages: [{ name: 'parse', fn: 'parse' }], source: ['a b', 7] });
    await expect(bad).rejects.toBeInstanceOf(PipelineStageError);
    await expect(bad).rejects.toMatchObject({ stage: 'parse' });
    const inProcess = runPipeline({
      stages: [{ name: 'parse', fn: 'parse', isolation: 'process' }],
      source: ['a b', 7],
    });
    await expect(inProcess).rejects.toBeInstanceOf(PipelineStageError);
    const noSuch = runPipeline({ stages: [{ name: 'x', fn: 'no-such' }], source: [] });
    await expect(noSuch).rejects.toBeInstanceOf(PipelineError);
    const zero = runPipeline({ stages: [{ name: 'x', fn: 'identity' }], source: [], capacity: 0 });
    await expect(zero).rejects.toBeInstanceOf(PipelineError);
  });
});

describe('the demo word count', () => {
  it('equals the single-process count with the aggregate in its own process', async () => {
    let totals: [string, number][] = [];
    const result = await runPipeline({
      stages: [
        { name: 'parse', fn: 'parse' },
        { name: 'transform', fn: 'transform', concurrency: 2 },
        { name: 'aggregate', fn: 'aggregate', isolation: 'process', options: { delayMs: 0 } },
      ],
      source: fileLines(input),
      capacity: 8,
      onOutput: (item) => {
        totals = item as [string, number][];
      },
    });
    expect(result.outputs).toBe(1);
    const sorted = [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted).toEqual(wordCountLocal(input));
  });

  it('runs from the shell, names the aggregate, and refuses bad flags', () => {
    const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
    const cohort = (...args: string[]) =>
      spawnSync(NODE, [...NODE_ARGS, 'compute', 'pipeline', ...args], { encoding: 'utf8' });
    const out = cohort(
      '--input',
      input,
      '--delay-ms',
      '2',
      '--concurrency',
      'transform=2',
      '--json',
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout) as {
      exact: boolean;
      bottleneck: { stage: string };
      stages: { name: string; isolation: string; concurrency: number }[];
    };
    expect(doc.exact).toBe(true);
    expect(doc.bottleneck.stage).toBe('aggregate');
    expect(doc.stages.map((s) => [s.name, s.isolation, s.concurrency])).toEqual([
      ['parse', 'inline', 1],
      ['transform', 'inline', 2],
      ['aggregate', 'process', 1],
    ]);
    const bad = cohort('--concurrency', 'merge=2');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("no stage 'merge'");
  });
});
