// Options of clock/lamport: the clock family's workload options and per-run config
// (../workload.ts), shared with clock/vector rather than repeated.

export {
  type ClockConfig as LamportConfig,
  type ClockOptions as LamportOptions,
  clockConfig as lamportConfig,
  clockOptionSpecs as lamportOptionSpecs,
} from '../workload.js';
