// The metrics every simulated scheduler reports, from the machines' start/end outputs and
// the owners' arrivals, so the three architectures are compared on one table:
//   - job wait (placement latency): arrival → every task started once; p50, p99, and p99
//     per kind (batch waiting behind service work is monolithic head-of-line blocking);
//   - utilisation: CPU and memory in use, time-averaged from the first arrival to the last
//     end, in percent of the cluster;
//   - fairness: each job kind's and each owner's time-averaged dominant share (DRF's
//     measure: its largest share of any one resource), and Jain's index over the owners;
//   - preemptions; tasks lost (killed when a machine's lease lapsed, or by its crash);
//   - and the architecture-specific counts (conflicts, offers) from outputs.

import type { ClusterView, Metrics } from '../../../core/algorithm.js';
import type { SchedulingNodeState } from './machine.js';
import type { SchedulingOutput } from './outputs.js';
import type { JobKind, SchedulingWorkloadOptions } from './workload.js';

type View = ClusterView<SchedulingNodeState, SchedulingOutput>;

/** Nearest-rank percentile of an ascending list (0 when empty). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Waits {
  all: number[];
  byKind: Record<JobKind, number[]>;
  placed: number;
}

function jobWaits(view: View): Waits {
  const arrival = new Map<number, { atMs: number; kind: JobKind; tasks: number }>();
  const firstStart = new Map<number, Map<number, number>>();
  for (const { atMs, output: e } of view.outputs) {
    if (e.type === 'arrive') arrival.set(e.job, { atMs, kind: e.kind, tasks: e.tasks });
    if (e.type !== 'start') continue;
    const starts = firstStart.get(e.job) ?? new Map<number, number>();
    if (!starts.has(e.index)) starts.set(e.index, atMs);
    firstStart.set(e.job, starts);
  }
  const waits: Waits = { all: [], byKind: { batch: [], service: [] }, placed: 0 };
  for (const [job, a] of arrival) {
    const starts = firstStart.get(job);
    if (starts === undefined || starts.size < a.tasks) continue;
    const wait = Math.max(...starts.values()) - a.atMs;
    waits.all.push(wait);
    waits.byKind[a.kind].push(wait);
    waits.placed++;
  }
  for (const list of [waits.all, waits.byKind.batch, waits.byKind.service])
    list.sort((x, y) => x - y);
  return waits;
}

interface Usage {
  cpuMs: number;
  memMs: number;
  /** Time-integrated dominant share per group ("batch", "service", "owner 0", …). */
  shareMs: Map<string, number>;
  fromMs: number;
  toMs: number;
}

type TaskOutput = Extract<SchedulingOutput, { type: 'start' | 'end' }>;

/**
 * Integrates usage over time from the start/end outputs (they come in time order) and the
 * machines' crashes, which end every task running there without an output.
 */
