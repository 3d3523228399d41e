// Checks of an algorithm's message parser (AlgorithmSpec.parseMessage) for colocated tests.
// Two sides: every message a simulated run really sends is accepted and handed back as the
// very same object (so validation cannot change a trace); and nothing a faulty or hostile
// peer could send makes the parser throw — arbitrary values, real messages whose type names
// Object.prototype's members, fields removed, or fields of the wrong kind at any depth —
// while every such structural breakage is refused.

import fc from 'fast-check';
import { expect } from 'vitest';
import type { AnyAlgorithm, RunContext } from '../../src/core/algorithm.js';
import { type Message, nodeIds } from '../../src/core/process.js';
import { defaultNodes, type RunOptions, resolveOptions, simulate } from '../../src/sim/run.js';

type Parse = (raw: unknown, ctx: RunContext) => Message | undefined;

/** A message a run sent, with that run's context (what the parser is called with). */
export interface Sent {
  readonly msg: Message;
  readonly ctx: RunContext;
}

function parserOf(spec: AnyAlgorithm): Parse {
  expect(spec.parseMessage, `${spec.name} registers parseMessage`).toBeTypeOf('function');
  return (raw, ctx) => spec.parseMessage?.(raw, ctx);
}

/** The default run and every named scenario of `spec`, plus `extra` runs. */
export function normalRuns(spec: AnyAlgorithm, extra: readonly RunOptions[] = []): RunOptions[] {
  const scenarios = spec.scenarios.map((s) => ({
    faults: s.faults,
    ...(s.nodes !== undefined && { nodes: s.nodes }),
    ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
    ...(s.options !== undefined && { options: s.options }),
  }));
  return [{}, ...scenarios, ...extra];
}

/**
 * Runs each of `runs` with a full trace and checks that the parser returns every message
 * sent as that same object. Returns the sent messages, grouped by type.
 */
export function expectSentMessagesParse(
  spec: AnyAlgorithm,
  runs: readonly RunOptions[],
): Map<string, Sent[]> {
  const parse = parserOf(spec);
  const byType = new Map<string, Sent[]>();
  for (const run of runs) {
    const { sim, result } = simulate(spec, { ...run, trace: 'full' });
    const n = run.nodes ?? defaultNodes(spec, run.options);
    const ctx: RunContext = {
      nodes: nodeIds(n),
      options: resolveOptions(spec, run.options),
      seed: result.seed,
    };
    for (const r of sim.trace.records) {
      if (r.ev !== 'send') continue;
      const parsed = parse(r.msg, ctx);
      if (parsed !== r.msg)
        expect.fail(`${spec.name} refused a message it sent: ${JSON.stringify(r.msg)}`);
      const list = byType.get(r.msg.type) ?? [];
      list.push({ msg: r.msg, ctx });
      byType.set(r.msg.type, list);
    }
  }
  return byType;
}

/** Type names a peer could send that a plain object table would wrongly find. */
const JUNK_TYPES: readonly unknown[] = [
  'toString',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '',
  'NoSuchMessage',
  7,
  null,
  undefined,
  ['Prepare'],
  {},
];

type Path = readonly (string | number)[];

/**
 * Values of another kind than `v`, what a peer with another schema (or a bug) would send;
 * never null, nor a number for null, as many fields are nullable.
 */
function wrongKinds(v: unknown): unknown[] {
  if (typeof v === 'number') return ['1', Number.NaN, true];
  if (typeof v === 'string') return [1, [v], true];
  if (typeof v === 'boolean') return ['true', 0];
  if (v === null) return [{}, [], true];
  if (Array.isArray(v)) return [{}, 'x', 7];
  return [[], 'x', 0];
}

/** Paths to every field below `v` (arrays: their first and last element only). */
function pathsOf(v: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(v)) {
    const indices = v.length === 0 ? [] : [...new Set([0, v.length - 1])];
    return indices.flatMap((i) => [[...prefix, i], ...pathsOf(v[i], [...prefix, i])]);
  }
  if (typeof v !== 'object' || v === null) return [];
  return Object.keys(v).flatMap((k) => [
    [...prefix, k],
    ...pathsOf((v as never)[k], [...prefix, k]),
  ]);
}

