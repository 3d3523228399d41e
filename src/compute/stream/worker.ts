// A stream worker process (forked by master.ts, talking over its IPC channel): it hosts the
// bolt tasks the master placed on it and executes each tuple it is handed, one at a time —
// per-record, continuous processing. For each tuple it runs the task's bolt, routes every
// emitted child to a consumer task by that consumer's grouping, gives each child a fresh
// random id anchored to the input's root, and reports children, sink writes and the ack
// (input id XOR children's ids) in one message. A bolt that throws fails the tuple's tree,
// so the spout replays the record.
//
// Watermarks (protocol.ts) arrive between tuples; a windowed bolt (window-bolt.ts) may
// hold a tuple's ack and release it on a later step.
//
// Fault model: the process may be SIGKILLed at any moment. Its tasks' state (counts,
// windows, held acks) is volatile and lost with it; the master starts a replacement and the trees it held are
// replayed from the spout.

import { newTupleId, xorIds } from './acker.js';
import { findBolt } from './bolts.js';
import { type FromWorker, parseToWorker, type Tuple, type Watermark } from './protocol.js';
import {
  type Bolt,
  type Collector,
  type Component,
  consumersOf,
  type Held,
  inputsOf,
  route,
  type SinkWrite,
  type Topology,
  taskKey,
  type WindowWrite,
} from './topology.js';

let topology: Topology = [];
/** Each hosted task's volatile state. */
const states = new Map<string, unknown>();
/** Shuffled tuples sent per source task, for round-robin shuffle grouping. */
const turns = new Map<string, number>();
/** Each task's inputs' latest watermarks, and the watermark it last acted on. */
const inputs = new Map<string, Map<string, number>>();
const acted = new Map<string, number>();

const ZERO = '0000000000000000';

function send(msg: FromWorker): void {
  process.send?.(msg);
}

/** What one step of a task produced; the Collector its bolt writes into. */
class Step implements Collector {
  readonly emits: Tuple[] = [];
  readonly writes: SinkWrite[] = [];
  readonly firings: WindowWrite[] = [];
  readonly releases: Held[] = [];
  readonly watermarks: Watermark[] = [];
  /** XOR of the children's ids. */
  xor = ZERO;
  held: string | null = null;

  constructor(
    private readonly component: Component,
    private readonly input: Tuple | null,
  ) {}

  emit(values: readonly unknown[]): void {
    if (this.input === null) throw new Error('a watermark emits no tuples');
    const key = taskKey(this.input.task);
    for (const consumer of consumersOf(topology, this.component.name)) {
      const turn = turns.get(key) ?? 0;
      if (consumer.grouping === 'shuffle') turns.set(key, turn + 1);
      const id = newTupleId();
      this.xor = xorIds(this.xor, id); // Anchored: the child joins the tree as the parent is acked.
      this.emits.push({ task: route(consumer, values, turn), id, root: this.input.root, values });
    }
  }
  write(w: SinkWrite): void {
    this.writes.push(w);
  }
  fire(w: WindowWrite): void {
    this.firings.push(w);
  }
  hold(): Held {
    if (this.input === null) throw new Error('a watermark has no ack to hold');
    this.held = this.input.id;
    return { root: this.input.root, id: this.input.id };
  }
  release(h: Held): void {
    this.releases.push(h);
  }
}

function taskOf(name: string): { component: Component; bolt: Bolt } | undefined {
  const component = topology.find((c) => c.name === name);
  const bolt = component === undefined ? undefined : findBolt(component.bolt);
  return component === undefined || bolt === undefined ? undefined : { component, bolt };
}

function stateOf(key: string, component: Component, bolt: Bolt): unknown {
  if (!states.has(key)) states.set(key, bolt.init(component));
  return states.get(key);
}

function execute(input: Tuple): void {
  const found = taskOf(input.task.component);
  if (found === undefined) {
    send({ type: 'fail', root: input.root, reason: `no bolt for ${input.task.component}` });
    return;
  }
  const step = new Step(found.component, input);
  try {
    const state = stateOf(taskKey(input.task), found.component, found.bolt);
    found.bolt.execute(input.values, step, state);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    send({ type: 'fail', root: input.root, reason });
    return;
  }
  const { emits, writes, held, firings, releases, watermarks } = step;
  const xor = held === null ? xorIds(step.xor, input.id) : step.xor;
  send({ type: 'done', root: input.root, xor, emits, writes, held, firings, releases, watermarks });
}

/**
 * A watermark on one input of a task: the task's own is the minimum over its inputs (one
 * not heard from yet holds it back); when it moves, the bolt fires what it may. The task
 * forwards its watermark to every consumer task on every watermark it gets, even unmoved,
 * so a replacement task downstream learns it from the inputs that did not die.
 */
function onWatermark(wm: Watermark): void {
  const found = taskOf(wm.task.component);
  if (found === undefined) return;
  const key = taskKey(wm.task);
  const seen = inputs.get(key) ?? new Map<string, number>();
  inputs.set(key, seen);
  const time = wm.time === null ? Number.POSITIVE_INFINITY : wm.time;
  seen.set(wm.from, Math.max(seen.get(wm.from) ?? Number.NEGATIVE_INFINITY, time));
  let mine = Number.POSITIVE_INFINITY;
  for (const from of inputsOf(topology, found.component))
    mine = Math.min(mine, seen.get(from) ?? Number.NEGATIVE_INFINITY);
  if (mine === Number.NEGATIVE_INFINITY) return;
  const step = new Step(found.component, null);
  if (mine > (acted.get(key) ?? Number.NEGATIVE_INFINITY)) {
    acted.set(key, mine);
    const state = stateOf(key, found.component, found.bolt);
    found.bolt.watermark?.(mine, step, state);
  }
  const out = mine === Number.POSITIVE_INFINITY ? null : mine;
  for (const c of consumersOf(topology, found.component.name))
    for (let index = 0; index < c.parallelism; index++)
      step.watermarks.push({ task: { component: c.name, index }, from: key, time: out });
  const { firings, releases, watermarks } = step;
  send({ type: 'progress', firings, releases, watermarks });
}

process.on('message', (raw) => {
  const m = parseToWorker(raw);
  if (m === undefined) return; // Only the master talks to us; nothing else is trusted.
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'init') {
    topology = m.topology;
    send({ type: 'ready' });
  } else if (m.type === 'watermark') {
    try {
      onWatermark(m.watermark);
    } catch {
      process.exit(1); // Our own bug: die and let the master replay, rather than go wrong.
    }
  } else execute(m.tuple);
});
