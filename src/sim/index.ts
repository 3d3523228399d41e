export * from './fault-plan.js';
export * from './fuzz.js';
export * from './run.js';
export * from './simulator.js';
export * from './trace.js';
