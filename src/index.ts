// Cohort's public API. Subpaths: `cohort/core` (the process contract), `cohort/sim`.

export { algorithms, findAlgorithm, listedAlgorithms } from './algorithms/registry.js';
export * from './core/index.js';
export * from './sim/index.js';
