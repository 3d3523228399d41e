import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientHistoryEvent } from '../../core/algorithm.js';
import { checkLinearizability } from './check.js';
import { withRestRelaxed } from './explain.js';
import { generateHistory, withStaleRead } from './generate.js';
import { appendable, appended, INITIAL_VALUE, type Operation, toOperations } from './operations.js';

/**
 * The definition, by brute force: some order of the operations, each placed after every
 * `ok` operation that returned before its invoke, in which the register gives every read
 * and cas its result (and holds a string, or nothing, where an append takes effect);
 * indeterminate operations may be left out.
 */
function bruteForce(ops: readonly Operation[]): boolean {
  const placed = new Array<boolean>(ops.length).fill(false);
  const go = (state: string): boolean => {
    const open = ops.filter((o, i) => !placed[i] && o.outcome === 'ok');
    if (open.length === 0) return true;
    const horizon = Math.min(...open.map((o) => o.returnIndex));
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (placed[i] || op.callIndex > horizon) continue;
      if (op.requires !== null && op.requires !== state) continue;
      if (op.appends !== null && !appendable(state)) continue;
      placed[i] = true;
      const ok = go(op.appends === null ? (op.next ?? state) : appended(state, op.appends));
      placed[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return go(INITIAL_VALUE);
}

/** Random small histories: any interleaving, values 0–2 or nil, ok/fail/info outcomes. */
const smallHistory = smallHistories(['read', 'write', 'cas'], [null, 0, 1, 2]);
/** The same with appends: a read may see any string the appends and writes can build. */
const smallAppendHistory = smallHistories(['read', 'write', 'append'], ['', 'a', 'b', 'ab'], 'k');

function smallHistories(
  fs: readonly ClientHistoryEvent['f'][],
  values: readonly unknown[],
  key?: string,
) {
  const keyed = key === undefined ? {} : { key };
  return fc
    .array(
      fc.record({
        f: fc.constantFrom(...fs),
        value: fc.constantFrom(...values),
        expected: fc.constantFrom(...values),
        outcome: fc.constantFrom('ok', 'ok', 'ok', 'info', 'fail'),
        invokeAt: fc.nat(40),
        length: fc.integer({ min: 1, max: 30 }),
      }),
      { minLength: 1, maxLength: 7 },
    )
    .map((specs) => {
      const timed: { at: number; order: number; event: ClientHistoryEvent }[] = [];
      specs.forEach((s, process) => {
        const value = s.f === 'cas' ? [s.expected, s.value] : s.f === 'read' ? null : s.value;
        const done = s.f === 'read' && s.outcome === 'ok' ? s.value : value;
        const f = s.f as ClientHistoryEvent['f'];
        const type = s.outcome as ClientHistoryEvent['type'];
        timed.push({
          at: s.invokeAt,
          order: timed.length,
          event: { process, type: 'invoke', f, ...keyed, value, time: s.invokeAt },
        });
        const at = s.invokeAt + s.length;
        timed.push({
          at,
          order: timed.length,
          event: { process, type, f, ...keyed, value: done, time: at },
        });
      });
      timed.sort((a, b) => a.at - b.at || a.order - b.order);
      return timed.map((t) => t.event);
    });
}

/** `kept` with every other op relaxed and nothing pruned: what an explanation claims. */
function fullyRelaxed(all: readonly Operation[], kept: readonly Operation[]): Operation[] {
  return all.flatMap((op) => {
    if (kept.includes(op)) return [op];
    if (op.next === null && op.appends === null) return [];
    return [{ ...op, outcome: 'info' as const, returnIndex: Number.POSITIVE_INFINITY }];
  });
}

describe('linearizability checker (properties)', () => {
  it('agrees with a brute-force search over every order on small random histories', () => {
    let linearizableCount = 0;
    fc.assert(
      fc.property(smallHistory, (events) => {
        const ops = toOperations(events, 'register').partitions.get('') ?? [];
        if (bruteForce(ops)) linearizableCount++;
        expect(checkLinearizability(events, 'register', { explain: false }).linearizable).toBe(
          bruteForce(ops),
        );
      }),
      { numRuns: 3000, seed: 20260101 },
    );
    // Both verdicts are well represented.
    expect(linearizableCount).toBeGreaterThan(600);
    expect(linearizableCount).toBeLessThan(2400);
  });

  it('agrees with brute force on small random histories with appends', () => {
    let linearizableCount = 0;
    fc.assert(
      fc.property(smallAppendHistory, (events) => {
        const ops = toOperations(events, 'kv').partitions.get('k') ?? [];
        const expected = bruteForce(ops);
        if (expected) linearizableCount++;
        expect(checkLinearizability(events, 'kv', { explain: false }).linearizable).toBe(expected);
      }),
      { numRuns: 3000, seed: 20260105 },
    );
    expect(linearizableCount).toBeGreaterThan(600);
    expect(linearizableCount).toBeLessThan(2400);
  });

  it('finds histories made from a sequential execution with random overlap linearizable', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(0, 2, 5),
        fc.constantFrom('register', 'kv') as fc.Arbitrary<'register' | 'kv'>,
        (seed, operations, processes, values, model) => {
          const h = generateHistory({ seed, operations, processes, values, model, infoPercent: 5 });
          expect(checkLinearizability(h.events, model).linearizable).toBe(true);
        },
      ),
      { numRuns: 200, seed: 20260102 },
    );
  });

  it('finds them non-linearizable once a stale read is injected', () => {
    let injected = 0;
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 10, max: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('register', 'kv') as fc.Arbitrary<'register' | 'kv'>,
        (seed, operations, processes, model) => {
          const h = generateHistory({ seed, operations, processes, values: 0, model, keys: 2 });
          const stale = withStaleRead(h);
          if (stale === undefined) return;
          injected++;
          const r = checkLinearizability(stale.events, model);
          expect(r.linearizable).toBe(false);
          expect(r.explanation?.operations.at(-1)?.process).toBe(stale.events.at(-1)?.process);
        },
      ),
      { numRuns: 150, seed: 20260103 },
    );
    expect(injected).toBeGreaterThan(100);
  });
});

