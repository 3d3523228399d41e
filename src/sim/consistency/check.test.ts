// Hand-made histories for every model, each chosen to satisfy one model and break the next
// stronger one (the ladder linearizable ⇒ sequential ⇒ causal ⇒ session guarantees), each
// session guarantee broken alone, eventual consistency apart from the ladder, and the
// histories the models cannot decide.

import { describe, expect, it } from 'vitest';
import type { ClientHistoryEvent } from '../../core/algorithm.js';
import { HistoryError } from '../linearizability/operations.js';
import { type ConsistencyModel, checkConsistency } from './check.js';

type Step = readonly [process: number, f: 'r' | 'w' | 'cas', key: string, value: unknown];

/** Each step invoked and completed before the next one starts (real time = list order). */
function serial(...steps: Step[]): ClientHistoryEvent[] {
  return steps.flatMap(([process, f, key, value], i) => {
    const name = f === 'r' ? 'read' : f === 'w' ? 'write' : 'cas';
    const invoke = f === 'r' ? null : value;
    return [
      { process, type: 'invoke', f: name, key, value: invoke, time: 2 * i },
      { process, type: 'ok', f: name, key, value, time: 2 * i + 1 },
    ] as ClientHistoryEvent[];
  });
}

function verdicts(events: ClientHistoryEvent[]): Record<ConsistencyModel, boolean | 'unknown'> {
  const r = checkConsistency(events, 'kv');
  return Object.fromEntries(r.verdicts.map((v) => [v.model, v.holds])) as Record<
    ConsistencyModel,
    boolean | 'unknown'
  >;
}

function violators(events: ClientHistoryEvent[], model: ConsistencyModel): string[][] {
  const v = checkConsistency(events, 'kv').verdicts.find((x) => x.model === model)!;
  return v.violations.map((g) => g.map((op) => `${op.process} ${op.f} ${op.key} ${op.value}`));
}

const all = (holds: boolean) =>
  ({
    linearizable: holds,
    sequential: holds,
    causal: holds,
    'read-your-writes': holds,
    'monotonic-reads': holds,
    'monotonic-writes': holds,
  }) as const;

