// Random fault plans and property-based fuzzing (fast-check). A run draws a seed and a
// "swarm" plan — its rates as well as its events are random — whose faults all end by the
// end of the fault window; liveness is then judged after the algorithm's deadline. When a
// run fails, fast-check shrinks the plan (fewer faults, lower rates, earlier times) and the
// smallest failing case is returned with the exact `cohort sim` command that replays it.

import fc from 'fast-check';
import {
  type AnyAlgorithm,
  type FaultKind,
  type FaultModel,
  type OptionValues,
  optionFlagName,
} from '../core/algorithm.js';
import { Prng } from '../core/prng.js';
import type { NodeId } from '../core/process.js';
import { type FaultEvent, type FaultPlan, formatFaultPlan } from './fault-plan.js';
import { defaultNodes, describeError, type RunResult, resolveOptions, simulate } from './run.js';
import { DISK_FAULT_MODES } from './sim-storage.js';

/** Shell-quotes one argument for a printed command line. */
export function shellQuote(arg: string): string {
  return /^[\w./:=,@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The `cohort sim …` command that reproduces a run. */
export function replayCommand(
  spec: AnyAlgorithm,
  run: { nodes: number; seed: number; faults: string; options?: OptionValues },
): string {
  const parts = [
    'cohort',
    'sim',
    spec.name,
    '--nodes',
    String(run.nodes),
    '--seed',
    String(run.seed),
  ];
  if (run.faults !== '') parts.push('--faults', run.faults);
  for (const [name, value] of Object.entries(run.options ?? {})) {
    const def = spec.options[name]?.default;
    if (JSON.stringify(def) === JSON.stringify(value)) continue;
    parts.push(`--${optionFlagName(name)}`, Array.isArray(value) ? value.join(',') : String(value));
  }
  return parts.map(shellQuote).join(' ');
}

// ---- Plan generation ---------------------------------------------------------------------

interface PlanShape {
  readonly dropPpm: number;
  readonly dupPpm: number;
  readonly reorderPpm: number;
  readonly delayMaxMs: number;
  readonly faults: readonly FaultEvent[];
  readonly corruptPpm: number;
  /** Storage faults (each window ends with its node back up). */
  readonly disk: readonly FaultEvent[];
}

/** The fault-model kind a generated event belongs to (a restart undoes a crash). */
function faultKindOf(f: FaultEvent): FaultKind {
  switch (f.kind) {
    case 'crash':
    case 'restart':
      return 'crash';
    case 'pause':
    case 'resume':
      return 'pause';
    case 'partition':
    case 'heal':
      return 'partition';
    case 'rate':
      return f.param;
    case 'block':
    case 'drift':
    case 'disk':
      return f.kind;
  }
}

function toPlan(shape: PlanShape, windowMs: number, model?: FaultModel): FaultPlan {
  const allowed = (kind: FaultKind) => model === undefined || model.tolerates.includes(kind);
  const faults: FaultEvent[] = [];
  const rate = (param: 'drop' | 'dup' | 'reorder' | 'corrupt', value: number) => {
    if (value > 0 && allowed(param))
      faults.push({ kind: 'rate', param, value, fromMs: 0, untilMs: windowMs, link: undefined });
  };
  rate('drop', shape.dropPpm);
  rate('dup', shape.dupPpm);
  rate('reorder', shape.reorderPpm);
  rate('corrupt', shape.corruptPpm);
  const delayMaxMs = Math.min(shape.delayMaxMs, model?.maxDelayMs ?? shape.delayMaxMs);
  if (delayMaxMs > 10 && allowed('delay')) {
    faults.push({
      kind: 'rate',
      param: 'delay',
      value: [1, delayMaxMs],
      fromMs: 0,
      untilMs: windowMs,
      link: undefined,
    });
  }
  faults.push(...shape.faults.filter((f) => allowed(faultKindOf(f))));
  // A storage fault stops its node like a crash: it needs crashes in the model too.
  if (allowed('crash')) faults.push(...shape.disk.filter((f) => allowed(faultKindOf(f))));
  return { faults };
}

/**
 * A fast-check arbitrary of fault plans for `n` nodes whose faults all end by `windowMs`,
 * drawn only from the faults `model` tolerates (every fault when it is undefined).
 */
export function faultPlanArbitrary(
  n: number,
  windowMs: number,
  model?: FaultModel,
): fc.Arbitrary<FaultPlan> {
  const maxPauseMs = Math.max(1, Math.min(windowMs / 2, model?.maxPauseMs ?? windowMs));
  const node = fc.integer({ min: 1, max: n });
  const time = fc.integer({ min: 0, max: windowMs - 1 });
  const span = (at: number, len: number) => Math.min(windowMs, at + len);
  const crash = fc
    .tuple(node, time, fc.integer({ min: 1, max: windowMs }))
    .map(([id, at, len]): FaultEvent[] => [
      { kind: 'crash', node: id, atMs: at },
      { kind: 'restart', node: id, atMs: span(at, len) },
    ]);
  const pause = fc
    .tuple(node, time, fc.integer({ min: 1, max: maxPauseMs }))
    .map(([id, at, len]): FaultEvent[] => [
      { kind: 'pause', node: id, atMs: at, untilMs: span(at, len) },
    ]);
  const sides = fc.array(fc.boolean(), { minLength: n, maxLength: n });
  const groupsOf = (side: readonly boolean[]) => {
    const a: NodeId[] = [];
    const b: NodeId[] = [];
    for (const [i, s] of side.entries()) (s ? a : b).push(i + 1);
    return [a, b] as const;
  };
  const partition = fc
    .tuple(sides, time, fc.integer({ min: 1, max: windowMs }))
    .map(([side, at, len]): FaultEvent[] => {
      const [a, b] = groupsOf(side);
      if (a.length === 0 || b.length === 0) return [];
      return [{ kind: 'partition', groups: [a, b], atMs: at, untilMs: span(at, len) }];
    });
  const block = fc
    .tuple(sides, time, fc.integer({ min: 1, max: windowMs }))
    .map(([side, at, len]): FaultEvent[] => {
      const [a, b] = groupsOf(side);
      if (a.length === 0 || b.length === 0) return [];
      return [{ kind: 'block', from: a, to: b, atMs: at, untilMs: span(at, len) }];
    });
  const maxDriftPpm = Math.min(50_000, model?.maxDriftPpm ?? 50_000);
  const drift = fc
    .tuple(node, fc.integer({ min: -maxDriftPpm, max: maxDriftPpm }))
    .map(([id, ppm]): FaultEvent[] => (ppm === 0 ? [] : [{ kind: 'drift', node: id, ppm }]));
  const disk = fc
    .tuple(node, fc.constantFrom(...DISK_FAULT_MODES), time, fc.integer({ min: 1, max: windowMs }))
    .map(([id, mode, at, len]): FaultEvent[] => [
      { kind: 'disk', node: id, mode, atMs: at, untilMs: span(at, len) },
    ]);
  const events = fc
    .array(fc.oneof(crash, partition, pause, block, drift), { maxLength: 6 })
    .map((lists) => lists.flat());
  return fc
    .record({
      dropPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000 })),
      dupPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
      reorderPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300_000 })),
      delayMaxMs: fc.oneof(fc.constant(10), fc.integer({ min: 10, max: 200 })),
      faults: events,
      // Drawn last, after everything plans drew before the kind existed: a seed's other
      // faults are unchanged by it.
      corruptPpm: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
      disk: fc.array(disk, { maxLength: 2 }).map((lists) => lists.flat()),
    })
    .map((shape) => toPlan(shape, windowMs, model));
}

