// The CLI contract: JSON shapes, exit codes (0 ok, 1 a check failed, 2 bad usage with one
// line on stderr), and determinism across separate processes.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('node', ['dist/src/cli/main.js', ...args], { encoding: 'utf8' });
}

function json<T = Record<string, unknown>>(out: SpawnSyncReturns<string>): T {
  return JSON.parse(out.stdout) as T;
}

const scratch = mkdtempSync(join(tmpdir(), 'cohort-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cohort sim list', () => {
  it('--json is an array of {name, family, summary, seed}', () => {
    const out = cohort('sim', 'list', '--json');
    expect(out.status).toBe(0);
    const rows = json<Record<string, unknown>[]>(out);
    expect(Array.isArray(rows)).toBe(true);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['family', 'name', 'seed', 'summary']);
      for (const v of Object.values(row)) expect(typeof v).toBe('string');
      expect(row.name).toMatch(new RegExp(`^${String(row.family)}/`));
    }
    const names = rows.map((r) => r.name);
    expect(names).toContain('clock/lamport');
    expect(names).toContain('clock/vector');
    expect(names).not.toContain('testing/volatile-lock'); // hidden
  });
});

describe('cohort sim', () => {
  it('--json has every key of the contract and exits 0', () => {
    const out = cohort('sim', 'clock/lamport', '--json');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const r = json(out);
    for (const key of [
      'algorithm',
      'nodes',
      'seed',
      'faults',
      'virtualTimeMs',
      'events',
      'messages',
      'invariants',
      'liveness',
      'metrics',
      'traceHash',
      'ok',
    ]) {
      expect(r).toHaveProperty(key);
    }
    expect(r.algorithm).toBe('clock/lamport');
    expect(r.nodes).toBe(5);
    expect(r.seed).toBe(1);
    expect(r.faults).toBe('');
    expect(typeof r.virtualTimeMs).toBe('number');
    expect(typeof r.events).toBe('number');
    const m = r.messages as Record<string, unknown>;
    for (const key of ['sent', 'delivered', 'dropped']) expect(typeof m[key]).toBe('number');
    expect(typeof m.byType).toBe('object');
    const invariants = r.invariants as Record<string, unknown>[];
    expect(invariants.length).toBeGreaterThan(0);
    for (const c of invariants) {
      expect(typeof c.name).toBe('string');
      expect(c.holds).toBe(true);
      expect(c).toHaveProperty('violation', null);
    }
    const liveness = r.liveness as Record<string, unknown>[];
    for (const c of liveness) {
      expect(typeof c.name).toBe('string');
      expect(typeof c.holds).toBe('boolean');
    }
    expect(typeof r.metrics).toBe('object');
    expect(r.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.ok).toBe(true);
  });

  it('exits 1 when an invariant is violated', () => {
    const out = cohort('sim', 'testing/volatile-lock', '--scenario', 'server-restart', '--json');
    expect(out.status).toBe(1);
    expect(json(out).ok).toBe(false);
  });

  it('is deterministic across processes (traceHash and --trace files)', () => {
    const args = [
      'sim',
      'clock/vector',
      '--seed',
      '11',
      '--faults',
      'crash 2 @300; restart 2 @600; drop 0.1; reorder 0.2; partition 1,2|3,4,5 @100..900',
      '--json',
    ];
    const a = join(scratch, 'a.jsonl');
    const b = join(scratch, 'b.jsonl');
    const first = cohort(...args, '--trace', a);
    const second = cohort(...args, '--trace', b);
    expect(first.status).toBe(0);
    expect(second.status).toBe(0);
    expect(json(first).traceHash).toBe(json(second).traceHash);
    const traceA = readFileSync(a);
    expect(traceA.length).toBeGreaterThan(0);
    expect(traceA.equals(readFileSync(b))).toBe(true);
    // A different seed is a different run.
    const other = cohort(...args.map((x) => (x === '11' ? '12' : x)));
    expect(json(other).traceHash).not.toBe(json(first).traceHash);
  });
});

describe('bad usage exits 2 with one line on stderr', () => {
  it.each<[string, string[], RegExp]>([
    [
      'unknown algorithm',
      ['sim', 'clock/lamprt'],
      /unknown algorithm 'clock\/lamprt'; did you mean clock\/lamport/,
    ],
    ['malformed plan', ['sim', 'clock/lamport', '--faults', 'crash x @1'], /at character 7/],
    ['nodes out of range', ['sim', 'clock/lamport', '--nodes', '99'], /--nodes .*1\.\.64/],
    ['zero nodes', ['sim', 'clock/lamport', '--nodes', '0'], /--nodes/],
    ['unknown option', ['sim', 'clock/lamport', '--bogus', '3'], /unknown option '--bogus'/],
    ['unknown fuzz option', ['fuzz', 'clock/lamport', '--frob'], /unknown option '--frob'/],
    ['unknown command', ['frobnicate'], /unknown command/],
    ['no command', [], /give a command/],
    ['no subcommand', ['chain'], /'chain' needs a subcommand: verify-header/],
    ['no subcommand', ['check'], /'check' needs a subcommand: linearizability/],
  ])('%s', (_label, args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cohort: /);
    expect(lines[0]).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cohort fuzz', () => {
  it('--json has {algorithm, runs, failures, runsPerSecond, ok}', () => {
    const out = cohort('fuzz', 'clock/lamport', '--seeds', '20', '--json');
    expect(out.status).toBe(0);
    const r = json(out);
    expect(r.algorithm).toBe('clock/lamport');
    expect(r.runs).toBe(20);
    expect(r.failures).toEqual([]);
    expect(typeof r.runsPerSecond).toBe('number');
    expect(r.ok).toBe(true);
  });
});

describe('cohort bench', () => {
  it('sim --json reports deliveries per second (numbers only, no thresholds)', () => {
    const out = cohort('bench', 'sim', '--json', '--repeats', '1');
    expect(out.status).toBe(0);
    const r = json(out);
    expect(typeof r.deliveriesPerSecond).toBe('number');
    expect(typeof r.deliveriesPerSecondTraced).toBe('number');
    expect(Number.isFinite(r.deliveriesPerSecond)).toBe(true);
    expect(Number.isFinite(r.deliveriesPerSecondTraced)).toBe(true);
  });
});

describe('cohort tour', () => {
  it('exits 0', () => {
    const out = cohort('tour');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('clock/lamport');
  });
});