function at(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

/** A copy of `m` with the value at `path` replaced (or removed, for `remove`). */
function mutated(m: Message, path: Path, change: { value: unknown } | 'remove'): unknown {
  const copy = structuredClone(m) as unknown;
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1) as string | number;
  if (change === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = change.value;
  return copy;
}

/** `Type.field.*.sub`: how a leniency names a path (array indices are `*`). */
function pathName(type: string, path: Path): string {
  return [type, ...path.map((k) => (typeof k === 'number' ? '*' : k))].join('.');
}

export interface Leniency {
  /**
   * Paths (and everything below them) whose removal or change of kind leaves the message
   * well formed — optional fields, fields any value of which is valid — as `Type.field.*.sub`,
   * or `*.field` for that field at any depth.
   */
  readonly lenient?: readonly string[];
}

/** Up to three messages per type: the first, the last and the largest sent. */
function samplesOf(byType: ReadonlyMap<string, readonly Sent[]>): Sent[] {
  const size = (s: Sent) => JSON.stringify(s.msg).length;
  return [...byType.values()].flatMap((list) => {
    const largest = list.reduce((a, b) => (size(b) > size(a) ? b : a));
    return [...new Set([list[0] as Sent, list.at(-1) as Sent, largest])];
  });
}

/**
 * The parser never throws, and refuses real messages broken in transit: the type replaced
 * by a junk name, any field at any depth removed or of the wrong kind (array elements are
 * not fields: removing one leaves a valid list), all fields but `type` removed.
 */
export function expectBrokenMessagesRefused(
  spec: AnyAlgorithm,
  byType: ReadonlyMap<string, readonly Sent[]>,
  leniency: Leniency = {},
): void {
  const parseIn = parserOf(spec);
  const lenient = leniency.lenient ?? [];
  const strict = (name: string) =>
    !lenient.some((l) =>
      l.startsWith('*.') ? name.endsWith(l.slice(1)) : name === l || name.startsWith(`${l}.`),
    );
  for (const { msg: m, ctx } of samplesOf(byType)) {
    const parse = (raw: unknown) => parseIn(raw, ctx);
    const refuse = (raw: unknown, what: string) => {
      if (parse(raw) !== undefined)
        expect.fail(`${spec.name} accepted ${what}: ${JSON.stringify(raw)}`);
    };
    for (const type of JUNK_TYPES) refuse({ ...m, type }, `type ${String(type)}`);
    const fields = Object.keys(m).filter((k) => k !== 'type');
    if (fields.some((f) => strict(pathName(m.type, [f]))))
      refuse({ type: m.type }, 'a message stripped of its fields');
    for (const path of pathsOf(m)) {
      if (path[0] === 'type') continue;
      const name = pathName(m.type, path);
      const inArray = typeof path.at(-1) === 'number';
      const removed = mutated(m, path, 'remove');
      if (inArray) parse(removed);
      else if (strict(name)) refuse(removed, `a message without ${name}`);
      for (const value of wrongKinds(at(m, path))) {
        const changed = mutated(m, path, { value });
        if (strict(name)) refuse(changed, `${name} = ${JSON.stringify(value)}`);
        else parse(changed);
      }
    }
  }
}

/**
 * fast-check: arbitrary values, and real messages with one field (at any depth) replaced by
 * an arbitrary value, never make the parser throw; what it accepts it returns unchanged.
 */
export function expectParserTotal(
  spec: AnyAlgorithm,
  byType: ReadonlyMap<string, readonly Sent[]>,
): void {
  const parse = parserOf(spec);
  const same = (raw: unknown, ctx: RunContext) => {
    const parsed = parse(raw, ctx);
    return parsed === undefined || parsed === raw;
  };
  const samples = samplesOf(byType).map((s) => ({ ...s, paths: pathsOf(s.msg) }));
  const someCtx = (samples[0] as Sent).ctx;
  fc.assert(
    fc.property(fc.anything({ withNullPrototype: true }), (raw) => same(raw, someCtx)),
    { numRuns: 2_000 },
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...samples),
      fc.nat(),
      fc.anything({ withNullPrototype: true }),
      ({ msg, ctx, paths }, pick, value) => {
        const path = paths[pick % Math.max(1, paths.length)];
        return same(path === undefined ? msg : mutated(msg, path, { value }), ctx);
      },
    ),
    { numRuns: 2_000 },
  );
}

/** Every check above on the messages of `runs`; they must cover every type in `types`. */
export function checkMessageParser(
  spec: AnyAlgorithm,
  runs: readonly RunOptions[],
  types: readonly string[],
  leniency: Leniency = {},
): void {
  const byType = expectSentMessagesParse(spec, runs);
  expect([...byType.keys()].sort()).toEqual([...types].sort());
  expectBrokenMessagesRefused(spec, byType, leniency);
  expectParserTotal(spec, byType);
}
