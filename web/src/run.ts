// One Lab run: the same `simulate` as `cohort sim`, with the full trace kept so the stage can
// replay it, and the trace cut into what the stage draws at a time t.

import { findAlgorithm } from '../../src/algorithms/registry.js';
import type { AnyAlgorithm, OptionValues } from '../../src/core/algorithm.js';
import { defaultNodes, type RunResult, simulate } from '../../src/sim/run.js';
import type { TraceRecord } from '../../src/sim/trace.js';
import { type Flight, flightsOf } from './flights.js';

export type { Flight };

export interface RunInput {
  readonly algorithm: string;
  readonly nodes: number | undefined;
  readonly seed: number;
  readonly faults: string;
  readonly options: OptionValues;
  /** How long to run; absent means the algorithm's default (a scenario may set it). */
  readonly durationMs?: number;
}

export interface LabRun {
  /** Null for a trace opened from a file: it replays without checks or metrics. */
  readonly spec: AnyAlgorithm | null;
  readonly result: RunResult | null;
  readonly nodes: number;
  readonly records: readonly TraceRecord[];
  /** The trace as `cohort sim --trace FILE` writes it (one JSON object per line). */
  readonly lines: readonly string[];
  readonly flights: readonly Flight[];
  readonly endMs: number;
  /** The safety checks that broke, each at the step it broke (the run stops at the first). */
  readonly violations: readonly Violation[];
  /** What the run was made from (null for a trace file): the inspector replays it. */
  readonly input: RunInput | null;
  /** The fault plan it ran (for a trace file, the one its fault records spell): cut links. */
  readonly faults: string;
}

export interface Violation {
  readonly check: string;
  readonly violation: string;
  readonly t: number;
}

function violationsOf(records: readonly TraceRecord[]): Violation[] {
  const found: Violation[] = [];
  for (const r of records)
    if (r.ev === 'violation') found.push({ check: r.check, violation: r.violation, t: r.t });
  return found;
}

export function runLab(input: RunInput): LabRun {
  const spec = findAlgorithm(input.algorithm);
  if (spec === undefined) throw new Error(`unknown algorithm ${input.algorithm}`);
  const nodes = input.nodes ?? defaultNodes(spec, input.options);
  const { result, sim } = simulate(spec, {
    nodes,
    seed: input.seed,
    faults: input.faults,
    options: input.options,
    ...(input.durationMs !== undefined && { durationMs: input.durationMs }),
    trace: 'full',
  });
  const records = sim.trace.records;
  const lines = sim.trace.lines;
  return {
    spec,
    nodes,
    result,
    records,
    lines,
    flights: flightsOf(records),
    endMs: result.virtualTimeMs,
    violations: violationsOf(records),
    input,
    faults: input.faults,
  };
}

/**
 * The fault plan a trace ran, from its fault records: the simulator writes each fault's
 * canonical text as it begins (and `end …` when its window closes), in time order.
 */
export function planOfTrace(records: readonly TraceRecord[]): string {
  const lines: string[] = [];
  for (const r of records) if (r.ev === 'fault' && !r.fault.startsWith('end ')) lines.push(r.fault);
  return lines.join('; ');
}

/** A trace written by `cohort sim --trace FILE`, replayed on the stage. Errors name the line. */
export function runFromTrace(text: string): LabRun {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const records = lines.map((line, i) => {
    try {
      const r = JSON.parse(line) as TraceRecord;
      if (
        typeof r !== 'object' ||
        r === null ||
        typeof r.t !== 'number' ||
        typeof r.ev !== 'string'
      )
        throw new Error('not a trace record');
      return r;
    } catch (e) {
      throw new Error(`trace line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  let nodes = 0;
  for (const r of records) if (r.ev === 'start') nodes = Math.max(nodes, r.node);
  if (nodes === 0) throw new Error('the trace has no node start events');
  const endMs = records.at(-1)?.t ?? 0;
  const flights = flightsOf(records);
  const violations = violationsOf(records);
  return {
    spec: null,
    result: null,
    nodes,
    records,
    lines,
    flights,
    endMs,
    violations,
    input: null,
    faults: planOfTrace(records),
  };
}

export interface NodeView {
  readonly id: number;
  readonly status: 'up' | 'crashed' | 'paused';
  /** The node's latest output at t, as a short label (its role or last event). */
  readonly badge: string;
}

/** Outputs that report progress rather than a role: they do not change a node's badge. */
const PROGRESS = new Set([
  'apply',
  'commit',
  'invoke',
  'complete',
  'propose',
  'deliver',
  'reply',
  'admin',
  'accepted',
  'chosen',
  'prepare',
  'note',
  // A leader's warning that a follower lost its log: the leader is still the leader.
  'follower-log-lost',
]);
/** Whether an output of this type leaves the node's badge as it was (the badge test's). */
export const isProgressOutput = (type: string): boolean => PROGRESS.has(type);

/**
 * Outputs that claim leadership of a term, or name its leader. A claim clears other nodes'
 * badges of older terms, and their campaigns in its own term: a candidate of term 1 that
 * lost is no longer campaigning once another node leads term 1 (or any later term). A badge
 * that names a leader stays: it is what that node itself last said.
 */
const CLAIMS = new Set(['leader', 'elected']);

interface Claim {
  readonly type: string;
  readonly term?: unknown;
  readonly leader?: unknown;
}

/**
 * A node's badge for its output. An output naming the leader says who it is: "leader" on
 * the leader itself, "leader is 4" elsewhere (not the term, which would read as a node).
 */
function labelOf(output: Claim, node: number): string {
  if (typeof output.leader === 'number')
    return output.leader === node ? 'leader' : `leader is ${output.leader}`;
  return typeof output.term === 'number' ? `${output.type} ${output.term}` : output.type;
}

interface Badge {
  readonly label: string;
  readonly term: number;
  /** From an output claiming leadership (a claim outlives older campaigns, see CLAIMS). */
  readonly claim: boolean;
  /**
   * From an output naming the leader: the node's own word on whom it follows, which only
   * its next output replaces (a partition's far side may elect a newer leader meanwhile).
   */
  readonly named: boolean;
}

/** Every node's status and badge (its latest role-like output) at time t. */
export function nodesAt(run: LabRun, t: number): NodeView[] {
  const status = new Map<number, NodeView['status']>();
  const badge = new Map<number, Badge>();
  for (const r of run.records) {
    if (r.t > t) break;
    if (r.ev === 'crash') {
      // The process and its role are gone; a restarted node starts without a badge.
      status.set(r.node, 'crashed');
      badge.delete(r.node);
    } else if (r.ev === 'pause') status.set(r.node, 'paused');
    else if (r.ev === 'restart' || r.ev === 'resume' || r.ev === 'start') status.set(r.node, 'up');
    else if (r.ev === 'output') {
      const out = r.output as Claim;
      if (PROGRESS.has(out.type)) continue;
      const term = typeof out.term === 'number' ? out.term : 0;
      const claim = CLAIMS.has(out.type);
      const named = typeof out.leader === 'number';
      if (claim)
        for (const [id, b] of badge)
          if (id !== r.node && !b.named && (b.term < term || (b.term === term && !b.claim)))
            badge.delete(id);
      badge.set(r.node, { label: labelOf(out, r.node), term, claim, named });
    }
  }
  return Array.from({ length: run.nodes }, (_, i) => ({
    id: i + 1,
    status: status.get(i + 1) ?? 'up',
    badge: badge.get(i + 1)?.label ?? '',
  }));
}
