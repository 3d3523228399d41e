// `cohort check linearizability`: exit 0 linearizable, 1 not, 2 unreadable input (one line
// on stderr naming the line). Runs the CLI from source in a child process.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const testdata = join(__dirname, '..', 'sim', 'linearizability', 'testdata');
const scratch = mkdtempSync(join(tmpdir(), 'cohort-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('node', ['--import', 'tsx', join(__dirname, 'main.ts'), ...args], {
    encoding: 'utf8',
  });
}

describe('cohort check linearizability', () => {
  it('exits 0 on a linearizable history and prints the verdict and the count', () => {
    const out = cohort('check', 'linearizability', join(testdata, 'kv.jsonl'), '--model', 'kv');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^✓ linearizable: .*kv\.jsonl \(jsonl, model kv\)/);
    expect(out.stdout).toMatch(/4 operations, 2 partitions, checked in [\d.]+ ms/);
  });

  it('exits 1 on a non-linearizable one and prints the minimal explanation', () => {
    const file = join(testdata, 'register-stale-read.edn');
    const out = cohort('check', 'linearizability', file, '--model', 'register');
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/✗ NOT linearizable/);
    expect(out.stdout).toMatch(/Minimal explanation \(3 operations/);
    expect(out.stdout).toMatch(/stale read: process 2's read 1/);
    expect(out.stdout).toMatch(/process 2 read 1: invoked at 5000, ok at 6000 \[line 7–8\]/);
    const json = cohort('check', 'linearizability', file, '--model', 'register', '--json');
    expect(json.status).toBe(1);
    const r = JSON.parse(json.stdout);
    expect(r).toMatchObject({ linearizable: false, operations: 4, partitions: 1, format: 'edn' });
    expect(r.explanation.operations).toHaveLength(3);
    expect(typeof r.elapsedMs).toBe('number');
  });

  it("reads Porcupine's key-value histories: get, put and append, keys in :key", () => {
    const ok = cohort('check', 'linearizability', join(testdata, 'kv-append.edn'), '--model', 'kv');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/10 operations, 2 partitions/);
    const stale = join(testdata, 'kv-append-stale.edn');
    const bad = cohort('check', 'linearizability', stale, '--model', 'kv', '--json');
    expect(bad.status).toBe(1);
    const r = JSON.parse(bad.stdout);
    expect(r.explanation.key).toBe('a');
    // The stale get, the put of "" it ignores, and the get that saw the value before it.
    expect(r.explanation.operations.map((o: { f: string }) => o.f)).toEqual([
      'read',
      'write',
      'read',
    ]);
  });

  it('reads jepsen.util logs with --format jepsen-log', () => {
    const file = join(testdata, 'register-info-cas-too-late.log');
    const out = cohort(
      'check',
      'linearizability',
      file,
      '--model',
      'register',
      '--format',
      'jepsen-log',
    );
    expect(out.status).toBe(1);
  });

  it('exits 2 on unreadable input, naming the line', () => {
    const bad = join(scratch, 'bad.log');
    writeFileSync(
      bad,
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1 2\n',
    );
    const out = cohort('check', 'linearizability', bad, '--model', 'register');
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^cohort: .*bad\.log:line 2: bad value '\[1 2'/);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    const unpaired = join(scratch, 'unpaired.jsonl');
    writeFileSync(
      unpaired,
      '{"process":0,"type":"invoke","f":"write","value":1,"time":0}\n\n' +
        '{"process":1,"type":"ok","f":"write","value":1,"time":1}\n',
    );
    const second = cohort('check', 'linearizability', unpaired, '--model', 'register');
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/line 3: process 1 completes write it never invoked/);
    expect(
      cohort('check', 'linearizability', join(scratch, 'missing'), '--model', 'kv').status,
    ).toBe(2);
    const noModel = cohort('check', 'linearizability', unpaired);
    expect(noModel.status).toBe(2);
    expect(noModel.stderr).toMatch(/--model/);
    expect(cohort('check', 'linearizability', unpaired, '--model', 'queue').status).toBe(2);
  });

  it('exits 3 when the search gives up', () => {
    const file = join(testdata, 'register-linearizable.edn');
    const args = ['check', 'linearizability', file, '--model', 'register'];
    const out = cohort(...args, '--max-configurations', '1');
    expect(out.status).toBe(3);
    expect(out.stdout).toMatch(/^\? undecided/);
    expect(out.stdout).toMatch(/gave up after 1 configurations/);
  });
});
