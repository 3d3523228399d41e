// `cohort check consistency`: the table of models with verdicts, --json, --require's exit
// code, and unreadable input as a one-line usage error. Runs the CLI from source.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'cohort-consistency-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('node', ['--import', 'tsx', join(__dirname, 'main.ts'), ...args], {
    encoding: 'utf8',
  });
}

/** Process 1 reads "1", then nil: sequentially inconsistent, and not monotonic. */
const BACKWARDS = [
  { process: 0, type: 'invoke', f: 'write', key: 'x', value: '1', time: 0 },
  { process: 0, type: 'ok', f: 'write', key: 'x', value: '1', time: 1 },
  { process: 1, type: 'invoke', f: 'read', key: 'x', value: null, time: 2 },
  { process: 1, type: 'ok', f: 'read', key: 'x', value: '1', time: 3 },
  { process: 1, type: 'invoke', f: 'read', key: 'x', value: null, time: 4 },
  { process: 1, type: 'ok', f: 'read', key: 'x', value: null, time: 5 },
];

function file(name: string, events: readonly object[]): string {
  const path = join(scratch, name);
  writeFileSync(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return path;
}

describe('cohort check consistency', () => {
  it('prints the table of models and names the operations that break each', () => {
    const out = cohort('check', 'consistency', file('backwards.jsonl', BACKWARDS));
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/3 operations/);
    expect(out.stdout).toMatch(/^ {2}read-your-writes {2}✓$/m);
    expect(out.stdout).toMatch(/^ {2}monotonic-reads {3}✗ {2}a session read a version older/m);
    expect(out.stdout).toMatch(
      /monotonic-reads: broken by\n {2}1\. process 1 read x "1" \[line 3\]; process 1 read x null \[line 5\]/,
    );
  });

  it('answers --json, and exits 1 when a required model does not hold', () => {
    const path = file('backwards.jsonl', BACKWARDS);
    const out = cohort(
      'check',
      'consistency',
      path,
      '--json',
      '--require',
      'read-your-writes,causal',
    );
    expect(out.status).toBe(1);
    expect(out.stderr).toBe('required but not shown to hold: causal\n');
    const r = JSON.parse(out.stdout);
    expect(r.verdicts.map((v: { model: string; holds: unknown }) => [v.model, v.holds])).toEqual([
      ['linearizable', false],
      ['sequential', false],
      ['causal', false],
      ['read-your-writes', true],
      ['monotonic-reads', false],
      ['monotonic-writes', true],
      ['eventual', false],
    ]);
    const good = file('good.jsonl', BACKWARDS.slice(0, 4));
    expect(cohort('check', 'consistency', good, '--require', 'linearizable').status).toBe(0);
  });

  it('rejects unknown operations and models with one line and exit 2', () => {
    const bad = file('bad.jsonl', [{ ...BACKWARDS[0], f: 'increment' }]);
    const out = cohort('check', 'consistency', bad);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/bad\.jsonl:line 1: f must be read, write, cas or append/);
    const model = cohort('check', 'consistency', bad, '--require', 'strong');
    expect(model.status).toBe(2);
    expect(model.stderr).toMatch(/unknown model 'strong'/);
  });
});
