// Options of clock/vector: the clock family's workload options and per-run config
// (../workload.ts), shared with clock/lamport rather than repeated.

export {
  type ClockConfig as VectorConfig,
  type ClockOptions as VectorOptions,
  clockConfig as vectorConfig,
  clockOptionSpecs as vectorOptionSpecs,
} from '../workload.js';
