// `cohort compute mapreduce` as a user runs it (the CLI from source, real processes): the
// full result written with --output equals the single-process word count, also with a
// worker SIGKILLed mid-reduce (--kill-at); --json carries the timings and task counts; bad
// input is one line on stderr and exit code 2.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordCountLocal, writeCorpus } from '../src/compute/mapreduce/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const cohort = (...args: string[]) =>
  spawnSync(NODE, [...NODE_ARGS, 'compute', 'mapreduce', ...args], { encoding: 'utf8' });

let dir: string;
let input: string;
let expected: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-compute-cli-'));
  input = path.join(dir, 'corpus.txt');
  writeCorpus(input, 500_000, 3);
  expected = wordCountLocal(input)
    .map(([w, n]) => `${w} ${n}\n`)
    .join('');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cohort compute mapreduce', () => {
  it('writes the exact word count and prints timings', () => {
    const output = path.join(dir, 'counts.txt');
    const out = cohort('--workers', '2', '--input', input, '--output', output, '--top', '3');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/map \d+ ms, reduce \d+ ms, total \d+ ms/);
    expect(fs.readFileSync(output, 'utf8')).toBe(expected);
  });

  it('gives the same answer with a worker killed mid-reduce, and says so in --json', () => {
    const output = path.join(dir, 'counts-killed.txt');
    const args = ['--workers', '3', '--input', input, '--output', output];
    const out = cohort(...args, '--kill-at', 'reduce:0', '--json');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(doc.workerFailures).toBe(1);
    expect(doc.killedPid).toBeTypeOf('number');
    expect(doc.totalMs).toBeTypeOf('number');
    expect(fs.readFileSync(output, 'utf8')).toBe(expected);
  });

  it.each([
    [['--workers', '0', '--input', 'x'], /--workers must be a positive integer/],
    [['--workers', '2', '--input', '/nonexistent/file'], /cannot read the input/],
    [['--workers', '2', '--input', 'x', '--kill-at', 'shuffle:1'], /--kill-at must be/],
  ])('refuses bad input %j with one line and exit 2', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
