// `cohort compute stream` as a user runs it (the CLI from source, real processes): the
// windowed count (`--window tumbling:SIZE`, a generated timestamped corpus) equals the
// in-process windows and exits 0; `--exactly-once` with a worker killed mid-stream reports
// its checkpoints and the one it restored, exact; two deliveries at once, or a bad window,
// are one line on stderr and exit 2.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const stream = (...args: string[]) =>
  spawnSync(NODE, [...NODE_ARGS, 'compute', 'stream', ...args], { encoding: 'utf8' });

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stream-cli-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cohort compute stream', () => {
  it('counts tumbling windows exactly, with a worker killed, under --exactly-once', () => {
    const input = path.join(dir, 'timed.txt');
    const args = ['--workers', '2', '--input', input, '--generate', '24'];
    const window = ['--window', 'tumbling:500', '--max-out-of-order-ms', '100'];
    const eo = ['--exactly-once', '--checkpoint-interval-ms', '20', '--kill-at', '150'];
    const out = stream(...args, ...window, ...eo, '--json');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ delivery: 'exactly-once', exact: true, workerFailures: 1 });
    expect(doc.killedPid).toBeTypeOf('number');
    expect(doc.firings).toBeGreaterThan(10);
    expect(doc.restores).toHaveLength(1);
    // The generated input is `<eventTimeMs> <text>` lines.
    expect(fs.readFileSync(input, 'utf8').split('\n')[0]).toMatch(/^\d+ \S/);
  });

  it('prints the windowed table and summary at at-least-once', () => {
    const input = path.join(dir, 'timed-plain.txt');
    const args = ['--workers', '2', '--input', input, '--generate', '8', '--top', '3'];
    const out = stream(...args, '--window', 'tumbling:1000');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/at-least-once: exact/);
    // Keys are `<start>-<end> <word>` over 1000 ms windows.
    expect(out.stdout).toMatch(/^0-1000 \S+ +\d+$/m);
  });

  it('refuses two deliveries at once and a malformed window in one line', () => {
    const input = path.join(dir, 'any.txt');
    fs.writeFileSync(input, '1 a\n');
    for (const bad of [
      ['--exactly-once', '--idempotent-sink'],
      ['--window', 'tumbling:x'],
      ['--exactly-once', '--checkpoint-interval-ms', '0'],
    ]) {
      const out = stream('--workers', '1', '--input', input, ...bad);
      expect(out.status, bad.join(' ')).toBe(2);
      expect(out.stderr.trim().split('\n'), bad.join(' ')).toHaveLength(1);
    }
  });
});
