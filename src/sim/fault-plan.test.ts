import { describe, expect, it } from 'vitest';
import {
  type FaultEvent,
  FaultPlanError,
  formatFaultPlan,
  parseFaultPlan,
  planQuietAfterMs,
} from './fault-plan.js';

const N = 5;

function parseOne(text: string, nodes = N): FaultEvent {
  const { faults } = parseFaultPlan(text, nodes);
  expect(faults).toHaveLength(1);
  return faults[0]!;
}

function parseError(text: string, nodes = N): FaultPlanError {
  try {
    parseFaultPlan(text, nodes);
  } catch (error) {
    expect(error).toBeInstanceOf(FaultPlanError);
    return error as FaultPlanError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe('parseFaultPlan: every fault kind', () => {
  it.each<[string, FaultEvent]>([
    ['crash 3 @2000', { kind: 'crash', node: 3, atMs: 2000 }],
    ['restart 3 @5s', { kind: 'restart', node: 3, atMs: 5000 }],
    ['restart 3 @1.5s', { kind: 'restart', node: 3, atMs: 1500 }],
    ['resume 2 @300', { kind: 'resume', node: 2, atMs: 300 }],
    ['pause 2 @1000..1500', { kind: 'pause', node: 2, atMs: 1000, untilMs: 1500 }],
    ['pause 2 @1000-1500', { kind: 'pause', node: 2, atMs: 1000, untilMs: 1500 }],
    ['pause 2 @1000', { kind: 'pause', node: 2, atMs: 1000, untilMs: undefined }],
    ['pause 2 @1s..2s', { kind: 'pause', node: 2, atMs: 1000, untilMs: 2000 }],
    [
      'partition 1,2|3,4,5 @3000..8000',
      {
        kind: 'partition',
        groups: [
          [1, 2],
          [3, 4, 5],
        ],
        atMs: 3000,
        untilMs: 8000,
      },
    ],
    [
      'partition {1,2}|{3,4,5} @3s-8s',
      {
        kind: 'partition',
        groups: [
          [1, 2],
          [3, 4, 5],
        ],
        atMs: 3000,
        untilMs: 8000,
      },
    ],
    [
      'partition 1|2|3 @0',
      { kind: 'partition', groups: [[1], [2], [3]], atMs: 0, untilMs: undefined },
    ],
    [
      'isolate 4 @100..900',
      { kind: 'partition', groups: [[4], [1, 2, 3, 5]], atMs: 100, untilMs: 900 },
    ],
    ['block 1,2->3 @0..500', { kind: 'block', from: [1, 2], to: [3], atMs: 0, untilMs: 500 }],
    ['block {1}->{2,3} @7', { kind: 'block', from: [1], to: [2, 3], atMs: 7, untilMs: undefined }],
    ['heal @9000', { kind: 'heal', atMs: 9000 }],
    ['drift 3 +500ppm', { kind: 'drift', node: 3, ppm: 500 }],
    ['drift 3 -250ppm', { kind: 'drift', node: 3, ppm: -250 }],
    ['drift 3 100', { kind: 'drift', node: 3, ppm: 100 }],
    [
      'drop 0.05',
      {
        kind: 'rate',
        param: 'drop',
        value: 50_000,
        fromMs: 0,
        untilMs: undefined,
        link: undefined,
      },
    ],
    [
      'dup 1%',
      { kind: 'rate', param: 'dup', value: 10_000, fromMs: 0, untilMs: undefined, link: undefined },
    ],
    [
      'reorder 0.1 @0..8000',
      { kind: 'rate', param: 'reorder', value: 100_000, fromMs: 0, untilMs: 8000, link: undefined },
    ],
    [
      'corrupt 5% @100..900',
      { kind: 'rate', param: 'corrupt', value: 50_000, fromMs: 100, untilMs: 900, link: undefined },
    ],
    [
      'link 1->2 corrupt 0.5',
      {
        kind: 'rate',
        param: 'corrupt',
        value: 500_000,
        fromMs: 0,
        untilMs: undefined,
        link: { from: 1, to: 2, both: false },
      },
    ],
    [
      'delay 5..50',
      {
        kind: 'rate',
        param: 'delay',
        value: [5, 50],
        fromMs: 0,
        untilMs: undefined,
        link: undefined,
      },
    ],
    [
      'delay 100 @1s..2s',
      {
        kind: 'rate',
        param: 'delay',
        value: [100, 100],
        fromMs: 1000,
        untilMs: 2000,
        link: undefined,
      },
    ],
    [
      'link 1->2 drop 0.5',
      {
        kind: 'rate',
        param: 'drop',
        value: 500_000,
        fromMs: 0,
        untilMs: undefined,
        link: { from: 1, to: 2, both: false },
      },
    ],
    [
      'link 1-2 delay 100..200',
      {
        kind: 'rate',
        param: 'delay',
        value: [100, 200],
        fromMs: 0,
        untilMs: undefined,
        link: { from: 1, to: 2, both: true },
      },
    ],
  ])('%s', (text, expected) => {
    expect(parseOne(text)).toEqual(expected);
  });

  it('splits faults on ; and newlines and skips comments', () => {
    const plan = parseFaultPlan('crash 1 @10; restart 1 @20\n# a comment\nheal @30 # trailing', N);
    expect(plan.faults.map((f) => f.kind)).toEqual(['crash', 'restart', 'heal']);
    expect(parseFaultPlan('', N).faults).toEqual([]);
    expect(parseFaultPlan(' ; ;\n', N).faults).toEqual([]);
  });
});

describe('formatFaultPlan', () => {
  const plans = [
    'crash 3 @2000',
    'restart 3 @5s',
    'resume 2 @300',
    'pause 2 @1000..1500',
    'pause 2 @1000-1500',
    'pause 2 @1000',
    'partition 1,2|3,4,5 @3000..8000',
    'partition {1,2}|{3,4,5} @3s-8s',
    'partition 1|2|3 @0',
    'isolate 4 @100..900',
    'block 1,2->3 @0..500',
    'block {1}->{2,3} @7',
    'heal @9000',
    'drift 3 +500ppm',
    'drift 3 -250ppm',
    'drop 0.05',
    'drop 5%',
    'dup 1%',
    'reorder 0.1',
    'reorder 0.1 @0..8000',
    'corrupt 5%',
    'corrupt 0.25 @1s..2s',
    'link 1-3 corrupt 1 @0..400',
    'drop 0.2 @100',
    'delay 5..50',
    'delay 100 @1s..2s',
    'link 1->2 drop 0.5',
    'link 1-2 delay 100..200',
    'link 3->1 dup 0.25 @10..20',
    'crash 1 @100; restart 1 @200; drop 0.1; partition 1|2,3 @0..50',
  ];

  it.each(plans)('round-trips %s', (text) => {
    const plan = parseFaultPlan(text, N);
    const formatted = formatFaultPlan(plan);
    expect(parseFaultPlan(formatted, N)).toEqual(plan);
    // The canonical text is a fixed point.
    expect(formatFaultPlan(parseFaultPlan(formatted, N))).toBe(formatted);
  });

  it.each([
    ['restart 3 @5s', 'restart 3 @5000'],
    ['partition {1,2}|{3,4,5} @3s-8s', 'partition 1,2|3,4,5 @3000..8000'],
    ['drop 5%', 'drop 0.05'],
    ['corrupt 5%', 'corrupt 0.05'],
    ['drift 3 500', 'drift 3 +500ppm'],
    ['crash 1 @1\nheal @2', 'crash 1 @1; heal @2'],
  ])('canonicalises %s as %s', (text, canonical) => {
    expect(formatFaultPlan(parseFaultPlan(text, N))).toBe(canonical);
  });
});

describe('planQuietAfterMs', () => {
  it.each([
    ['', 0],
    ['drift 2 +5ppm', 0],
    ['crash 1 @100; restart 1 @700', 700],
    ['partition 1|2 @100..900; crash 3 @50', 900],
    ['drop 0.1 @0..1200', 1200],
    ['drop 0.1 @300', 300],
  ])('%s → %i', (text, expected) => {
    expect(planQuietAfterMs(parseFaultPlan(text, N))).toBe(expected);
  });
});

describe('parseFaultPlan errors', () => {
  it.each<[string, number, string]>([
    ['crash x @1', 7, 'a node id'],
    ['crash 9 @1', 7, 'a node id in 1..5'],
    ['crash 0 @1', 7, 'a node id in 1..5'],
    ['partition 1,2 @0', 11, 'at least two groups separated by |'],
    ['partition 1,2|2,3 @0', 11, 'node 2 in only one group'],
    ['drop 2', 6, 'a rate between 0 and 1 (or 0% and 100%)'],
    ['drop 150%', 6, 'a rate between 0 and 1 (or 0% and 100%)'],
    ['crash 1 2000', 9, 'a time like @2000'],
    ['pause 1 @500..100', 9, 'a window whose end is after its start'],
    ['delay 50..5', 7, 'a latency range like 5..50 (ms, low..high)'],
    ['link 1->1 drop 0.5', 6, 'a link between two different nodes'],
    ['link 1=>2 drop 0.5', 6, 'a link like 1->2 (one way) or 1-2 (both ways)'],
    ['link 1->2 fly 0.5', 11, 'drop, dup, reorder, corrupt or delay'],
    ['corrupt 120%', 9, 'a rate between 0 and 1 (or 0% and 100%)'],
    ['drift 1 fast', 9, 'a drift like +500ppm (|drift| < 1000000)'],
    ['block 1,2 @0', 7, 'a one-way cut like 1,2->3'],
    ['crash 1 @1 extra', 12, 'end of this fault (separate faults with ;)'],
    ['crash 1 @1; crash x @2', 19, 'a node id'],
    ['crash 1 @1\ncrash 1 @2\nfrobnicate 1', 23, 'a fault ('],
  ])('%j fails at character %i expecting %s', (text, position, expected) => {
    const error = parseError(text);
    expect(error.position).toBe(position);
    expect(error.expected.startsWith(expected)).toBe(true);
    expect(error.message).toContain(`at character ${position}`);
  });

  it("'frobnicate 1' names the fault keywords at character 1", () => {
    const error = parseError('frobnicate 1');
    expect(error.position).toBe(1);
    expect(error.expected).toMatch(/^a fault \(crash, restart, .*drift\)$/);
    expect(error.found).toBe("'frobnicate'");
  });

  it.each<[string, number]>([
    ['crash', 6],
    ['crash 1', 8],
    ['crash 1; heal @5', 8],
    ['drop', 5],
    ['link 1->2', 10],
  ])('a line that ends early (%j) points just past its end (%i)', (text, position) => {
    const error = parseError(text);
    expect(error.found).toBe('end of line');
    expect(error.position).toBe(position);
  });
});

describe('parseFaultPlan: impossible plans', () => {
  it.each<[string, number, string]>([
    // A one-way cut from a node to itself, alone or among others.
    ['block 1->1 @0', 7, 'node 1 on only one side of ->'],
    ['block 1,2->2,3 @0..50', 7, 'node 2 on only one side of ->'],
    // A node id beyond the cluster points at that id, not at the start of its token.
    ['block 1,9->2 @0', 9, 'a node id in 1..5'],
    ['block 1->6 @0', 10, 'a node id in 1..5'],
    ['partition 1,2|3,7 @0', 17, 'a node id in 1..5'],
    ['partition {1}|{2,8} @0', 18, 'a node id in 1..5'],
    ['link 1->6 drop 0.5', 9, 'a node id in 1..5'],
    ['restart 6 @10', 9, 'a node id in 1..5'],
  ])('%j fails at character %i expecting %s', (text, position, expected) => {
    const error = parseError(text);
    expect(error.position).toBe(position);
    expect(error.expected).toBe(expected);
  });

  it('rejects a restart before its crash when the plan starts the run', () => {
    const fromStart = (text: string) => parseFaultPlan(text, N, { fromStart: true });
    const error = (() => {
      try {
        fromStart('crash 2 @500; restart 2 @100');
      } catch (e) {
        return e as FaultPlanError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(FaultPlanError);
    expect(error.position).toBe(15);
    expect(error.message).toBe(
      "bad fault plan at character 15: expected a crash of node 2 before its restart (every node starts up), found 'restart 2 @100'",
    );
    expect(() => fromStart('restart 3 @100')).toThrow(/a crash of node 3 before its restart/);
    // Another node's crash does not count.
    expect(() => fromStart('crash 1 @50; restart 3 @100')).toThrow(/at character 14/);
    // In either order on the page, a crash at or before the restart's time is enough, and
    // a storage fault stops its node as a crash does.
    expect(fromStart('restart 2 @900; crash 2 @100').faults).toHaveLength(2);
    expect(fromStart('crash 2 @100; restart 2 @100').faults).toHaveLength(2);
    expect(fromStart('disk 2 tear @100; restart 2 @400').faults).toHaveLength(2);
    // A live cluster's plan may restart a node that is down already.
    expect(parseFaultPlan('restart 3 @100', N).faults).toHaveLength(1);
  });
});
