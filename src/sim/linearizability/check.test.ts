import { describe, expect, it } from 'vitest';
import type { ClientHistoryEvent } from '../../core/algorithm.js';
import { checkLinearizability } from './check.js';
import { withRestRelaxed } from './explain.js';
import { generateHistory } from './generate.js';
import { HistoryError, INITIAL_VALUE, type Operation, toOperations } from './operations.js';
import { linearizable } from './search.js';

/** `0 invoke write 1`, `1 ok read 1`, `2 ok cas 1 2`, `k=x 3 invoke write 1` … in order. */
function history(...lines: string[]): ClientHistoryEvent[] {
  return lines.map((text, time) => {
    const words = text.split(' ');
    const key = words[0]!.startsWith('k=') ? words.shift()!.slice(2) : undefined;
    const [process, type, f, ...rest] = words as [string, ClientHistoryEvent['type'], string];
    const values = rest.map((v) => (v === 'nil' ? null : Number(v)));
    const value = f === 'cas' ? values : (values[0] ?? null);
    return {
      process: Number(process),
      type,
      f: f as ClientHistoryEvent['f'],
      ...(key === undefined ? {} : { key }),
      value,
      time,
    };
  });
}

const register = (...lines: string[]) => checkLinearizability(history(...lines), 'register');
const kv = (...lines: string[]) => checkLinearizability(history(...lines), 'kv');

