// Failure detection (issue 21): the fixed-timeout heartbeat detector, the φ accrual detector
// (Hayashibara et al., SRDS 2004) and partition detection (does a node see a majority?).
// Pure: arrival times are passed in, nothing reads a clock, so the simulated protocol
// (src/algorithms/detect/heartbeat) and any real host run the same code.

export { fixedTimeoutDeadlineMs, suspectSilent } from './fixed-timeout.js';
export { freshMonitor, heardFrom, type MonitorState, suspectWhere } from './monitor.js';
export { type PartitionView, partitionView } from './partition.js';
export {
  initPhiHistory,
  MAX_PHI_THRESHOLD,
  type PhiConfig,
  type PhiDetector,
  type PhiHistory,
  phi,
  phiDeadlineMs,
  phiDetector,
  phiHeartbeat,
  phiMeanMs,
  phiOfStandardized,
  phiStdDeviationMs,
  phiSuspects,
} from './phi-accrual.js';