describe('consistency models on hand-made histories', () => {
  it('a linearizable history satisfies every model', () => {
    const h = serial([0, 'w', 'x', 1], [1, 'r', 'x', 1], [1, 'cas', 'x', [1, 2]], [0, 'r', 'x', 2]);
    expect(verdicts(h)).toEqual({ ...all(true), eventual: true });
  });

  it('sequential, not linearizable: a read that returns nil after the write completed', () => {
    const h = serial([0, 'w', 'x', 1], [1, 'r', 'x', null]);
    expect(verdicts(h)).toMatchObject({ linearizable: false, sequential: true, causal: true });
    expect(violators(h, 'linearizable')).toEqual([['0 write x 1', '1 read x null']]);
  });

  it('causal, not sequential: two concurrent writes seen in opposite orders', () => {
    const h = serial(
      [0, 'w', 'x', 1],
      [1, 'w', 'x', 2],
      [2, 'r', 'x', 1],
      [3, 'r', 'x', 2],
      [2, 'r', 'x', 2],
      [3, 'r', 'x', 1],
    );
    expect(verdicts(h)).toMatchObject({
      linearizable: false,
      sequential: false,
      causal: true,
      'monotonic-reads': true,
    });
    // The first operation no order can take: process 3's read of 1, after it read 2.
    expect(violators(h, 'sequential')).toEqual([['0 write x 1', '3 read x 1']]);
  });

  it('every session guarantee, not causal: a write seen without the write it depended on', () => {
    const h = serial(
      [0, 'w', 'x', 1],
      [1, 'r', 'x', 1],
      [1, 'w', 'y', 2],
      [2, 'r', 'y', 2],
      [2, 'r', 'x', null],
    );
    expect(verdicts(h)).toMatchObject({
      sequential: false,
      causal: false,
      'read-your-writes': true,
      'monotonic-reads': true,
      'monotonic-writes': true,
    });
    expect(violators(h, 'causal')).toEqual([['0 write x 1', '2 read x null']]);
  });

  it('breaks read-your-writes alone: a session misses its own write', () => {
    const h = serial([0, 'w', 'x', 1], [0, 'r', 'x', null]);
    expect(verdicts(h)).toMatchObject({
      causal: false,
      'read-your-writes': false,
      'monotonic-reads': true,
      'monotonic-writes': true,
    });
    expect(violators(h, 'read-your-writes')).toEqual([['0 write x 1', '0 read x null']]);
    // Its own later write read back after an earlier one: older than its own write.
    const older = serial([0, 'w', 'x', 1], [0, 'w', 'x', 2], [0, 'r', 'x', 1]);
    expect(verdicts(older)['read-your-writes']).toBe(false);
    // Someone else's write after its own is fine.
    const newer = serial([0, 'w', 'x', 1], [1, 'w', 'x', 2], [0, 'r', 'x', 2]);
    expect(verdicts(newer)).toMatchObject({ linearizable: true, 'read-your-writes': true });
  });

  it('breaks monotonic reads alone: a session goes back to an older version', () => {
    const h = serial([0, 'w', 'x', 1], [1, 'r', 'x', 1], [1, 'r', 'x', null]);
    expect(verdicts(h)).toMatchObject({
      causal: false,
      'read-your-writes': true,
      'monotonic-reads': false,
      'monotonic-writes': true,
    });
    expect(violators(h, 'monotonic-reads')).toEqual([['1 read x 1', '1 read x null']]);
    const flip = serial([0, 'w', 'x', 1], [1, 'w', 'x', 2], [2, 'r', 'x', 1], [2, 'r', 'x', 2]);
    expect(verdicts([...flip, ...serial([2, 'r', 'x', 1]).map(later(8))])).toMatchObject({
      'monotonic-reads': false,
    });
  });

  it("breaks monotonic writes alone: a session's writes seen out of order", () => {
    const h = serial([0, 'w', 'x', 1], [0, 'w', 'x', 2], [1, 'r', 'x', 2], [1, 'r', 'x', 1]);
    expect(verdicts(h)).toMatchObject({
      causal: false,
      'read-your-writes': true,
      'monotonic-reads': true,
      'monotonic-writes': false,
    });
    expect(violators(h, 'monotonic-writes')).toEqual([
      ['0 write x 1', '0 write x 2', '1 read x 2', '1 read x 1'],
    ]);
  });

  it('eventual stands apart: sequential without converging, converging without causality', () => {
    // Both reads come after the last write, and disagree; sequential consistency allows it.
    const split = serial([0, 'w', 'x', 1], [1, 'w', 'x', 2], [2, 'r', 'x', 1], [3, 'r', 'x', 2]);
    expect(verdicts(split)).toMatchObject({ sequential: true, eventual: false });
    expect(violators(split, 'eventual')).toEqual([['2 read x 1', '3 read x 2']]);
    const agree = serial([0, 'w', 'x', 1], [0, 'w', 'x', 2], [1, 'r', 'x', 2], [2, 'r', 'x', 2]);
    expect(verdicts(agree).eventual).toBe(true);
    // Reads before a later write do not count; a key never read after its writes says nothing.
    expect(verdicts(serial([0, 'w', 'x', 1], [1, 'r', 'x', 1], [0, 'w', 'x', 2])).eventual).toBe(
      'unknown',
    );
  });

  it('an indeterminate write counts when observed, and quiescence waits for its last reader', () => {
    const events: ClientHistoryEvent[] = [
      { process: 0, type: 'invoke', f: 'write', key: 'x', value: 1, time: 0 },
      { process: 1, type: 'invoke', f: 'read', key: 'x', value: null, time: 1 },
      { process: 1, type: 'ok', f: 'read', key: 'x', value: 1, time: 2 },
      { process: 2, type: 'invoke', f: 'read', key: 'x', value: null, time: 3 },
      { process: 2, type: 'ok', f: 'read', key: 'x', value: 1, time: 4 },
      { process: 0, type: 'info', f: 'write', key: 'x', value: 1, time: 5 },
    ];
    expect(verdicts(events)).toEqual({ ...all(true), eventual: true });
    // Never observed, it may never have happened: a later read of nil is fine.
    const unseen = [events[0]!, events[3]!, { ...events[4]!, value: null }, events[5]!];
    expect(verdicts(unseen)).toMatchObject({ linearizable: true, causal: true });
  });

  it('a read of a value nobody wrote breaks every model', () => {
    const h = serial([0, 'w', 'x', 1], [1, 'r', 'x', 7]);
    const v = verdicts(h);
    expect(Object.values(v).every((x) => x === false)).toBe(true);
    expect(violators(h, 'causal')).toEqual([['1 read x 7']]);
  });

  it('says unknown, with the reason, when read-from cannot come from the values', () => {
    const twice = serial([0, 'w', 'x', 1], [1, 'w', 'x', 1], [2, 'r', 'x', 1]);
    const r = checkConsistency(twice, 'kv');
    expect(r.verdicts.find((v) => v.model === 'linearizable')?.holds).toBe(true);
    const seq = r.verdicts.find((v) => v.model === 'sequential')!;
    expect(seq.holds).toBe('unknown');
    expect(seq.reason).toMatch(/writes a value written before/);
    const deleted = serial([0, 'w', 'x', 1], [0, 'w', 'x', null]);
    expect(verdicts(deleted).causal).toBe('unknown');
  });

  it('rejects malformed histories and bounds the sequential search', () => {
    const bad: ClientHistoryEvent[] = [
      { process: 0, type: 'ok', f: 'write', key: 'x', value: 1, time: 0 },
    ];
    expect(() => checkConsistency(bad, 'kv')).toThrow(HistoryError);
    // Many unread writes in many sessions: more orders than a tiny bound allows.
    const steps: Step[] = [];
    for (let p = 0; p < 6; p++) for (let i = 0; i < 4; i++) steps.push([p, 'w', 'x', p * 10 + i]);
    steps.push([9, 'r', 'x', 53]);
    const history = serial(...steps);
    const bounded = checkConsistency(history, 'kv', {
      models: ['sequential'],
      maxConfigurations: 3,
    });
    expect(bounded.verdicts).toEqual([
      expect.objectContaining({ model: 'sequential', holds: 'unknown' }),
    ]);
    expect(verdicts(history).sequential).toBe(true);
  });
});

function later(offset: number) {
  return (e: ClientHistoryEvent): ClientHistoryEvent => ({ ...e, time: e.time + offset });
}
