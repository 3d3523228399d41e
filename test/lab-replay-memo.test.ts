// The stage going back in time (issue 22): the state probe remembers what the stage draws
// after every step (web/src/drawings/drawn-history.ts), so a backward move on the slider is a
// lookup, not a replay from time 0. What it answers must be exactly what a fresh replay to
// that time draws — checked at many times, moving backward from the end, for the chains
// (where the replays were slow) and for runs with crashes, restarts, pauses, clock drift and
// a broken invariant — and going back must not build a single new process. The inspector's
// memo of the inspected nodes' full states (web/src/node-history.ts) is held to the same: after
// its first move back, each earlier time reads what a fresh replay reads, without one.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { drawnNodes } from '../web/src/drawings/drawn-nodes.js';
import { inspectorFieldsOf } from '../web/src/inspect/fields.js';
import type { NodeState } from '../web/src/node-state.js';
import { type RunInput, runLab } from '../web/src/run.js';
import { StateProbe } from '../web/src/state-probe.js';

function spec(name: string): AnyAlgorithm {
  const found = findAlgorithm(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

/** The algorithm with its process creations counted (a replay creates every node anew). */
function counted(s: AnyAlgorithm): { spec: AnyAlgorithm; creations: () => number } {
  let n = 0;
  const create: AnyAlgorithm['create'] = (id, ctx) => {
    n++;
    return s.create(id, ctx);
  };
  return { spec: Object.assign(Object.create(s) as AnyAlgorithm, { create }), creations: () => n };
}

const input = (algorithm: string, faults = '', seed = 1): RunInput => ({
  algorithm,
  nodes: undefined,
  seed,
  faults,
  options: {},
});

/** A node's state as data to compare: functions left out, maps and sets as entries. */
function comparable(node: NodeState | undefined): unknown {
  if (node === undefined) return undefined;
  const plain = (x: unknown): unknown =>
    JSON.parse(
      JSON.stringify(x, (_k, v) =>
        typeof v === 'function'
          ? undefined
          : v instanceof Map
            ? { map: [...v] }
            : v instanceof Set
              ? { set: [...v] }
              : ArrayBuffer.isView(v)
                ? { bytes: [...(v as Uint8Array)] }
                : v,
      ) ?? 'null',
    );
  return { ...node, state: plain(node.state) };
}

/** Times from the end back to 0: event times themselves, and times between events. */
function backwardTimes(endMs: number, eventTimes: readonly number[]): number[] {
  const distinct = [...new Set(eventTimes)];
  const picked = Array.from(
    { length: 12 },
    (_, i) => distinct[Math.floor((i * (distinct.length - 1)) / 11)] ?? 0,
  );
  const between = Array.from({ length: 12 }, (_, i) => (endMs * i) / 11 + 0.37);
  return [...picked, ...between, 0].sort((a, b) => b - a);
}

describe('seeking backward on the stage', () => {
  it.each([
    input('chain/pow'),
    input('chain/pos'),
    input('chain/dpos', 'crash 3 @900; restart 3 @1700'),
    input('consensus/raft', 'crash 1 @1500; restart 1 @2500; pause 2 @3000..3600; drift 3 +200ppm'),
    input('mutex/token-ring', 'partition 1,2|3,4,5 @400..1200', 4),
  ])('$algorithm ($faults) draws what a fresh replay draws, without replaying', (given) => {
    const run = runLab(given);
    const watched = counted(spec(given.algorithm));
    const probe = new StateProbe(watched.spec, given);
    const atEnd = probe.drawnAt(run.endMs);
    expect(atEnd.size).toBeGreaterThan(0);
    const created = watched.creations();
    for (const t of backwardTimes(
      run.endMs,
      run.records.map((r) => r.t),
    )) {
      const fresh = new StateProbe(spec(given.algorithm), given);
      expect(probe.drawnAt(t), `t = ${t}`).toEqual(
        drawnNodes(given.algorithm, fresh, t, run.nodes),
      );
    }
    expect(watched.creations()).toBe(created);
  });

  it.each([
    input('chain/dpos', 'crash 3 @900; restart 3 @1700'),
    input('consensus/raft', 'crash 1 @1500; restart 1 @2500; pause 2 @3000..3600; drift 3 +200ppm'),
    input('txn/2pc', 'crash 1 @215; restart 1 @2215'),
  ])('$algorithm: the inspector going back reads what a fresh replay reads', (given) => {
    const run = runLab(given);
    const watched = counted(spec(given.algorithm));
    const probe = new StateProbe(watched.spec, given);
    const ids = Array.from({ length: run.nodes }, (_, i) => i + 1);
    for (const id of ids) probe.at(id, run.endMs);
    // The first move back replays once, remembering the inspected nodes from time 0.
    for (const id of ids) probe.at(id, run.endMs / 2);
    const created = watched.creations();
    for (const t of backwardTimes(
      run.endMs,
      run.records.map((r) => r.t),
    )) {
      const fresh = new StateProbe(spec(given.algorithm), given);
      for (const id of ids) {
        const kept = probe.at(id, t);
        const replayed = fresh.at(id, t);
        expect(comparable(kept), `node ${id} at ${t}`).toEqual(comparable(replayed));
        // What the inspector shows of it, read by its declared fields.
        expect(inspectorFieldsOf(given.algorithm, kept?.state)).toEqual(
          inspectorFieldsOf(given.algorithm, replayed?.state),
        );
      }
    }
    expect(watched.creations()).toBe(created);
  });

  it('after a broken invariant the memo stops where the run stopped', () => {
    const s = spec('testing/volatile-lock');
    const broken = s.scenarios.find((x) => x.expect.safety === 'violated');
    if (broken === undefined) throw new Error('volatile-lock has a violating scenario');
    const given: RunInput = {
      algorithm: s.name,
      nodes: broken.nodes,
      seed: 1,
      faults: broken.faults,
      options: broken.options ?? {},
      ...(broken.durationMs !== undefined && { durationMs: broken.durationMs }),
    };
    const run = runLab(given);
    expect(run.violations.length).toBeGreaterThan(0);
    const probe = new StateProbe(s, given);
    probe.drawnAt(run.endMs + 500);
    for (const t of [run.endMs + 200, run.endMs, (run.violations[0]?.t ?? 0) - 1, 1]) {
      const fresh = new StateProbe(s, given);
      expect(probe.drawnAt(t), `t = ${t}`).toEqual(drawnNodes(s.name, fresh, t, run.nodes));
    }
  });
});
