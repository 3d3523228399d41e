// clock/lamport on the kernel: the clock and the event count are durable fields, so a node
// restarted in the middle of its workload resumes from them (it neither restarts its clock
// at zero nor performs its events again).

import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../core/algorithm.js';
import { nodeIds } from '../../../core/process.js';
import { parseFaultPlan } from '../../../sim/fault-plan.js';
import { resolveOptions } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import { lamport } from './index.js';
import type { LamportState } from './state.js';

describe('clock/lamport', () => {
  it('a restarted node resumes its clock and its event count', () => {
    const ctx: RunContext = { nodes: nodeIds(3), options: resolveOptions(lamport), seed: 3 };
    const sim = new Simulator({
      seed: 3,
      nodes: 3,
      create: (id) => lamport.create(id, ctx),
      faults: parseFaultPlan('crash 2 @300; restart 2 @300', 3),
    });
    sim.start();
    sim.runUntil(299);
    const before = sim.nodes[1]?.state as LamportState;
    expect(before.performed).toBeGreaterThan(0);
    const { clock, performed } = before;
    sim.runUntil(300);
    const after = sim.nodes[1]?.state as LamportState;
    expect(after).not.toBe(before);
    expect(after).toMatchObject({ clock, performed, done: false });
  });
});
