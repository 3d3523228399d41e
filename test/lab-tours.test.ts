// Every named scenario of every registered algorithm has a guided tour in the Lab
// (web/src/tour/), derived from its run's trace: steps in time order at ticks within the
// run, starting at 0 and ending at the run's end, each with English and Chinese text; a stop
// at the first fault event the trace records, and at the first broken invariant when the
// scenario exists to show one. The runs are the page's own (runLab), as `cohort sim NAME
// --scenario S` makes them.

import { describe, expect, it } from 'vitest';
import { listedAlgorithms } from '../src/algorithms/registry.js';
import { runLab } from '../web/src/run.js';
import { parseFault } from '../web/src/tour/moments.js';
import { tourOf } from '../web/src/tour/tour.js';

const CJK = /[\u4e00-\u9fff]/;

const all = listedAlgorithms().flatMap((spec) =>
  spec.scenarios.map((s) => [spec.name, s.name, s] as const),
);

describe('the Lab has a tour of every named scenario', () => {
  it('covers every algorithm that has scenarios', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  it.each(all)('%s %s', (algorithm, _name, scenario) => {
    const run = runLab({
      algorithm,
      nodes: scenario.nodes,
      seed: 1,
      faults: scenario.faults,
      options: scenario.options ?? {},
      ...(scenario.durationMs !== undefined && { durationMs: scenario.durationMs }),
    });
    const steps = tourOf(run, scenario, algorithm);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps[0]?.kind).toBe('setup');
    expect(steps[0]?.t).toBe(0);
    expect(steps.at(-1)?.kind).toBe('end');
    expect(steps.at(-1)?.t).toBe(run.endMs);
    for (const [i, step] of steps.entries()) {
      expect(step.t, `step ${i} within the run`).toBeGreaterThanOrEqual(0);
      expect(step.t, `step ${i} within the run`).toBeLessThanOrEqual(run.endMs);
      if (i > 0) expect(step.t).toBeGreaterThanOrEqual(steps[i - 1]?.t ?? 0);
      expect(step.text.en.trim().length, `step ${i} in English`).toBeGreaterThan(10);
      expect(step.text.zh, `step ${i} in Chinese`).toMatch(CJK);
      expect(step.text.en).not.toMatch(/undefined|NaN|\[object/);
      expect(step.text.zh).not.toMatch(/undefined|NaN|\[object/);
    }
    // No two steps say the same thing: each Next shows something new.
    expect(new Set(steps.map((s) => s.text.en)).size).toBe(steps.length);
    // The first fault the trace records is a stop, at its tick.
    const fault = run.records.find((r) => r.ev === 'fault');
    if (fault !== undefined && fault.t <= run.endMs)
      expect(steps.some((s) => s.kind === 'fault' && s.t === fault.t)).toBe(true);
    // A broken invariant is a stop at the step that broke it; one judged only at the end
    // (a history's linearizability, say) is named by the last step.
    const broken = run.violations[0];
    if (broken !== undefined) expect(steps.find((s) => s.kind === 'violation')?.t).toBe(broken.t);
    else expect(steps.some((s) => s.kind === 'violation')).toBe(false);
    const unsafe = run.result?.invariants.filter((c) => !c.holds) ?? [];
    expect(unsafe.length > 0).toBe(scenario.expect.safety === 'violated');
    for (const c of unsafe) expect(steps.at(-1)?.text.en).toContain(`“${c.name}”`);
  });
});

describe('fault texts', () => {
  it('reads the verbs and nodes the simulator records', () => {
    expect(parseFault('crash 2 @300')).toEqual({ verb: 'crash', nodes: [2], text: 'crash 2' });
    expect(parseFault('end partition 1,2|3,4,5 @0..600')).toEqual({
      verb: 'heal',
      nodes: [1, 2, 3, 4, 5],
      text: 'end partition 1,2|3,4,5',
    });
    expect(parseFault('pause 4 @30..3030').verb).toBe('pause');
    expect(parseFault('end pause 4 @30..3030').verb).toBe('resume');
    expect(parseFault('block 1->2,3,4 @215..225').verb).toBe('block');
    expect(parseFault('end block 1->2,3,4 @215..225').verb).toBe('unblock');
    expect(parseFault('something new').verb).toBe('other');
  });
});
