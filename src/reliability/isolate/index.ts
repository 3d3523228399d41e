// Fault isolation (issue 21): bulkheads, circuit breakers, timeouts and retries are cockatiel's
// (use them directly for one-off policies); added here are the retry budget, the policies
// composed per downstream target, and process isolation — a supervisor restarting crashed
// worker processes within an Erlang-style restart intensity. See docs/reliability.md.

export { type Downstream, type DownstreamOptions, Downstreams } from './downstreams.js';
export * from './errors.js';
export { BUDGET_SLOTS, RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
export {
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
  type WorkerInfo,
  type WorkerState,
} from './supervisor.js';
export { type RequestHandler, serveRequests } from './worker-protocol.js';
