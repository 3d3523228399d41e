// The consistency-model checker: which models (linearizable down to eventual) a client
// history satisfies, in the linearizability checker's history formats, and which
// operations break each.

export * from './check.js';
export { type COp, type PreparedHistory, prepareHistory } from './history.js';
