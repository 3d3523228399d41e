// `cohort compute stream` and `cohort compute actors` as a user runs them (the CLI from
// source, real processes): a stream with a worker SIGKILLed mid-stream is exact with
// --exactly-once and says so in --json; the actor bank with a node killed and an actor
// crashed conserves money with every balance exact; bad input is one line and exit 2.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../src/compute/mapreduce/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const cohort = (...args: string[]) =>
  spawnSync(NODE, [...NODE_ARGS, 'compute', ...args], { encoding: 'utf8' });

let dir: string;
let input: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-compute-models-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 40_000, 4);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cohort compute stream', () => {
  it('is exact with --exactly-once and a worker killed mid-stream', () => {
    const args = ['--workers', '2', '--input', input, '--kill-at', '30', '--exactly-once'];
    const out = cohort('stream', ...args, '--json');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(doc.exact).toBe(true);
    expect(doc.workerFailures).toBe(1);
    expect(doc.killedPid).toBeTypeOf('number');
    expect(doc.replayed).toBeTypeOf('number');
  });
});

describe('cohort compute actors', () => {
  it('conserves money with a node killed and an actor crashed', () => {
    const args = ['--workers', '3', '--transfers', '200', '--kill-at', '60', '--crash-at', '50'];
    const out = cohort('actors', ...args, '--json');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout) as {
      conserved: boolean;
      exact: boolean;
      stats: Record<string, number>;
    };
    expect(doc.conserved).toBe(true);
    expect(doc.exact).toBe(true);
    expect(doc.stats.nodeFailures).toBe(1);
    expect(doc.stats.restarts).toBe(1);
  });
});

describe('bad input', () => {
  it.each([
    [['stream', '--workers', '0', '--input', 'x'], /--workers must be a positive integer/],
    [['stream', '--workers', '2', '--input', '/nonexistent/file'], /cannot read the input/],
    [['stream', '--workers', '2', '--input', 'x', '--kill-at', 'soon'], /--kill-at must be/],
    [['actors', '--workers', '2', '--accounts', '1'], /--accounts must be an integer ≥ 2/],
    [['actors', '--workers', '2', '--mailbox', 'keep'], /--mailbox must be redeliver or drop/],
  ])('refuses %j with one line and exit 2', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
