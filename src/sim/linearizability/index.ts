// The linearizability checker: client histories (Jepsen's shape) against a register or a
// key-value store of registers, with a minimal explanation when they are not linearizable.

export * from './check.js';
export * from './edn.js';
export { HistoryError, type Model, type Operation, toOperations } from './operations.js';
export * from './parse.js';
export { DEFAULT_MAX_CONFIGURATIONS, SearchLimitError } from './search.js';
export { encodeValue } from './value.js';
