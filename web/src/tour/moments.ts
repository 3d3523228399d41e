// The moments a scenario's tour stops at, derived from the run's own trace — never a tick
// written by hand: the opening; the algorithm at work before anything goes wrong (the first
// of each kind of milestone output: a leader elected, a critical section entered, a
// decision); each fault event of the plan (crash, restart, partition, heal, pause, block,
// and the first message lost or duplicated by a lossy network) with what the algorithm did
// next (its first milestone after it, at an affected node if there is one, and the first
// leader claimed); the first broken invariant; and the end with the checks' verdict.
// Input is the Lab's run (a finished simulation), so nothing here is untrusted; a fault
// text this module does not know becomes a generic 'other' fault rather than an error.

import type { Output } from '../../../src/core/process.js';
import type { TraceRecord } from '../../../src/sim/trace.js';
import type { LabRun } from '../run.js';

/** A fault event of the plan, as the trace records it (`crash 2 @300`, `end partition …`). */
export interface FaultEvent {
  readonly verb:
    | 'crash'
    | 'restart'
    | 'pause'
    | 'resume'
    | 'partition'
    | 'heal'
    | 'block'
    | 'unblock'
    | 'loss'
    | 'dup'
    | 'other';
  /** The nodes it names (crash/restart/pause), or a partition's sides, or a block's links. */
  readonly nodes: readonly number[];
  /** The fault text as the plan has it, without its time (`partition 1,2|3,4,5`). */
  readonly text: string;
}

export type Moment =
  | { readonly kind: 'setup'; readonly t: number }
  | {
      readonly kind: 'milestone';
      readonly t: number;
      readonly node: number;
      readonly output: Output;
    }
  | { readonly kind: 'fault'; readonly t: number; readonly fault: FaultEvent }
  | {
      readonly kind: 'violation';
      readonly t: number;
      readonly check: string;
      readonly violation: string;
    }
  | { readonly kind: 'end'; readonly t: number };

/**
 * Outputs that mark the algorithm doing its job — what a student should look for. Progress
 * chatter (requests, votes, applies, invokes) is left out: it happens all the time.
 */
export const MILESTONES: ReadonlySet<string> = new Set([
  'leader',
  'elected',
  'view',
  'regenerate',
  'enter',
  'decide',
  'outcome',
  'commit',
  'chosen',
  'learned',
  'deliver',
  'executed',
  'suspect',
  'reorg',
  'refused',
  'reject',
  'lib',
  'mined',
  'minted',
  'produced',
  'start',
  'conflict',
  'duplicate',
  'consume',
  'event',
]);

/** Whether an output claims leadership (a follower's "leader is N" names someone else). */
export function claimsLeadership(node: number, output: Output): boolean {
  const leader = (output as { leader?: unknown }).leader;
  if (output.type === 'elected') return true;
  return output.type === 'leader' && (typeof leader !== 'number' || leader === node);
}

function isMilestone(node: number, output: Output): boolean {
  if (!MILESTONES.has(output.type)) return false;
  return output.type !== 'leader' || claimsLeadership(node, output);
}

const FAULT_TEXT = /^(end )?(\w+) (.*?)(?: @\S+)?$/;
const VERBS: Record<string, readonly [FaultEvent['verb'], FaultEvent['verb']]> = {
  crash: ['crash', 'other'],
  restart: ['restart', 'other'],
  pause: ['pause', 'resume'],
  partition: ['partition', 'heal'],
  block: ['block', 'unblock'],
};

/** The fault record's text as an event: its verb and the numbers it names. */
export function parseFault(fault: string): FaultEvent {
  const m = FAULT_TEXT.exec(fault.trim());
  const pair = m === null ? undefined : VERBS[m[2] ?? ''];
  const what = m?.[3] ?? fault;
  const nodes = (what.match(/\d+/g) ?? []).map(Number);
  if (m === null || pair === undefined) return { verb: 'other', nodes, text: fault };
  const verb = m[1] === undefined ? pair[0] : pair[1];
  return { verb, nodes, text: `${m[1] ?? ''}${m[2]} ${what}` };
}

interface Timed {
  readonly t: number;
  /** The trace record's index: what happened at the same tick is ordered by it. */
  readonly i: number;
  readonly fault: FaultEvent;
}

