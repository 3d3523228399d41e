// Storm-style stream processing as a real multi-process run (issue 20): master.ts forks the
// workers and hosts the spout, acker and sink; worker.ts runs the bolt tasks; topology.ts
// names the bolts and groupings; windows.ts is the event-time windowing operator,
// window-bolt.ts the bolt that runs it, timed.ts the timestamped input and its reference.

export { Acker, newTupleId, xorIds } from './acker.js';
export {
  runStream,
  StreamError,
  type StreamHooks,
  type StreamOptions,
  StreamRecordError,
  type StreamResult,
} from './master.js';
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