describe('register model', () => {
  it('accepts sequential and concurrent histories that have an order', () => {
    expect(
      register('0 invoke write 1', '0 ok write 1', '1 invoke read', '1 ok read 1'),
    ).toMatchObject({ linearizable: true, operations: 2, partitions: 1 });
    // The read overlaps both writes, so it may see either.
    const concurrent = [
      '2 invoke read',
      '0 invoke write 1',
      '0 ok write 1',
      '1 invoke write 2',
      '1 ok write 2',
    ];
    expect(register(...concurrent, '2 ok read 1').linearizable).toBe(true);
    expect(register(...concurrent, '2 ok read 2').linearizable).toBe(true);
    expect(register(...concurrent, '2 ok read nil').linearizable).toBe(true);
    expect(register(...concurrent, '2 ok read 3').linearizable).toBe(false);
  });

  it('rejects a read of a value nobody wrote, and a read of the initial value too late', () => {
    expect(register('0 invoke read', '0 ok read 7').linearizable).toBe(false);
    expect(register('0 invoke read', '0 ok read nil').linearizable).toBe(true);
    const r = register('0 invoke write 1', '0 ok write 1', '1 invoke read', '1 ok read nil');
    expect(r.linearizable).toBe(false);
    expect(r.explanation?.reason).toMatch(/stale read: process 1's read null/);
  });

  it('rejects a stale read and explains it with the write it saw and the one it missed', () => {
    const r = register(
      '0 invoke write 1',
      '0 ok write 1',
      '0 invoke write 2',
      '0 ok write 2',
      '1 invoke read',
      '1 ok read 1',
    );
    expect(r.linearizable).toBe(false);
    expect(r.explanation?.operations.map((o) => [o.process, o.f, o.value])).toEqual([
      [0, 'write', 1],
      [0, 'write', 2],
      [1, 'read', 1],
    ]);
    expect(r.explanation?.reason).toMatch(
      /^stale read: process 1's read 1 began after process 0's write of 2/,
    );
    expect(r.explanation?.operations[2]).toMatchObject({
      invokeTime: 4,
      completeTime: 5,
      invokeEvent: 4,
      completeEvent: 5,
      outcome: 'ok',
    });
  });

  it('treats a failed cas as never having happened and an ok cas as having happened', () => {
    const base = ['0 invoke write 1', '0 ok write 1', '1 invoke cas 1 2'];
    expect(register(...base, '1 fail cas 1 2', '2 invoke read', '2 ok read 1').linearizable).toBe(
      true,
    );
    expect(register(...base, '1 fail cas 1 2', '2 invoke read', '2 ok read 2').linearizable).toBe(
      false,
    );
    expect(register(...base, '1 ok cas 1 2', '2 invoke read', '2 ok read 2').linearizable).toBe(
      true,
    );
    expect(register(...base, '1 ok cas 1 2', '2 invoke read', '2 ok read 1').linearizable).toBe(
      false,
    );
    // An ok cas whose expected value the register never held.
    expect(register('0 invoke cas 5 6', '0 ok cas 5 6').linearizable).toBe(false);
  });

  it('lets an indeterminate write take effect late, or never', () => {
    const info = ['0 invoke write 1', '0 ok write 1', '1 invoke write 2', '1 info write 2'];
    // It happened, long after its invoke (its return is at +∞) …
    expect(
      register(...info, '2 invoke read', '2 ok read 1', '3 invoke read', '3 ok read 2'),
    ).toMatchObject({ linearizable: true });
    // … or it never happened.
    expect(register(...info, '2 invoke read', '2 ok read 1').linearizable).toBe(true);
    // But once seen, it cannot be unseen: 2 then 1 needs a second write of 1.
    expect(
      register(...info, '2 invoke read', '2 ok read 2', '3 invoke read', '3 ok read 1')
        .linearizable,
    ).toBe(false);
  });

  it('does not let an indeterminate op take effect before its invoke', () => {
    const r = register('0 invoke read', '0 ok read 2', '1 invoke write 2', '1 info write 2');
    expect(r.linearizable).toBe(false);
    expect(r.explanation?.operations).toHaveLength(1);
  });

  it('needs an indeterminate cas to have happened, and only where its expected value holds', () => {
    const start = ['0 invoke write 1', '0 ok write 1', '1 invoke cas 1 2', '1 info cas 1 2'];
    expect(register(...start, '2 invoke read', '2 ok read 2').linearizable).toBe(true);
    // A write of 3 after the cas's invoke: the cas could only have come before it, and the
    // read after the write of 3 cannot see 2.
    expect(
      register(...start, '0 invoke write 3', '0 ok write 3', '2 invoke read', '2 ok read 2')
        .linearizable,
    ).toBe(false);
  });

  it('pairs an operation left open at the end as indeterminate, and drops an open read', () => {
    expect(register('0 invoke write 4', '1 invoke read', '1 ok read 4').linearizable).toBe(true);
    expect(register('0 invoke read', '1 invoke write 1', '1 ok write 1')).toMatchObject({
      linearizable: true,
      operations: 2,
    });
  });

  it('rejects malformed histories, naming the event', () => {
    const bad = (lines: string[], message: RegExp, index: number) => {
      let error: unknown;
      try {
        register(...lines);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HistoryError);
      expect((error as HistoryError).message).toMatch(message);
      expect((error as HistoryError).eventIndex).toBe(index);
    };
    bad(['0 ok write 1'], /never invoked/, 0);
    bad(['0 invoke write 1', '0 invoke write 2'], /while its earlier operation is open/, 1);
    bad(['0 invoke write 1', '0 ok read 1'], /completes read but invoked write/, 1);
    bad(['0 invoke cas 1'], /cas value must be \[expected, new\]/, 0);
    bad(['0 invoke append 1'], /append value must be a string, got 1/, 0);
  });
});

describe('kv model', () => {
  it('checks each key on its own (P-compositionality)', () => {
    const r = kv(
      'k=x 0 invoke write 1',
      'k=y 1 invoke write 1',
      'k=x 0 ok write 1',
      'k=y 1 ok write 1',
      'k=y 2 invoke read',
      'k=y 2 ok read 1',
      'k=x 2 invoke read',
      'k=x 2 ok read 1',
    );
    expect(r).toMatchObject({ linearizable: true, partitions: 2, operations: 4 });
  });

  it('finds the key whose history fails and explains it there', () => {
    const r = kv(
      'k=x 0 invoke write 1',
      'k=x 0 ok write 1',
      'k=y 1 invoke write 2',
      'k=y 1 ok write 2',
      // A read of y seeing x's value: fine for a single register, wrong per key.
      'k=y 2 invoke read',
      'k=y 2 ok read 1',
    );
    expect(r.linearizable).toBe(false);
    expect(r.explanation?.key).toBe('y');
    expect(r.explanation?.operations.map((o) => o.key)).toEqual(['y']);
    // The same history as one register is linearizable.
    const single = history(
      '0 invoke write 1',
      '0 ok write 1',
      '1 invoke write 2',
      '1 ok write 2',
      '2 invoke read',
      '2 ok read 1',
    );
    expect(checkLinearizability(single, 'register').linearizable).toBe(false);
    expect(() => checkLinearizability(single, 'kv')).toThrow(/the kv model needs a key/);
  });

  it('splits jepsen.independent [key value] tuples', () => {
    const events: ClientHistoryEvent[] = [
      { process: 0, type: 'invoke', f: 'write', value: [':a', 1], time: 0 },
      { process: 0, type: 'ok', f: 'write', value: [':a', 1], time: 1 },
      { process: 1, type: 'invoke', f: 'cas', value: [':b', [null, 3]], time: 2 },
      { process: 1, type: 'info', f: 'cas', value: ':timed-out', time: 3 },
      { process: 2, type: 'invoke', f: 'read', value: [':b', null], time: 4 },
      { process: 2, type: 'ok', f: 'read', value: [':b', 3], time: 5 },
      { process: 2, type: 'invoke', f: 'read', value: [':a', null], time: 6 },
      { process: 2, type: 'ok', f: 'read', value: [':a', 3], time: 7 },
    ];
    const r = checkLinearizability(events, 'kv');
    expect(r).toMatchObject({ linearizable: false, partitions: 2, explanation: { key: ':a' } });
    expect(checkLinearizability(events.slice(0, 6), 'kv').linearizable).toBe(true);
  });
});

/** The explanation's operations, found again among the partition's operations. */
function explained(events: readonly ClientHistoryEvent[], model: 'register' | 'kv') {
  const r = checkLinearizability(events, model);
  const key = r.explanation?.key ?? '';
  const all = toOperations(events, model).partitions.get(key)!;
  const minimal = (r.explanation?.operations ?? []).map(
    (e) => all.find((op) => op.callIndex === e.invokeEvent)!,
  );
  return { r, all, minimal };
}

function expectOneMinimal(all: readonly Operation[], minimal: readonly Operation[]): void {
  expect(minimal.length).toBeGreaterThan(0);
  expect(linearizable(withRestRelaxed(all, minimal), INITIAL_VALUE)).toBe(false);
  // The minimal operations alone are not linearizable either.
  expect(linearizable(minimal, INITIAL_VALUE)).toBe(false);
  for (const op of minimal) {
    const rest = minimal.filter((o) => o !== op);
    expect(linearizable(withRestRelaxed(all, rest), INITIAL_VALUE)).toBe(true);
  }
}

describe('minimal explanation', () => {
  it('is 1-minimal on hand-made histories', () => {
    const stale = history(
      '0 invoke write 1',
      '1 invoke read',
      '0 ok write 1',
      '1 ok read 1',
      '2 invoke write 2',
      '2 ok write 2',
      '3 invoke cas 2 5',
      '3 fail cas 2 5',
      '1 invoke read',
      '1 ok read 1',
    );
    const { r, all, minimal } = explained(stale, 'register');
    expect(r.linearizable).toBe(false);
    expectOneMinimal(all, minimal);
  });

  it('is 1-minimal on a long generated history with one stale read buried in it', () => {
    const h = generateHistory({ seed: 11, operations: 400, processes: 4, values: 0 });
    // Re-read, after everything, the first value written: stale, since more writes followed.
    const first = h.events.find((e) => e.f === 'write' && e.type === 'ok')!;
    const end = h.events.at(-1)!.time;
    const events = [
      ...h.events,
      { process: 999, type: 'invoke', f: 'read', value: null, time: end + 1 },
      { process: 999, type: 'ok', f: 'read', value: first.value, time: end + 2 },
    ] as ClientHistoryEvent[];
    const { r, all, minimal } = explained(events, 'register');
    expect(r.linearizable).toBe(false);
    expect(minimal.length).toBeLessThanOrEqual(4);
    expectOneMinimal(all, minimal);
  });
});

describe('search limit', () => {
  it('answers unknown when the search gives up, unless another key fails for certain', () => {
    const h = generateHistory({ seed: 5, operations: 300, processes: 30, values: 3 });
    const r = checkLinearizability(h.events, 'register', { maxConfigurations: 5 });
    expect(r).toMatchObject({ linearizable: 'unknown', undecided: { configurations: 5 } });
    expect(checkLinearizability(h.events, 'register').linearizable).toBe(true);
    const hard = h.events.map((e) => ({ ...e, key: 'a' }));
    const wrong = history('k=b 900 invoke read', 'k=b 900 ok read 1');
    const both = checkLinearizability([...hard, ...wrong], 'kv', { maxConfigurations: 5 });
    expect(both).toMatchObject({ linearizable: false, explanation: { key: 'b' } });
  });
});

describe('size', () => {
  it('decides 10,000-operation histories (register and kv)', () => {
    for (const model of ['register', 'kv'] as const) {
      const h = generateHistory({ seed: 3, operations: 10_000, model, processes: 8, values: 5 });
      const r = checkLinearizability(h.events, model);
      expect(r.operations).toBe(10_000);
      expect(r.linearizable).toBe(true);
    }
  });
});
