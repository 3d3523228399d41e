// One simulated run of a registered algorithm, from options to the summary the CLI prints
// (`cohort sim <name> --json`), the fuzzer judges and the Lab shows.

import type {
  AnyAlgorithm,
  ClientHistory,
  Metrics,
  OptionValues,
  RunContext,
} from '../core/algorithm.js';
import { AssertionError, assert } from '../core/assert.js';
import { nodeIds } from '../core/process.js';
import {
  CONSISTENCY_MODELS,
  type ConsistencyModel,
  checkConsistency,
} from './consistency/check.js';
import { type FaultPlan, formatFaultPlan, parseFaultPlan, planQuietAfterMs } from './fault-plan.js';
import { checkLinearizability, formatExplanation } from './linearizability/check.js';
import { HistoryError } from './linearizability/operations.js';
import { Simulator } from './simulator.js';
import type { TraceLevel } from './trace.js';

export interface RunOptions {
  readonly nodes?: number;
  readonly seed?: number;
  readonly durationMs?: number;
  /** A plan's text, or a parsed plan. */
  readonly faults?: string | FaultPlan;
  readonly options?: OptionValues;
  readonly trace?: TraceLevel;
}

export interface CheckResult {
  readonly name: string;
  readonly holds: boolean;
  readonly violation: string | null;
}

export interface RunResult {
  readonly algorithm: string;
  readonly nodes: number;
  readonly seed: number;
  readonly faults: string;
  readonly options: OptionValues;
  readonly virtualTimeMs: number;
  readonly events: number;
  readonly messages: {
    readonly sent: number;
    readonly delivered: number;
    readonly dropped: number;
    readonly duplicated: number;
    readonly byType: Record<string, number>;
  };
  readonly invariants: readonly CheckResult[];
  readonly liveness: readonly (CheckResult & { readonly deadlineMs: number })[];
  readonly metrics: Metrics;
  readonly messageCount: {
    readonly formula: string;
    readonly expected: number;
    readonly measured: number;
  } | null;
  readonly traceHash: string;
  readonly ok: boolean;
}

/** Every option at its default, overridden by `given`. */
export function resolveOptions(spec: AnyAlgorithm, given: OptionValues = {}): OptionValues {
  const values: Record<string, OptionValues[string]> = {};
  for (const [name, opt] of Object.entries(spec.options)) values[name] = given[name] ?? opt.default;
  return values;
}

/** The cluster size to use when none is given: what the options imply, else the default. */
export function defaultNodes(spec: AnyAlgorithm, given: OptionValues = {}): number {
  return spec.nodesFor?.(resolveOptions(spec, given)) ?? spec.nodes.default;
}

/**
 * A run's simulator, built but not started, with its checkers and the time it runs to:
 * simulate() runs it to the end; the Lab's inspector replays one to a chosen time (the
 * same construction, so the same steps).
 */
export function prepareRun(spec: AnyAlgorithm, run: RunOptions = {}) {
  const n = run.nodes ?? defaultNodes(spec, run.options);
  const seed = run.seed ?? 1;
  const plan =
    typeof run.faults === 'string'
      ? parseFaultPlan(run.faults, n, { fromStart: true })
      : (run.faults ?? { faults: [] });
  const options = resolveOptions(spec, run.options);
  const ctx: RunContext = { nodes: nodeIds(n), options, seed };
  const invariants = spec.invariants(ctx);
  const sim = new Simulator({
    seed,
    nodes: n,
    create: (id) => spec.create(id, ctx),
    ...(spec.parseMessage !== undefined && { parse: (raw) => spec.parseMessage?.(raw, ctx) }),
    faults: plan,
    trace: run.trace ?? 'hash',
    causality: spec.causality === true,
    invariants,
  });
  const quietMs = planQuietAfterMs(plan);
  const endMs = Math.max(run.durationMs ?? spec.durationMs, quietMs + spec.livenessDeadlineMs);
  return { sim, ctx, invariants, plan, n, seed, options, endMs };
}

