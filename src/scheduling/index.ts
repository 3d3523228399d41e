// Fair allocation of shared resources (SPEC §8): weighted max-min fairness for one resource,
// Dominant Resource Fairness (continuous and task by task) for several, exact on rationals,
// and the fairness properties as predicates. Pure: no I/O, no clocks, no randomness.

export { type DrfAllocation, type DrfInput, type DrfUser, drf } from './drf.js';
export {
  DEFAULT_MAX_TASKS,
  type DiscreteDrfAllocation,
  type DiscreteDrfOptions,
  drfDiscrete,
} from './drf-discrete.js';
export * from './errors.js';
export {
  envyViolations,
  feasibilityViolations,
  maxMinViolations,
  paretoViolations,
  sharingIncentiveViolations,
  usefulTasks,
} from './fairness.js';
export { type MaxMinAllocation, type MaxMinInput, type MaxMinUser, maxMinFair } from './max-min.js';
export type { Quantity } from './quantity.js';
export { formatRational, parseDecimal, Rational } from './rational.js';
