// Peer input never stops a node: a message its algorithm's parser rejects is dropped,
// counted and reported with its sender, and the node goes on; a throw inside a handler on a
// message that passed is our bug, and the node stops with an error naming that message.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../algorithms/registry.js';
import { type AnyAlgorithm, defineAlgorithm } from '../core/algorithm.js';
import type { Message, NodeId, Process } from '../core/process.js';
import { isCount, isRecord } from '../core/validate.js';
import { NodeHost } from './host.js';
import { MemoryStorage } from './memory-storage.js';
import { previewOf, StepError } from './step-error.js';

interface Add extends Message {
  readonly type: 'Add';
  readonly n: number;
}

/** Sums what it is sent; `Add 13` hits a (deliberate) bug in its handler. */
const adder: AnyAlgorithm = defineAlgorithm<
  Add,
  { type: 'sum'; n: number },
  { sum: number },
  object
>({
  name: 'testing/adder',
  family: 'testing',
  summary: 'sums Add messages',
  seed: '-',
  hidden: true,
  nodes: { default: 2, min: 1, max: 2 },
  durationMs: 1,
  livenessDeadlineMs: 1,
  options: {},
  create: (): Process<Add, { type: 'sum'; n: number }, { sum: number }> => {
    const state = { sum: 0 };
    return {
      state,
      onStart: () => {},
      onMessage(env, _from, m) {
        if (m.n === 13) (undefined as unknown as { x: number }).x; // The bug.
        state.sum += m.n;
        env.output({ type: 'sum', n: state.sum });
      },
      onTimer: () => {},
    };
  },
  parseMessage: (raw) =>
    isRecord(raw) && raw.type === 'Add' && isCount(raw.n) ? (raw as unknown as Add) : undefined,
  invariants: () => [],
  liveness: () => [],
  scenarios: [],
});

function hostOf(algorithm: AnyAlgorithm, nodes: readonly NodeId[] = [1, 2]) {
  const options = Object.fromEntries(
    Object.entries(algorithm.options).map(([name, spec]) => [name, spec.default]),
  );
  const drops: { from: NodeId; type: string }[] = [];
  const fatal: Error[] = [];
  const host = new NodeHost({
    algorithm,
    id: 1,
    nodes,
    options,
    seed: 1,
    randomSeed: 7,
    storage: new MemoryStorage(),
    clock: () => 0,
    transmit: () => {},
    onFatal: (e) => fatal.push(e),
    onDrop: (from, type) => drops.push({ from, type }),
  });
  host.start();
  return { host, drops, fatal };
}

describe('NodeHost and peer input', () => {
  it('drops, counts and reports malformed messages, and goes on', () => {
    const { host, drops, fatal } = hostOf(adder);
    const junk: unknown[] = [
      null,
      7,
      'Add',
      [{ type: 'Add', n: 1 }],
      {},
      { type: 'toString', n: 1 },
      { type: '__proto__', n: 1 },
      { type: 'Add' },
      { type: 'Add', n: -1 },
      { type: 'Add', n: '1' },
    ];
    for (const raw of junk) host.deliver(2, raw);
    expect(fatal).toEqual([]);
    expect(host.counters.malformed).toBe(junk.length);
    expect(host.counters.steps).toBe(1); // Only the start: nothing malformed reached a step.
    expect(drops.map((d) => d.from)).toEqual(junk.map(() => 2));
    expect(drops.map((d) => d.type)).toEqual([
      '(null)',
      '(number)',
      '(string)',
      '(array)',
      '(no type)',
      'toString',
      '__proto__',
      'Add',
      'Add',
      'Add',
    ]);
    host.deliver(2, { type: 'Add', n: 5 });
    expect(host.state).toEqual({ sum: 5 });
  });

  it('stops the node on a throw in a handler, naming the message that caused it', () => {
    const { host, fatal } = hostOf(adder);
    host.deliver(2, { type: 'Add', n: 13 });
    host.deliver(2, { type: 'Add', n: 1 }); // Stopped: not run.
    expect(fatal.length).toBe(1);
    const error = fatal[0] as StepError;
    expect(error).toBeInstanceOf(StepError);
    expect(error.from).toBe(2);
    expect(error.type).toBe('Add');
    expect(error.message).toContain('from node 2');
    expect(error.message).toContain('{"type":"Add","n":13}');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(host.state).toEqual({ sum: 0 });
  });

  it('previews large, binary and odd messages in bounded, never-throwing text', () => {
    const big = { type: 'Add', blob: 'x'.repeat(100_000) };
    expect(previewOf(big).length).toBeLessThanOrEqual(401);
    expect(previewOf({ data: Buffer.alloc(1 << 20) })).toBe('{"data":"<1048576 bytes>"}');
    expect(previewOf({ n: 2n ** 70n })).toBe('{"n":"1180591620717411303424n"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(previewOf(cyclic)).toBe('[object Object]');
    expect(previewOf(Object.create(null))).toBe('{}');
    expect(previewOf(undefined)).toBe('undefined');
  });

  it("keeps mutex/ricart-agrawala up on an Update without its fields (issue 14's crash)", () => {
    const spec = findAlgorithm('mutex/ricart-agrawala');
    expect(spec?.parseMessage).toBeTypeOf('function');
    const { host, drops, fatal } = hostOf(spec as AnyAlgorithm, [1, 2, 3]);
    for (const raw of [{ type: 'Update' }, { type: 'OK' }, { type: 'Request', ts: 1, id: 9 }])
      host.deliver(2, raw);
    expect(fatal).toEqual([]);
    expect(drops).toEqual([
      { from: 2, type: 'Update' },
      { from: 2, type: 'OK' },
      { from: 2, type: 'Request' },
    ]);
    expect(host.counters.malformed).toBe(3);
  });
});