/** Runs the algorithm and returns the summary together with the simulator (for traces). */
export function simulate(
  spec: AnyAlgorithm,
  run: RunOptions = {},
): { result: RunResult; sim: Simulator } {
  const { sim, ctx, invariants, plan, n, seed, options, endMs } = prepareRun(spec, run);
  const crash = runSteps(sim, endMs);

  const broken = sim.violation;
  const invariantResults: CheckResult[] = invariants.map((inv) => ({
    name: inv.name,
    holds: broken?.check !== inv.name,
    violation: broken?.check === inv.name ? `${broken.violation} (at ${broken.atMs} ms)` : null,
  }));
  if (crash !== undefined) invariantResults.push(crash);
  // A checker that throws after the run is as much a failure as a step that throws.
  const guard = <T>(what: string, fallback: T, compute: () => T): T => {
    try {
      return compute();
    } catch (error) {
      invariantResults.push(exceptionCheck(`${describeError(error)} (while ${what})`));
      return fallback;
    }
  };
  const stopped = broken !== undefined || crash !== undefined;
  const livenessResults = spec.liveness(ctx).map((l) => {
    const failure = stopped
      ? 'not judged: the run stopped at a safety violation'
      : guard(`checking liveness '${l.name}'`, 'the check threw', () => l.check(sim));
    return {
      name: l.name,
      holds: failure === undefined,
      violation: failure ?? null,
      deadlineMs: spec.livenessDeadlineMs,
    };
  });
  const linearizability = guard('checking linearizability', undefined, () =>
    checkHistory(spec, sim, ctx),
  );
  if (linearizability !== undefined) invariantResults.push(linearizability.check);
  const count = guard('counting messages', undefined, () => spec.messageCount?.compare(sim, ctx));
  const metrics = guard('computing metrics', {}, () => spec.metrics?.(sim, ctx) ?? {});
  const { sent, delivered, dropped, duplicated, byType } = sim.stats;
  const result: RunResult = {
    algorithm: spec.name,
    nodes: n,
    seed,
    faults: formatFaultPlan(plan),
    options,
    virtualTimeMs: sim.nowMs,
    events: sim.events,
    messages: { sent, delivered, dropped, duplicated, byType: sortKeys(byType) },
    invariants: invariantResults,
    liveness: livenessResults,
    metrics: {
      ...metrics,
      ...(linearizability === undefined
        ? {}
        : linearizability.check.name === 'consistency'
          ? { consistent: linearizability.check.holds }
          : { linearizable: linearizability.check.holds }),
    },
    messageCount:
      spec.messageCount && count ? { formula: spec.messageCount.formula, ...count } : null,
    traceHash: sim.trace.hash(),
    ok: invariantResults.every((c) => c.holds) && livenessResults.every((c) => c.holds),
  };
  return { result, sim };
}

/**
 * Starts the nodes and runs to `endMs`. A step that throws stops the run and becomes a
 * failed check, never an exception out of the run, so the fuzzer can shrink it and print
 * its replay command: an `AssertionError` (our own check) is the check `assertions`, any
 * other exception (a `TypeError` in a handler, say) is the check `exception`, naming the
 * event it was thrown at. Either is recorded in the trace as a violation.
 */
function runSteps(sim: Simulator, endMs: number): CheckResult | undefined {
  try {
    sim.start();
    sim.runUntil(endMs);
    return undefined;
  } catch (error) {
    // The assertion's message is its violation as it always was: recorded traces keep
    // their bytes.
    const check =
      error instanceof AssertionError
        ? { name: 'assertions', holds: false, violation: error.message }
        : exceptionCheck(`${describeError(error)} (at event ${sim.events}, ${sim.nowMs} ms)`);
    sim.record({ t: sim.nowMs, ev: 'violation', check: check.name, violation: check.violation });
    return check;
  }
}

function exceptionCheck(violation: string): CheckResult & { violation: string } {
  return { name: 'exception', holds: false, violation };
}

/** `TypeError: Cannot read properties of undefined (reading 'x')`, or what was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
}

/**
 * The run's client history checked once, at the end, for linearizability (when the
 * algorithm serves clients): a safety check named `linearizability` whose violation is
 * the minimal explanation. A malformed history is our own bug, reported as a violation.
 */
function checkHistory(
  spec: AnyAlgorithm,
  view: Simulator,
  ctx: RunContext,
): { check: CheckResult } | undefined {
  if (spec.history === undefined) return undefined;
  const history = spec.history(view, ctx);
  const promised = spec.promises?.(ctx.options);
  if (promised !== undefined) return checkPromises(history, promised);
  try {
    const r = checkLinearizability(history.events, history.model);
    if (r.linearizable === true)
      return { check: { name: 'linearizability', holds: true, violation: null } };
    const violation =
      r.explanation !== undefined
        ? `not linearizable: ${formatExplanation(r.explanation).replace(/\n\s*/g, '; ')}`
        : r.linearizable === 'unknown'
          ? `undecided: the search gave up after ${r.undecided?.configurations} configurations`
          : 'not linearizable';
    return { check: { name: 'linearizability', holds: false, violation } };
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    const violation = `malformed client history at event ${error.eventIndex}: ${error.message}`;
    return { check: { name: 'linearizability', holds: false, violation } };
  }
}

/**
 * The history against the models the algorithm promises (sim/consistency): a safety check
 * named `consistency` whose violation names each broken (or undecided) model and the
 * operations that break it.
 */
function checkPromises(
  history: ClientHistory,
  promised: readonly string[],
): { check: CheckResult } {
  const unknown = promised.filter((m) => !(CONSISTENCY_MODELS as readonly string[]).includes(m));
  assert(unknown.length === 0, `unknown consistency models promised: ${unknown.join(', ')}`);
  try {
    const models = promised as readonly ConsistencyModel[];
    const r = checkConsistency(history.events, history.model, { models });
    const failed = r.verdicts.filter((v) => v.holds !== true);
    if (failed.length === 0)
      return { check: { name: 'consistency', holds: true, violation: null } };
    const violation = failed
      .map((v) => {
        const ops = (v.violations[0] ?? [])
          .map((o) => `process ${o.process} ${o.f} ${JSON.stringify(o.value)} (key ${o.key})`)
          .join(', ');
        const verdict = v.holds === 'unknown' ? 'undecided' : 'broken';
        return `${v.model} ${verdict}: ${v.reason ?? ''}${ops === '' ? '' : `: ${ops}`}`;
      })
      .join('; ');
    return { check: { name: 'consistency', holds: false, violation } };
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    const violation = `malformed client history at event ${error.eventIndex}: ${error.message}`;
    return { check: { name: 'consistency', holds: false, violation } };
  }
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
