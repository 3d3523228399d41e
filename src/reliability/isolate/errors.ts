// Fault isolation's typed errors. The policies' own outcomes are cockatiel's classes, re-exported
// here so callers import one place: BulkheadRejectedError (a pool and its queue are full),
// BrokenCircuitError (a breaker is open; IsolatedCircuitError when held open by hand) and
// TaskCancelledError (a timeout fired, or the caller's signal aborted). Added here: what
// cockatiel has no word for — a bad configuration or target name (IsolationError), and the
// supervisor's outcomes: a request lost with its crashed worker (WorkerCrashedError), a
// handler's own failure inside a worker (WorkerRequestError) and a supervisor that stopped
// (SupervisorStoppedError). Each carries its data fields and a `retryable` flag (STYLE §8).
//
// Fault model: none of its own. Messages may quote a worker's error text, which comes from
// our own worker helper over IPC and is truncated before it gets here.

export {
  BrokenCircuitError,
  BulkheadRejectedError,
  IsolatedCircuitError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isTaskCancelledError,
  TaskCancelledError,
} from 'cockatiel';

export type IsolationErrorCode = 'invalid-option' | 'invalid-target' | 'too-many-targets';

/** A configuration value or a target name was refused (never clamped silently). */
export class IsolationError extends Error {
  override readonly name = 'IsolationError';
  readonly retryable = false;
  constructor(
    readonly code: IsolationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker holding this request died before answering (a crash, SIGKILL, an OOM kill).
 * Whether the work took effect is unknown: retry only what is idempotent.
 */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
  readonly retryable = true;
  constructor(
    /** The worker's slot, 0..workers-1 (its replacement keeps it). */
    readonly worker: number,
    readonly pid: number | undefined,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    const how = signal !== null ? `signal ${signal}` : `code ${String(exitCode)}`;
    super(`worker ${worker} (pid ${String(pid)}) exited with ${how} before answering`);
  }
}

/** The worker's handler threw: the worker is fine and keeps serving. */
export class WorkerRequestError extends Error {
  override readonly name = 'WorkerRequestError';
  readonly retryable = false;
  constructor(
    readonly worker: number,
    /** The name of the error the handler threw (e.g. 'RangeError'). */
    readonly remoteName: string,
    message: string,
  ) {
    super(message);
  }
}

export type SupervisorStopReason = 'restart-intensity' | 'closed';

/** The supervisor stopped: every request still waiting or in flight fails with this. */
export class SupervisorStoppedError extends Error {
  override readonly name = 'SupervisorStoppedError';
  readonly retryable = false;
  constructor(
    readonly reason: SupervisorStopReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A numeric option in [min, max], an integer unless told otherwise; throws IsolationError. */
export function checkOption(
  name: string,
  value: unknown,
  range: { readonly min: number; readonly max: number; readonly integer?: boolean },
): number {
  const { min, max, integer = true } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= min &&
    value <= max;
  if (!ok)
    throw new IsolationError(
      'invalid-option',
      `${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${String(value)}`,
    );
  return value;
}