interface Explained {
  readonly all: readonly Operation[];
  readonly minimal: readonly Operation[];
}

/** The partition's operations and the explanation's, or undefined when linearizable. */
function explanationOf(
  events: readonly ClientHistoryEvent[],
  model: 'register' | 'kv',
  partition: string,
): Explained | undefined {
  const r = checkLinearizability(events, model);
  if (r.linearizable) return undefined;
  const all = toOperations(events, model).partitions.get(partition)!;
  const minimal = r.explanation!.operations.map(
    (e) => all.find((op) => op.callIndex === e.invokeEvent)!,
  );
  return { all, minimal };
}

/** The explanation fails with the rest relaxed, and passes once any one of it is relaxed. */
function expectOneMinimal(
  { all, minimal }: Explained,
  relax: (all: readonly Operation[], kept: readonly Operation[]) => Operation[],
): void {
  expect(bruteForce(relax(all, minimal))).toBe(false);
  for (const op of minimal)
    expect(
      bruteForce(
        relax(
          all,
          minimal.filter((o) => o !== op),
        ),
      ),
    ).toBe(true);
}

describe('minimal explanations (properties)', () => {
  it('fail on their own and become linearizable when any one of them is relaxed', () => {
    let failing = 0;
    fc.assert(
      fc.property(smallHistory, (events) => {
        const explained = explanationOf(events, 'register', '');
        if (explained === undefined) return;
        failing++;
        expect(bruteForce(explained.minimal)).toBe(false);
        expectOneMinimal(explained, withRestRelaxed);
      }),
      { numRuns: 1500, seed: 20260104 },
    );
    expect(failing).toBeGreaterThan(300);
  });

  it('hold with appends, against the relaxation with nothing pruned', () => {
    let failing = 0;
    fc.assert(
      fc.property(smallAppendHistory, (events) => {
        const explained = explanationOf(events, 'kv', 'k');
        if (explained === undefined) return;
        failing++;
        expectOneMinimal(explained, fullyRelaxed);
      }),
      { numRuns: 1500, seed: 20260106 },
    );
    expect(failing).toBeGreaterThan(300);
  });
});