function integrate(view: View, totalCpu: number, totalMem: number): Usage {
  const u: Usage = { cpuMs: 0, memMs: 0, shareMs: new Map(), fromMs: -1, toMs: 0 };
  const held = new Map<string, { cpu: number; mem: number }>();
  const live = new Map<string, TaskOutput>();
  let cpu = 0;
  let mem = 0;
  let lastMs = 0;
  const advance = (atMs: number) => {
    const dt = atMs - lastMs;
    u.cpuMs += cpu * dt;
    u.memMs += mem * dt;
    for (const [group, h] of held) {
      const share = Math.max(h.cpu / totalCpu, h.mem / totalMem);
      u.shareMs.set(group, (u.shareMs.get(group) ?? 0) + share * dt);
    }
    lastMs = atMs;
  };
  const apply = (atMs: number, e: TaskOutput, sign: 1 | -1) => {
    advance(atMs);
    cpu += sign * e.cpu;
    mem += sign * e.mem;
    for (const group of [e.kind, `owner ${e.owner}`]) {
      const h = held.get(group) ?? { cpu: 0, mem: 0 };
      held.set(group, { cpu: h.cpu + sign * e.cpu, mem: h.mem + sign * e.mem });
    }
    const key = `${e.machine}:${e.job}.${e.index}.${e.attempt}`;
    if (sign > 0) live.set(key, e);
    else {
      live.delete(key);
      u.toMs = atMs;
    }
  };
  const crashes = view.lifecycle.filter((r) => r.event === 'crash');
  let next = 0;
  const crashesBefore = (i: number) => {
    for (; next < crashes.length && (crashes[next]?.outputsBefore ?? 0) <= i; next++) {
      const c = crashes[next] as (typeof crashes)[number];
      for (const e of [...live.values()]) if (e.machine === c.node) apply(c.atMs, e, -1);
    }
  };
  for (const [i, { atMs, output: e }] of view.outputs.entries()) {
    crashesBefore(i);
    if (e.type === 'arrive' && u.fromMs < 0) {
      u.fromMs = atMs;
      lastMs = atMs;
    }
    if (e.type === 'start') apply(atMs, e, 1);
    else if (e.type === 'end') apply(atMs, e, -1);
  }
  crashesBefore(view.outputs.length);
  return u;
}

/** Tasks killed by a machine's crash (they have a start and no end). */
function crashKills(view: View): number {
  const live = new Set<string>();
  for (const { output: e } of view.outputs) {
    if (e.type !== 'start' && e.type !== 'end') continue;
    const key = `${e.machine}:${e.job}.${e.index}.${e.attempt}`;
    if (e.type === 'start') live.add(key);
    else live.delete(key);
  }
  for (const n of view.nodes)
    for (const t of n.state?.machine?.running ?? [])
      live.delete(`${n.id}:${t.job}.${t.index}.${t.attempt}`);
  return live.size;
}

/** Jain's fairness index of `xs`: 1 when all equal, 1/n when one holds everything. */
function jain(xs: readonly number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

export function schedulingMetrics(
  view: View,
  machines: number,
  o: SchedulingWorkloadOptions,
): Metrics {
  const waits = jobWaits(view);
  const u = integrate(view, machines * o.machineCpu, machines * o.machineMem);
  const spanMs = Math.max(1, u.toMs - Math.max(0, u.fromMs));
  const shareOf = (group: string) => (u.shareMs.get(group) ?? 0) / spanMs;
  const owners = [...u.shareMs.keys()].filter((g) => g.startsWith('owner ')).sort();
  const count = (type: SchedulingOutput['type']) =>
    view.outputs.filter((r) => r.output.type === type).length;
  return {
    machines,
    jobsPlaced: waits.placed,
    tasksStarted: count('start'),
    preemptions: view.outputs.filter(
      (r) => r.output.type === 'end' && r.output.preempted && !r.output.lost,
    ).length,
    tasksLost:
      view.outputs.filter((r) => r.output.type === 'end' && r.output.lost).length +
      crashKills(view),
    waitP50Ms: Math.round(percentile(waits.all, 50)),
    waitP99Ms: Math.round(percentile(waits.all, 99)),
    waitP99BatchMs: Math.round(percentile(waits.byKind.batch, 99)),
    waitP99ServiceMs: Math.round(percentile(waits.byKind.service, 99)),
    makespanMs: Math.round(u.toMs),
    utilizationCpuPercent: round((100 * u.cpuMs) / (spanMs * machines * o.machineCpu)),
    utilizationMemPercent: round((100 * u.memMs) / (spanMs * machines * o.machineMem)),
    dominantShareBatch: round(shareOf('batch'), 3),
    dominantShareService: round(shareOf('service'), 3),
    ownerShares: owners.map((g) => `${g.slice(6)}:${round(shareOf(g), 3)}`).join(' '),
    fairnessJain: round(jain(owners.map(shareOf)), 3),
  };
}
