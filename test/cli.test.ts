// The CLI contract: JSON shapes, exit codes (0 ok, 1 a check failed, 2 bad usage with one
// line on stderr), determinism across separate processes, --version, shell completion and
// colour only on a terminal. Runs the CLI from source (COHORT_ARGV), never a stale dist/.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listedAlgorithms } from '../src/algorithms/registry.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(NODE, [...NODE_ARGS, ...args], { encoding: 'utf8' });
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
    [
      'a self-block',
      ['sim', 'clock/lamport', '--faults', 'block 1->1 @0'],
      /at character 7: expected node 1 on only one side of ->/,
    ],
    [
      'a restart before its crash',
      ['sim', 'clock/lamport', '--faults', 'restart 2 @100; crash 2 @500'],
      /at character 1: expected a crash of node 2 before its restart/,
    ],
    ['nodes out of range', ['sim', 'clock/lamport', '--nodes', '99'], /--nodes .*1\.\.64/],
    ['zero nodes', ['sim', 'clock/lamport', '--nodes', '0'], /--nodes/],
    ['unknown option', ['sim', 'clock/lamport', '--bogus', '3'], /unknown option '--bogus'/],
    ['unknown fuzz option', ['fuzz', 'clock/lamport', '--frob'], /unknown option '--frob'/],
    [
      'unknown command',
      ['frobnicate'],
      /unknown command 'frobnicate' \(commands: sim, fuzz, .*completion\)/,
    ],
    ['unknown command with --help', ['frobnicate', '--help'], /unknown command 'frobnicate'/],
    ['unknown command before -h', ['frobnicate', '-h'], /unknown command 'frobnicate'/],
    ['unknown help topic', ['help', 'frobnicate'], /unknown command 'frobnicate'/],
    [
      'unknown subcommand with --help',
      ['chain', 'verify', '--help'],
      /unknown 'chain' subcommand 'verify' \('chain' subcommands: verify-header\)/,
    ],
    ['unknown shell', ['completion', 'fish'], /fish.*bash, zsh/],
    ['no command', [], /give a command/],
    ['no subcommand', ['chain'], /'chain' needs a subcommand: verify-header/],
    ['no subcommand', ['check'], /'check' needs a subcommand: consistency, linearizability/],
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

describe('cohort --version', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

  it.each(['--version', '-V'])('%s prints the package version', (flag) => {
    const out = cohort(flag);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(`${version}\n`);
  });

  it('is listed by --help', () => {
    const out = cohort('--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/-V, --version/);
    expect(out.stdout).toMatch(/completion/);
  });
});

describe('cohort completion', () => {
  const listed = listedAlgorithms().map((a) => a.name);

  it.each(['bash', 'zsh'])('%s names every command and listed algorithm', (shell) => {
    const out = cohort('completion', shell);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    for (const command of ['sim', 'fuzz', 'bench', 'chain', 'node', 'cluster', 'check', 'tour'])
      expect(out.stdout).toContain(command);
    for (const name of listed) expect(out.stdout).toContain(name);
    expect(out.stdout).not.toContain("'testing/volatile-lock'"); // hidden: not offered
    expect(out.stdout).toContain('--max-configurations');
  });

  /** What bash offers for `words` (the last one being completed). */
  function complete(script: string, words: string[]): string[] {
    const out = spawnSync(
      'bash',
      [
        '-c',
        'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cohort; ' +
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion.
          'printf "%s\\n" "${COMPREPLY[@]}"',
        'complete',
        script,
        ...words,
      ],
      { encoding: 'utf8' },
    );
    expect(out.stderr).toBe('');
    return out.stdout.split('\n').filter((l) => l !== '');
  }

  it('bash completes commands, algorithm names, flags and algorithm options', () => {
    const script = join(scratch, 'cohort.bash');
    writeFileSync(script, cohort('completion', 'bash').stdout);
    expect(complete(script, ['cohort', 'fu'])).toEqual(['fuzz']);
    expect(complete(script, ['cohort', 'sim', 'clock/'])).toEqual([
      'clock/lamport',
      'clock/vector',
    ]);
    expect(complete(script, ['cohort', 'sim', 'li'])).toEqual(['list']);
    expect(complete(script, ['cohort', 'cluster', 'up', '--algorithm', 'consensus/r'])).toEqual([
      'consensus/raft',
    ]);
    expect(complete(script, ['cohort', 'sim', 'consensus/raft', '--pre'])).toEqual(['--pre-vote']);
    expect(complete(script, ['cohort', 'check', 'linearizability', '--mo'])).toEqual(['--model']);
    expect(complete(script, ['cohort', 'completion', 'z'])).toEqual(['zsh']);
    expect(complete(script, ['cohort', '--ver'])).toEqual(['--version']);
  });
});

/** Runs the CLI under a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
function cohortOnTerminal(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [...COHORT_ARGV, ...args].map(quote).join(' ');
  const out = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env });
  expect(out.status).toBe(0);
  return out.stdout;
}

describe('colour', () => {
  const ESC = '\u001b[';
  const args = ['sim', 'clock/lamport'];
  const env = { ...process.env, NO_COLOR: undefined, TERM: 'xterm' };

  it('marks checks in colour on a terminal', () => {
    const text = cohortOnTerminal(env, ...args);
    expect(text).toContain('invariants:');
    expect(text.includes(`${ESC}32m✓`)).toBe(true);
  });

  it('never when NO_COLOR is set, nor into a pipe', () => {
    const text = cohortOnTerminal({ ...env, NO_COLOR: '1' }, ...args);
    expect(text).toContain('invariants:');
    expect(text.includes(ESC)).toBe(false);
    const piped = cohort(...args);
    expect(piped.stdout).toContain('✓');
    expect(piped.stdout.includes(ESC)).toBe(false);
  });
});
