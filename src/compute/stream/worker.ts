// A stream worker process (forked by master.ts, talking over its IPC channel): it hosts the
// bolt tasks the master placed on it and executes each tuple it is handed, one at a time —
// per-record, continuous processing. For each tuple it runs the task's bolt, routes every
// emitted child to a consumer task by that consumer's grouping, gives each child a fresh
// random id anchored to the input's root, and reports children, sink writes and the ack
// (input id XOR children's ids) in one message. A bolt that throws fails the tuple's tree,
// so the spout replays the record.
//
// Fault model: the process may be SIGKILLed at any moment. Its tasks' running counts are
// volatile and lost with it; the master starts a replacement and the trees it held are
// replayed from the spout.

import { newTupleId, xorIds } from './acker.js';
import { type FromWorker, parseToWorker, type Tuple } from './protocol.js';
import {
  type Collector,
  consumersOf,
  findBolt,
  route,
  type SinkWrite,
  type Topology,
  taskKey,
} from './topology.js';

let topology: Topology = [];
/** Each hosted task's volatile state. */
const states = new Map<string, Map<string, number>>();
/** Shuffled tuples sent per source task, for round-robin shuffle grouping. */
const turns = new Map<string, number>();

function send(msg: FromWorker): void {
  process.send?.(msg);
}

function execute(input: Tuple): void {
  const component = topology.find((c) => c.name === input.task.component);
  const bolt = component === undefined ? undefined : findBolt(component.bolt);
  if (component === undefined || bolt === undefined) {
    send({ type: 'fail', root: input.root, reason: `no bolt for ${input.task.component}` });
    return;
  }
  const key = taskKey(input.task);
  const state = states.get(key) ?? new Map<string, number>();
  states.set(key, state);
  const emits: Tuple[] = [];
  const writes: SinkWrite[] = [];
  let xor = input.id;
  const out: Collector = {
    emit(values) {
      for (const consumer of consumersOf(topology, component.name)) {
        const turn = turns.get(key) ?? 0;
        if (consumer.grouping === 'shuffle') turns.set(key, turn + 1);
        const id = newTupleId();
        xor = xorIds(xor, id); // Anchored: the child joins the tree as the parent is acked.
        emits.push({ task: route(consumer, values, turn), id, root: input.root, values });
      }
    },
    write(w) {
      writes.push(w);
    },
  };
  try {
    bolt.execute(input.values, out, state);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    send({ type: 'fail', root: input.root, reason });
    return;
  }
  send({ type: 'done', root: input.root, xor, emits, writes });
}

process.on('message', (raw) => {
  const m = parseToWorker(raw);
  if (m === undefined) return; // Only the master talks to us; nothing else is trusted.
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'init') {
    topology = m.topology;
    send({ type: 'ready' });
  } else execute(m.tuple);
});
