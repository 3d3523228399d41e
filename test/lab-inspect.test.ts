// The Lab inspector's data (web/src/state-probe.ts, inspect/, state-format.ts): the probe's
// replay holds the run's own state at t whether it got there directly, forwards from an
// earlier time or back from a later one; every registered algorithm's node states print
// without throwing (new algorithms included); each algorithm that declares inspector fields
// recognises its nodes' states.

import { describe, expect, it } from 'vitest';
import { findAlgorithm, listedAlgorithms } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { defaultNodes } from '../src/sim/run.js';
import { declaredAlgorithms, inspectorFieldsOf } from '../web/src/inspect/fields.js';
import type { RunInput } from '../web/src/run.js';
import { isCompound, rowsOf, summaryOf } from '../web/src/state-format.js';
import { StateProbe } from '../web/src/state-probe.js';

const inputOf = (spec: AnyAlgorithm, faults = ''): RunInput => ({
  algorithm: spec.name,
  nodes: undefined,
  seed: 1,
  faults,
  options: {},
});

/** Every summary in the state, nested values included (bounded), as one string. */
function printAll(value: unknown, depth = 0, seen = new Set<object>()): string {
  if (!isCompound(value) || seen.has(value) || depth > 6) return String(value);
  seen.add(value);
  return `${summaryOf(value)}(${rowsOf(value)
    .slice(0, 50)
    .map(([k, x]) => `${k}=${printAll(x, depth + 1, seen)}`)
    .join(';')})`;
}

const raft = findAlgorithm('consensus/raft') as AnyAlgorithm;

describe('Lab inspector data', () => {
  it('replays to the same state directly, forwards and backwards', () => {
    const input = {
      ...inputOf(raft, 'crash 3 @700; restart 3 @1200'),
      options: { configChanges: false },
    };
    const fieldsAt = (probe: StateProbe, id: number, t: number) =>
      JSON.stringify(inspectorFieldsOf(raft.name, probe.at(id, t)?.state));
    const moving = new StateProbe(raft, input);
    for (const [t, back] of [
      [300, 0],
      [900, 0],
      [1500, 0],
      [600, 1],
    ] as const) {
      const direct = new StateProbe(raft, input);
      for (const id of [1, 3, 6]) {
        const seen = fieldsAt(moving, id, t);
        expect(seen, `node ${id} at ${t}${back ? ' (back)' : ''}`).toBe(fieldsAt(direct, id, t));
      }
    }
    expect(moving.at(3, 900)?.up).toBe(false);
    expect(moving.at(3, 1500)).toMatchObject({ up: true, incarnation: 1 });
    expect(inspectorFieldsOf(raft.name, moving.at(3, 600)?.state)?.[1]).toEqual({
      label: 'role',
      value: 'leader',
    });
  });

  it.each(listedAlgorithms().map((a) => a.name))('prints every node state of %s', (name) => {
    const spec = findAlgorithm(name) as AnyAlgorithm;
    const probe = new StateProbe(spec, inputOf(spec));
    const n = defaultNodes(spec);
    for (const t of [spec.durationMs / 4, spec.durationMs])
      for (let id = 1; id <= n; id++) {
        const node = probe.at(id, t);
        expect(node?.id).toBe(id);
        expect(printAll(node?.state)).not.toBe('');
        if (node?.up && declaredAlgorithms().includes(name))
          expect(inspectorFieldsOf(name, node.state), `${name} node ${id}`).toBeDefined();
      }
  });

  it('declares fields only for registered algorithms', () => {
    for (const name of declaredAlgorithms()) expect(findAlgorithm(name), name).toBeDefined();
  });
});
