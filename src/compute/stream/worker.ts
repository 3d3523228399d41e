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
// Checkpointed runs (exactly-once, checkpointed-run.ts): every input — tuple, watermark or
// barrier — passes through its task's BarrierAligner (alignment.ts); once a barrier has
// come on every input the task writes its snapshot durably (checkpoint-store.ts) and
// reports it with the barriers it forwards. `restore` drops every task's state; each task
// then takes its state from the named checkpoint when it is next touched.
//
// Fault model: the process may be SIGKILLed at any moment. Its tasks' state (counts,
// windows, held acks) is volatile and lost with it; the master starts a replacement and
// either the trees it held are replayed from the spout (at-least-once) or every task
// restores the last complete checkpoint and the spout rewinds to it (exactly-once).

import { newTupleId, xorIds } from './acker.js';
import { type AlignAction, BarrierAligner, type ChannelItem } from './alignment.js';
import { findBolt } from './bolts.js';
import { readSnapshot, writeSnapshot } from './checkpoint-store.js';
import {
  type Barrier,
  type FromWorker,
  type Progress,
  parseToWorker,
  type Tuple,
  type Watermark,
} from './protocol.js';
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
/** Where snapshots go (checkpointed runs), the restores so far, the checkpoint restored. */
let checkpoints: string | null = null;
let generation = 0;
let restoredFrom: number | null = null;
/** Each hosted task's volatile state. */
const states = new Map<string, unknown>();
/** Shuffled tuples sent per source task, for round-robin shuffle grouping. */
const turns = new Map<string, number>();
/** Each task's inputs' latest watermarks, and the watermark it last acted on. */
const inputs = new Map<string, Map<string, number>>();
const acted = new Map<string, number>();
type Input = { readonly tuple: Tuple } | { readonly watermark: Watermark };
const aligners = new Map<string, BarrierAligner<Input>>();
/** The last checkpoint each task passed (its sink writes' epoch). */
const epochs = new Map<string, number>();

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
      const task = route(consumer, values, turn);
      this.emits.push({ task, id, root: this.input.root, from: key, values });
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
  progress(): Progress {
    const { firings, releases, watermarks } = this;
    return { firings, releases, watermarks };
  }
}

function taskOf(name: string): { component: Component; bolt: Bolt } | undefined {
  const component = topology.find((c) => c.name === name);
  const bolt = component === undefined ? undefined : findBolt(component.bolt);
  return component === undefined || bolt === undefined ? undefined : { component, bolt };
}

/** The task's state: made afresh, or after a restore, taken from the checkpoint's snapshot. */
function stateOf(key: string, component: Component, bolt: Bolt): unknown {
  if (states.has(key)) return states.get(key);
  if (restoredFrom === null || checkpoints === null) {
    states.set(key, bolt.init(component));
    return states.get(key);
  }
  const saved = readSnapshot(checkpoints, restoredFrom, key);
  const { state, turn } = saved as { state?: unknown; turn?: unknown };
  if (typeof turn !== 'number') throw new Error(`a malformed snapshot of ${key}`);
  states.set(
    key,
    bolt.restore === undefined ? bolt.init(component) : bolt.restore(component, state),
  );
  turns.set(key, turn);
  return states.get(key);
}

const epochOf = (key: string) => epochs.get(key) ?? restoredFrom ?? 0;

function execute(input: Tuple): void {
  const found = taskOf(input.task.component);
  if (found === undefined) {
    const reason = `no bolt for ${input.task.component}`;
    send({ type: 'fail', root: input.root, reason, generation, epoch: 0 });
    return;
  }
  const key = taskKey(input.task);
  const step = new Step(found.component, input);
  try {
    const state = stateOf(key, found.component, found.bolt);
    found.bolt.execute(input.values, step, state);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    send({ type: 'fail', root: input.root, reason, generation, epoch: epochOf(key) });
    return;
  }
  const { emits, writes, held } = step;
  const xor = held === null ? xorIds(step.xor, input.id) : step.xor;
  const stamp = { generation, epoch: epochOf(key) };
  send({ type: 'done', root: input.root, xor, emits, writes, held, ...step.progress(), ...stamp });
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
  send({ type: 'progress', ...step.progress(), generation, epoch: epochOf(key) });
}

/** A task's aligner: every input of a task passes through it (a no-op without barriers). */
function alignerOf(key: string, component: Component): BarrierAligner<Input> {
  const found = aligners.get(key);
  if (found !== undefined) return found;
  const made = new BarrierAligner<Input>(inputsOf(topology, component));
  aligners.set(key, made);
  return made;
}

/** `x` arrived for `task` on its input `from`: align it, then do what alignment allows. */
function arrive(task: { component: string; index: number }, from: string, x: ChannelItem<Input>) {
  const found = taskOf(task.component);
  if (found === undefined) {
    if (x.kind === 'item' && 'tuple' in x.item) execute(x.item.tuple); // Reports the failure.
    return;
  }
  const key = taskKey(task);
  for (const a of alignerOf(key, found.component).push(from, x)) act(key, found, a);
}

function act(key: string, found: { component: Component; bolt: Bolt }, a: AlignAction<Input>) {
  if (a.kind === 'snapshot') snapshot(key, found, a.checkpoint);
  else if ('tuple' in a.item) execute(a.item.tuple);
  else onWatermark(a.item.watermark);
}

/** Checkpoint `n`'s barrier came on every input: store the state, forward the barrier. */
function snapshot(key: string, found: { component: Component; bolt: Bolt }, n: number): void {
  if (checkpoints === null) throw new Error('a barrier in a run without checkpoints');
  const state = stateOf(key, found.component, found.bolt);
  const saved = found.bolt.snapshot === undefined ? null : found.bolt.snapshot(state);
  writeSnapshot(checkpoints, n, key, { state: saved, turn: turns.get(key) ?? 0 });
  epochs.set(key, n);
  const barriers: Barrier[] = [];
  for (const c of consumersOf(topology, found.component.name))
    for (let index = 0; index < c.parallelism; index++)
      barriers.push({ task: { component: c.name, index }, from: key, checkpoint: n });
  send({ type: 'snapshot', task: key, checkpoint: n, barriers, generation, epoch: n });
}

function restore(g: number, checkpoint: number | null): void {
  generation = g;
  restoredFrom = checkpoint;
  for (const m of [states, turns, inputs, acted, aligners, epochs]) m.clear();
}

process.on('message', (raw) => {
  const m = parseToWorker(raw);
  if (m === undefined) return; // Only the master talks to us; nothing else is trusted.
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'init') {
    topology = m.topology;
    checkpoints = m.checkpoints;
    send({ type: 'ready' });
    return;
  }
  try {
    if (m.type === 'restore') restore(m.generation, m.checkpoint);
    else if (m.type === 'tuple') arrive(m.tuple.task, m.tuple.from, { kind: 'item', item: m });
    else if (m.type === 'watermark')
      arrive(m.watermark.task, m.watermark.from, { kind: 'item', item: m });
    else {
      const { task, from, checkpoint } = m.barrier;
      arrive(task, from, { kind: 'barrier', checkpoint });
    }
  } catch {
    process.exit(1); // Our own bug or a failed disk: die and let the master recover.
  }
});
