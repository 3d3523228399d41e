// The Lab's message flights (web/src/flights.ts): every message the simulator counts is on the
// stage exactly once — each delivery a delivered flight, each drop a dropped one (lost at the
// send halfway along its link, refused on arrival at the receiver), each network duplicate a
// second flight — and each delivered flight carries the very message delivered.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import type { AnyAlgorithm } from '../src/core/algorithm.js';
import { simulate } from '../src/sim/run.js';
import { flightsOf } from '../web/src/flights.js';

const runs = [
  ['mutex/ricart-agrawala', 'drop 20% @0..2000; dup 20% @0..2000; crash 3 @500'],
  ['consensus/raft', 'partition 1,2|3,4,5 @300..900; dup 10% @0..1500; crash 4 @1000'],
  ['election/bully', 'drop 30% @0..1000; crash 5 @300; restart 5 @700'],
] as const;

describe('Lab flights', () => {
  it.each(runs)('%s under %s: every message drawn once', (name, faults) => {
    const spec = findAlgorithm(name) as AnyAlgorithm;
    const { result, sim } = simulate(spec, { seed: 1, faults, trace: 'full' });
    const flights = flightsOf(sim.trace.records);
    const delivered = flights.filter((f) => f.dropped === undefined);
    const dropped = flights.filter((f) => f.dropped !== undefined);
    expect(delivered).toHaveLength(result.messages.delivered);
    expect(dropped).toHaveLength(result.messages.dropped);
    expect(flights.filter((f) => f.duplicate)).toHaveLength(result.messages.duplicated);
    expect(result.messages.dropped).toBeGreaterThan(0);
    for (const f of flights) expect(f.arrivesAt).toBeGreaterThanOrEqual(f.sentAt);
    // Lost at the send: halfway; refused on arrival: at the receiver.
    for (const f of dropped) expect(f.reach).toBe(f.dropped === 'loss' ? 0.5 : f.reach);
    expect(dropped.filter((f) => f.dropped === 'down').every((f) => f.reach === 1)).toBe(true);
    // Each delivered flight is a delivery of its message on its link at its arrival.
    const deliveries = new Set(
      sim.trace.records.flatMap((r) =>
        r.ev === 'deliver' ? [`${r.t} ${r.from}>${r.to} ${JSON.stringify(r.msg)}`] : [],
      ),
    );
    for (const f of delivered)
      expect(deliveries.has(`${f.arrivesAt} ${f.from}>${f.to} ${JSON.stringify(f.msg)}`)).toBe(
        true,
      );
  });
});