/** Fault events in order; crashes (or restarts) of several nodes at one tick are one event. */
function faultEvents(records: readonly TraceRecord[]): Timed[] {
  const events: Timed[] = [];
  let loss = false;
  let dup = false;
  for (const [i, r] of records.entries()) {
    let fault: FaultEvent | undefined;
    if (r.ev === 'fault') fault = parseFault(r.fault);
    else if (r.ev === 'drop' && r.reason === 'loss' && !loss) {
      loss = true;
      fault = { verb: 'loss', nodes: [r.from, r.to], text: `${r.from}->${r.to} ${r.type}` };
    } else if (r.ev === 'dup' && !dup) {
      dup = true;
      fault = { verb: 'dup', nodes: [r.from, r.to], text: `${r.from}->${r.to} ${r.type}` };
    }
    if (fault === undefined) continue;
    const last = events.at(-1);
    const joins =
      last !== undefined &&
      last.t === r.t &&
      last.fault.verb === fault.verb &&
      (fault.verb === 'crash' || fault.verb === 'restart');
    if (joins && last !== undefined)
      events[events.length - 1] = {
        ...last,
        fault: { ...last.fault, nodes: [...last.fault.nodes, ...fault.nodes] },
      };
    else events.push({ t: r.t, i, fault });
  }
  return events;
}

interface Said {
  readonly t: number;
  readonly i: number;
  readonly node: number;
  readonly output: Output;
}

function milestonesOf(records: readonly TraceRecord[]): Said[] {
  const found: Said[] = [];
  for (const [i, r] of records.entries())
    if (r.ev === 'output' && isMilestone(r.node, r.output))
      found.push({ t: r.t, i, node: r.node, output: r.output });
  return found;
}

/** The first of each kind of milestone before record `to`, at most `max`. */
function firstOfEach(said: readonly Said[], to: number, max: number): Said[] {
  const kinds = new Set<string>();
  const picked: Said[] = [];
  for (const s of said) {
    if (s.i >= to || picked.length >= max) continue;
    const kind = s.output.type === 'elected' ? 'leader' : s.output.type;
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    picked.push(s);
  }
  return picked;
}

/**
 * What the algorithm did after a fault, before the next one: its first milestone (at a node
 * the fault named, if one says anything), and the first leader claimed if that is another.
 */
function reactions(said: readonly Said[], event: Timed, until: number): Said[] {
  const window = said.filter((s) => s.i > event.i && s.i < until);
  const affected = new Set(event.fault.nodes);
  const first = window.find((s) => affected.has(s.node)) ?? window[0];
  const claim = window.find((s) => claimsLeadership(s.node, s.output));
  if (first === undefined) return [];
  return claim === undefined || claim === first
    ? [first]
    : [first, claim].sort((a, b) => a.t - b.t);
}

/** More would make a tour of a flapping node a slide show. */
const MAX_FAULT_EVENTS = 6;

/** The tour's moments for a run, in time order, each within [0, run.endMs]. */
export function momentsOf(run: LabRun): Moment[] {
  const { records, endMs } = run;
  const said = milestonesOf(records);
  const events = faultEvents(records)
    .filter((e) => e.t <= endMs)
    .slice(0, MAX_FAULT_EVENTS);
  const firstFault = events[0]?.i ?? Number.POSITIVE_INFINITY;
  const moments: Moment[] = [{ kind: 'setup', t: 0 }];
  const milestone = (s: Said): Moment => ({
    kind: 'milestone',
    t: s.t,
    node: s.node,
    output: s.output,
  });
  moments.push(...firstOfEach(said, firstFault, events.length === 0 ? 3 : 2).map(milestone));
  events.forEach((e, i) => {
    moments.push({ kind: 'fault', t: e.t, fault: e.fault });
    const until = events[i + 1]?.i ?? Number.POSITIVE_INFINITY;
    moments.push(...reactions(said, e, until).map(milestone));
  });
  const broken = run.violations[0];
  if (broken !== undefined)
    moments.push({
      kind: 'violation',
      t: broken.t,
      check: broken.check,
      violation: broken.violation,
    });
  moments.push({ kind: 'end', t: endMs });
  // A violation stops the run at its step: nothing after it is part of the run.
  return moments
    .filter((m) => m.t <= endMs)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.t - b.m.t || a.i - b.i)
    .map(({ m }) => m);
}
