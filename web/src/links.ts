// Links the fault plan has cut at a time t, and the plan edit that toggles one. The plan
// language has no per-link heal (`heal @T` ends every cut), so healing one link ends the
// `block`/`partition` lines that cut it at T (`@A` becomes `@A..T`) and re-blocks, from T on,
// whatever else those lines cut. Only the edited lines are rewritten: the rest of the user's
// text, comments included, stays as typed.

import { type FaultEvent, formatFaultPlan, parseFaultPlan } from '../../src/sim/fault-plan.js';

type Cut = Extract<FaultEvent, { kind: 'block' | 'partition' }>;

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly fault: FaultEvent | undefined;
}

/** The plan cut at `;` and line ends (outside `#` comments), each piece with its fault. */
function segmentsOf(plan: string, nodes: number): Segment[] {
  const segments: Segment[] = [];
  let offset = 0;
  for (const line of plan.split('\n')) {
    const comment = /(^|[\s;])#/.exec(line);
    const code = comment === null ? line : line.slice(0, comment.index + (comment[1] ?? '').length);
    let start = offset;
    for (const piece of code.split(';')) {
      const fault = parseFaultPlan(piece, nodes).faults[0];
      segments.push({ start, end: start + piece.length, fault });
      start += piece.length + 1;
    }
    offset += line.length + 1;
  }
  return segments;
}

/** The directed links a cut blocks, as `from>to`. */
function pairsOf(cut: Cut): string[] {
  const pairs: string[] = [];
  const add = (a: number, b: number) => {
    if (a !== b) pairs.push(`${a}>${b}`);
  };
  if (cut.kind === 'block') for (const a of cut.from) for (const b of cut.to) add(a, b);
  else
    for (const g of cut.groups)
      for (const h of cut.groups) if (g !== h) for (const a of g) for (const b of h) add(a, b);
  return pairs;
}

/**
 * The segments whose cut is in force at `atMs`, as the simulator applies them: each cut
 * begins at its start and ends at its window's end, `heal` ends all, ties in plan order.
 */
function activeAt(segments: readonly Segment[], atMs: number): Set<number> {
  const steps: { t: number; seq: number; i: number; op: 'begin' | 'end' | 'heal' }[] = [];
  segments.forEach(({ fault: f }, i) => {
    if (f === undefined) return;
    if (f.kind === 'heal') steps.push({ t: f.atMs, seq: steps.length, i, op: 'heal' });
    if (f.kind !== 'block' && f.kind !== 'partition') return;
    steps.push({ t: f.atMs, seq: steps.length, i, op: 'begin' });
    if (f.untilMs !== undefined) steps.push({ t: f.untilMs, seq: steps.length, i, op: 'end' });
  });
  steps.sort((a, b) => a.t - b.t || a.seq - b.seq);
  const active = new Set<number>();
  for (const s of steps) {
    if (s.t > atMs) break;
    if (s.op === 'heal') active.clear();
    else if (s.op === 'begin') active.add(s.i);
    else active.delete(s.i);
  }
  return active;
}

export const linkKey = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;

/** The links (`a-b`, a < b) cut in either direction at `atMs`. Throws on a malformed plan. */
export function cutLinksAt(plan: string, nodes: number, atMs: number): Set<string> {
  const segments = segmentsOf(plan, nodes);
  const cut = new Set<string>();
  for (const i of activeAt(segments, atMs))
    for (const pair of pairsOf(segments[i]?.fault as Cut)) {
      const [a, b] = pair.split('>').map(Number) as [number, number];
      cut.add(linkKey(a, b));
    }
  return cut;
}

/** The blocks that keep `pairs` cut from `atMs` until `untilMs`, one line per source. */
function reblock(pairs: readonly string[], atMs: number, untilMs: number | undefined): Cut[] {
  const bySource = new Map<number, number[]>();
  for (const pair of pairs) {
    const [a, b] = pair.split('>').map(Number) as [number, number];
    bySource.set(a, [...(bySource.get(a) ?? []), b]);
  }
  return [...bySource].map(([a, to]) => ({ kind: 'block', from: [a], to, atMs, untilMs }));
}

/**
 * The plan with link a–b toggled at `atMs`: cut both ways if it is open then, otherwise
 * healed both ways by ending the lines that cut it. Throws on a malformed plan.
 */
export function toggleLink(plan: string, nodes: number, a: number, b: number, atMs: number) {
  const segments = segmentsOf(plan, nodes);
  const link = new Set([`${a}>${b}`, `${b}>${a}`]);
  const covering = [...activeAt(segments, atMs)].filter((i) =>
    pairsOf(segments[i]?.fault as Cut).some((p) => link.has(p)),
  );
  if (covering.length === 0) {
    const line = `block ${a}->${b} @${atMs}; block ${b}->${a} @${atMs}`;
    return plan.trim() === '' ? line : `${plan.trim()}; ${line}`;
  }
  let text = plan;
  for (const i of covering.sort((x, y) => y - x)) {
    const { start, end, fault } = segments[i] as Segment & { fault: Cut };
    const ended: FaultEvent[] = fault.atMs < atMs ? [{ ...fault, untilMs: atMs }] : [];
    const rest = pairsOf(fault).filter((p) => !link.has(p));
    const faults = [...ended, ...reblock(rest, atMs, fault.untilMs)];
    const piece = text.slice(start, end);
    const lead = /^\s*/.exec(piece)?.[0] ?? '';
    const trail = /\s*$/.exec(piece)?.[0] ?? '';
    text = `${text.slice(0, start)}${lead}${formatFaultPlan({ faults })}${trail}${text.slice(end)}`;
  }
  return tidy(text);
}

/** Drops the empty pieces a removed line leaves (`a; ; b` → `a; b`). */
function tidy(plan: string): string {
  return plan
    .split('\n')
    .map((line) =>
      line
        .replace(/;(\s*;)+/g, ';')
        .replace(/^\s*;\s*/, '')
        .replace(/\s*;\s*$/, ''),
    )
    .join('\n')
    .trim();
}