/** A swarm plan drawn from a seed with Cohort's own PRNG (`--faults random`). */
export function randomFaultPlan(
  seed: number,
  n: number,
  windowMs: number,
  model?: FaultModel,
): FaultPlan {
  const [plan] = fc.sample(faultPlanArbitrary(n, windowMs, model), {
    seed: Prng.derive(seed, 'plan').next() | 0,
    numRuns: 1,
  });
  return plan ?? { faults: [] };
}

// ---- Fuzzing -----------------------------------------------------------------------------

export interface FuzzOptions {
  readonly runs: number;
  readonly nodes?: number;
  /** Seed of the fuzz campaign itself (which seeds and plans are drawn). */
  readonly seed?: number;
  readonly options?: OptionValues;
  readonly shrink?: boolean;
  readonly onProgress?: (done: number) => void;
}

export interface FuzzFailure {
  readonly seed: number;
  readonly check: string;
  readonly violation: string;
  readonly faults: string;
  readonly replay: string;
}

export interface FuzzReport {
  readonly algorithm: string;
  readonly runs: number;
  readonly failures: readonly FuzzFailure[];
}

function firstFailure(result: RunResult): { check: string; violation: string } | undefined {
  const bad = [...result.invariants, ...result.liveness].find((c) => !c.holds);
  return bad === undefined ? undefined : { check: bad.name, violation: bad.violation ?? '' };
}

export function fuzz(spec: AnyAlgorithm, opts: FuzzOptions): FuzzReport {
  const n = opts.nodes ?? defaultNodes(spec, opts.options);
  const windowMs = Math.max(100, Math.floor(spec.durationMs * 0.6));
  const model = spec.faultModel?.(resolveOptions(spec, opts.options));
  let calls = 0;
  const property = fc.property(
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    faultPlanArbitrary(n, windowMs, model),
    (seed, plan) => {
      opts.onProgress?.(++calls);
      const { result } = simulate(spec, {
        nodes: n,
        seed,
        faults: plan,
        trace: 'off',
        ...(opts.options && { options: opts.options }),
      });
      return result.ok;
    },
  );
  const details = fc.check(property, {
    numRuns: opts.runs,
    seed: opts.seed ?? 1,
    endOnFailure: opts.shrink === false,
  });
  const failures: FuzzFailure[] = [];
  if (details.failed && details.counterexample !== null) {
    const [seed, plan] = details.counterexample;
    const faults = formatFaultPlan(plan);
    failures.push({
      seed,
      ...replayFailure(
        spec,
        { nodes: n, seed, plan, options: opts.options },
        details.errorInstance,
      ),
      faults,
      replay: replayCommand(spec, {
        nodes: n,
        seed,
        faults,
        options: resolveOptions(spec, opts.options),
      }),
    });
  }
  return { algorithm: spec.name, runs: details.numRuns, failures };
}

/**
 * Why the shrunk case fails, from a re-run of it. `simulate` turns an exception inside the
 * run into a failed check. Should the re-run throw anyway (outside the run: building the
 * processes, say), its error is the failure; should it pass (a nondeterminism bug of ours),
 * the property's own error is. Either way the failure keeps its seed and replay command.
 */
function replayFailure(
  spec: AnyAlgorithm,
  run: { nodes: number; seed: number; plan: FaultPlan; options: OptionValues | undefined },
  propertyError: unknown,
): { check: string; violation: string } {
  const fallback = { check: 'exception', violation: describeError(propertyError) };
  try {
    const { result } = simulate(spec, {
      nodes: run.nodes,
      seed: run.seed,
      faults: run.plan,
      ...(run.options && { options: run.options }),
    });
    return firstFailure(result) ?? fallback;
  } catch (error) {
    return { check: 'exception', violation: describeError(error) };
  }
}
