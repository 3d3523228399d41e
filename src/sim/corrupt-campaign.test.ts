// Peer input never stops a node, for EVERY registered algorithm (issue 14's check): each
// has a parser that takes every message its default run sends as is and never throws on
// anything (fast-check); under the `corrupt` fault kind no run throws and every corrupted
// message is dropped as malformed — a link that corrupts everything delivers nothing — and
// where the algorithm's fault model tolerates 'corrupt' (a drop the receiver notices), every
// invariant holds, and liveness too once the corruption stops.

import { describe, expect, it } from 'vitest';
import { expectParserTotal, expectSentMessagesParse } from '../../test/support/message-parser.js';
import { algorithms } from '../algorithms/registry.js';
import type { AnyAlgorithm } from '../core/algorithm.js';
import { type RunResult, resolveOptions, simulate } from './run.js';

const SEEDS = [1, 2, 3];

function tolerates(spec: AnyAlgorithm): boolean {
  return spec.faultModel?.(resolveOptions(spec))?.tolerates.includes('corrupt') ?? true;
}

/** The fault window the fuzzer uses for this algorithm. */
function windowMs(spec: AnyAlgorithm): number {
  return Math.max(100, Math.floor(spec.durationMs * 0.6));
}

/** The link that carries the most messages in the default run, as [from, to]. */
function busiestLink(spec: AnyAlgorithm): [number, number] {
  const counts = new Map<string, number>();
  for (const r of simulate(spec, { trace: 'full' }).sim.trace.records)
    if (r.ev === 'send' && r.from !== r.to)
      counts.set(`${r.from}->${r.to}`, (counts.get(`${r.from}->${r.to}`) ?? 0) + 1);
  const [link] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  const [from, to] = link.split('->').map(Number);
  return [from as number, to as number];
}

function broken(result: RunResult, opts: { liveness: boolean }): string[] {
  const checks = [...result.invariants, ...(opts.liveness ? result.liveness : [])];
  return checks.filter((c) => !c.holds).map((c) => `${c.name}: ${c.violation}`);
}

describe.each(algorithms.map((spec) => [spec.name, spec] as const))('%s', (_name, spec) => {
  it('has a parser that takes every message its run sends and never throws', () => {
    expect(spec.parseMessage, 'parseMessage is registered').toBeTypeOf('function');
    expectParserTotal(spec, expectSentMessagesParse(spec, [{}]));
  });

  it.each(SEEDS)('survives corrupt 0.2 in its fault window (seed %i)', (seed) => {
    const faults = `corrupt 0.2 @0..${windowMs(spec)}`;
    const { result } = simulate(spec, { seed, faults, trace: 'off' });
    // An exception inside a step is a failed check: 'assertions' for an AssertionError,
    // 'exception' for any other (simulate() never throws it).
    expect(result.invariants.find((c) => c.name === 'assertions')).toBeUndefined();
    expect(result.invariants.find((c) => c.name === 'exception')).toBeUndefined();
    expect(result.messages.dropped).toBeGreaterThan(0);
    if (tolerates(spec)) expect(broken(result, { liveness: true })).toEqual([]);
  });

  it('drops every message of a link that corrupts all it carries', () => {
    const [from, to] = busiestLink(spec);
    const faults = `link ${from}->${to} corrupt 1`;
    const { result, sim } = simulate(spec, { faults, trace: 'full' });
    const onLink = sim.trace.records.filter(
      (r) =>
        (r.ev === 'send' || r.ev === 'deliver' || r.ev === 'drop') &&
        r.from === from &&
        r.to === to,
    );
    const malformed = onLink.filter((r) => r.ev === 'drop' && r.reason === 'malformed');
    expect(onLink.filter((r) => r.ev === 'deliver')).toEqual([]);
    expect(malformed.length).toBeGreaterThan(0);
    expect(result.invariants.find((c) => c.name === 'assertions')).toBeUndefined();
    expect(result.invariants.find((c) => c.name === 'exception')).toBeUndefined();
    if (tolerates(spec)) expect(broken(result, { liveness: false })).toEqual([]);
  });
});
