// Storm-style stream processing as a real multi-process run (issue 20): master.ts forks the
// workers and hosts the spout, acker and sink; checkpointed-run.ts is the exactly-once run
// (checkpoint barriers aligned by alignment.ts, snapshots in checkpoint-store.ts, the
// transactional epoch-sink.ts); worker.ts runs the bolt tasks; topology.ts
// names the bolts and groupings; windows.ts is the event-time windowing operator,
// window-bolt.ts the bolt that runs it, timed.ts the timestamped input and its reference.

export { Acker, newTupleId, xorIds } from './acker.js';
export { BarrierAligner } from './alignment.js';
export { CheckpointError, lastComplete } from './checkpoint-store.js';
export { runStream, StreamRecordError } from './master.js';
export {
  StreamError,
  type StreamHooks,
  type StreamOptions,
  type StreamResult,
} from './run-common.js';
export { CountSink, type Delivery, WindowSink } from './sink.js';
export { parseTimedLine, windowCountLocal, windowKey, writeTimedCorpus } from './timed.js';
export { type Topology, windowedCountTopology, wordCountTopology } from './topology.js';
export {
  EventTimeWindows,
  StreamWindowError,
  type WindowFiring,
  type WindowOptions,
  type WindowSpec,
} from './windows.js';
