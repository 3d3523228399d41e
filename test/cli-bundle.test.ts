// The bundled CLI (scripts/build-cli.mjs → the package's bin) against the CLI from source:
// the same stdout, stderr and exit code for every command shape it changes — above all
// `sim list`, whose listing the bundle carries as data generated at build time — and the
// modules each quick command loads, read from the bundle's source maps: `--help`, `sim list`
// and `check …` load no algorithm, runtime, server or codec. Builds into test-output/ (inside
// the project, so the bundle's npm dependencies resolve); never reads a stale dist/.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_ARGV } from './support/cohort-argv.js';

const ROOT = resolve(import.meta.dirname, '..');
const [NODE, ...SOURCE_ARGS] = COHORT_ARGV as [string, ...string[]];
const HISTORIES = 'src/sim/linearizability/testdata';

let outdir = '';
let entry = '';

beforeAll(() => {
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  outdir = mkdtempSync(join(ROOT, 'test-output', 'cli-bundle-'));
  const built = spawnSync(NODE, [join(ROOT, 'scripts', 'build-cli.mjs'), outdir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
  entry = join(outdir, 'cohort.js');
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function run(argv: readonly string[], args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(NODE, [...argv, ...args], { cwd: ROOT, encoding: 'utf8' });
}

/** What a run showed, with the one wall-clock figure (`check`'s search time) blanked. */
function shown(out: SpawnSyncReturns<string>): { status: number | null; out: string; err: string } {
  const clock = (s: string) =>
    s
      .replace(/checked in [\d.]+ ms/g, 'checked in N ms')
      .replace(/"elapsedMs": [\d.]+/g, '"elapsedMs": N');
  return { status: out.status, out: clock(out.stdout), err: clock(out.stderr) };
}

describe('the bundled cohort prints what the source prints', () => {
  it.each([
    [['--help']],
    [['--version']],
    [['sim', 'list']],
    [['sim', 'list', '--json']],
    [['sim', 'list', 'extra']],
    [['sim', 'clock/lamport', '--json']],
    [['sim', 'clock/lamprt']],
    [['check', '--help']],
    [['check', 'linearizability', `${HISTORIES}/kv.jsonl`, '--model', 'kv']],
    [['check', 'linearizability', `${HISTORIES}/register-stale-read.edn`, '--model', 'register']],
    [['check', 'linearizability', `${HISTORIES}/kv.jsonl`, '--model', 'kv', '--json']],
    [['serve', '--help']],
    [['completion', 'bash']],
  ])('cohort %j', (args) => {
    const bundled = shown(run([entry], args));
    expect(bundled).toEqual(shown(run(SOURCE_ARGS, args)));
  });
});

/**
 * Every module a run loads, as project paths (src/…, node_modules/…): files of the bundle are
 * replaced by the sources their source maps name. A module hook appends each loaded URL to a
 * log; no timing is involved.
 */
function loadedModules(args: readonly string[]): string[] {
  const log = join(outdir, `loads-${args.join('-').replace(/[^\w-]/g, '_')}.txt`);
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
  const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const out = spawnSync(
    NODE,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, entry, ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(out.stderr).toBe('');
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  return urls
    .filter((url) => url.startsWith('file:'))
    .flatMap((url) => {
      const file = fileURLToPath(url);
      if (!file.startsWith(outdir)) return [relative(ROOT, file)];
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      return map.sources.map((s) => relative(ROOT, resolve(dirname(file), s)));
    });
}

describe('the quick commands load only what they need', () => {
  const heavy = [
    /^src\/(algorithms|runtime|server)\//,
    /^src\/core\/codec/,
    /node_modules\/(msgpackr|pino|@grpc)/,
  ];

  it.each([
    [['--help'], []],
    [['sim', 'list'], ['src/cli/list-command.ts']],
    [['check', '--help'], []],
    [
      ['check', 'linearizability', `${HISTORIES}/kv.jsonl`, '--model', 'kv'],
      ['src/cli/check-command.ts', 'src/sim/linearizability/search.ts'],
    ],
  ])('cohort %j', (args, expected) => {
    const modules = loadedModules(args);
    expect(modules).toContain('src/cli/main.ts');
    for (const m of expected) expect(modules).toContain(m);
    for (const pattern of heavy) expect(modules.filter((m) => pattern.test(m))).toEqual([]);
    if (!args.includes('linearizability'))
      expect(modules.filter((m) => m.startsWith('src/sim/'))).toEqual([]);
  });
});

describe('the bundled cohort runs what forks a module of its own', () => {
  // MapReduce's master forks its worker by file: the bundle carries it as a second entry.
  it('counts words with MapReduce worker processes, one of them killed', () => {
    const input = join(outdir, 'words.txt');
    writeFileSync(input, 'a b a\nc a b\n');
    const args = ['compute', 'mapreduce', '--workers', '2', '--input', input];
    const out = run([entry], [...args, '--kill-at', 'map:1', '--json']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout) as { top: [string, number][]; workerFailures: number };
    expect(result.top).toEqual([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ]);
    expect(result.workerFailures).toBe(1);
  });

  // The stream and actor runs fork their own entries too (stream-worker, actor-node).
  it('runs a stream with a worker killed and an actor bank with a node killed', () => {
    const input = join(outdir, 'lines.txt');
    writeFileSync(input, 'a b a\nc a b\nb\n');
    const stream = run([entry], ['compute', 'stream', '--workers', '2', '--input', input]);
    const args = ['--kill-at', '1', '--exactly-once', '--json'];
    const killed = run([entry], ['compute', 'stream', '--workers', '2', '--input', input, ...args]);
    expect(stream.stderr).toBe('');
    expect(killed.stderr).toBe('');
    const doc = JSON.parse(killed.stdout) as { exact: boolean; workerFailures: number };
    expect([stream.status, killed.status, doc.exact, doc.workerFailures]).toEqual([0, 0, true, 1]);
    const bank = ['--workers', '2', '--transfers', '50', '--kill-at', '20', '--json'];
    const actors = run([entry], ['compute', 'actors', ...bank]);
    expect(actors.stderr).toBe('');
    expect(actors.status).toBe(0);
    expect(JSON.parse(actors.stdout)).toMatchObject({ conserved: true, exact: true });
  });
});
