// Orchestrated sagas (issue 18; seed notes 003's flexible transactions): a saga is a list of
// steps, each a local transaction somewhere with a compensation that semantically undoes it.
// The orchestrator runs the steps in order and logs its progress durably after each (the
// saga log: which steps completed, with their results); if a step fails — after its retries,
// each attempt cut off at the step's time limit — it compensates that step and every earlier
// one in reverse order, logging as it goes. After a crash, recover() (run by open()) resumes
// every logged saga where its log says: forward from the first step not logged as done, or
// on with the compensations.
//
// Guarantees and what they ask of steps: a step may run more than once (it ran, then the
// crash came before its completion was logged; or an attempt timed out but went on), so
// actions must be idempotent, keyed by (sagaId, step) — pg-effects.ts does that for
// PostgreSQL. The failed step itself is compensated too (a timed-out attempt may have taken
// effect), so a compensation must accept an action that never happened (pg-effects.ts records
// a marker that also refuses the late action). Sagas give no isolation: other transactions
// see the intermediate states.
//
// Fault model: the orchestrator may be killed at any instant (resumed by recover()); steps may
// fail, hang (per-step time limit) or answer late; a compensation that keeps failing leaves
// the saga logged as compensating (InDoubtError('rollback')) for the next recover().

import { randomUUID } from 'node:crypto';
import { DurableLog } from '../durable-log.js';
import {
  InDoubtError,
  InvalidTransactionArgument,
  ParticipantTimeoutError,
  TransactionAbortedError,
  UnknownTransactionError,
  validateId,
} from '../errors.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from '../retry.js';

export interface SagaContext<I> {
  readonly sagaId: string;
  readonly input: I;
  /** Results of the steps done so far, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
}

export interface SagaStep<I> {
  readonly name: string;
  /** The step's local transaction; its result is logged (plain data). */
  action(ctx: SagaContext<I>, signal: AbortSignal): Promise<unknown>;
  /** Undoes the action (must accept an action that never happened). None: nothing to undo. */
  compensate?(ctx: SagaContext<I>, signal: AbortSignal): Promise<void>;
  /** Each attempt's time limit (default: the orchestrator's). */
  readonly timeoutMs?: number;
  /** Attempts of the action (default 3). */
  readonly attempts?: number;
  /** Errors that refuse the step for good (no retry: compensate at once). */
  isFinal?(error: unknown): boolean;
}

export interface SagaDefinition<I> {
  readonly name: string;
  readonly steps: readonly SagaStep<I>[];
  /** Validates the input (untrusted; also read back from the log). */
  parseInput(input: unknown): I;
}

export type SagaHookStep = 'after-start' | 'step-ran' | 'step-logged' | 'compensated';

export interface SagaOptions {
  readonly orchestratorId: string;
  readonly logDir: string;
  // biome-ignore lint/suspicious/noExplicitAny: definitions of different inputs share a registry.
  readonly sagas: readonly SagaDefinition<any>[];
  /** Each step attempt's default time limit. Default 10 s. */
  readonly timeoutMs?: number;
  /** Compensation retries (they must succeed eventually). */
  readonly retry?: Partial<RetryOptions>;
  /** Resume logged sagas when opening (default true). */
  readonly recover?: boolean;
  /** Test seam: called at each point (the crash tests die at one). */
  readonly hooks?: { at(point: SagaHookStep, sagaId: string, step: string): void | Promise<void> };
}

export interface SagaRecord {
  readonly saga: string;
  readonly input: unknown;
  readonly phase: 'forward' | 'compensating';
  /** forward: steps done; compensating: steps still to compensate (indices 0..next-1). */
  readonly next: number;
  readonly results: Record<string, unknown>;
  readonly error?: string;
}

export interface SagaResult {
  readonly sagaId: string;
  readonly results: Record<string, unknown>;
}

const key = (sagaId: string) => `saga/${sagaId}`;

export class SagaOrchestrator {
  // biome-ignore lint/suspicious/noExplicitAny: see SagaOptions.sagas.
  private readonly definitions = new Map<string, SagaDefinition<any>>();
  private readonly active = new Set<string>();
  private readonly retry: RetryOptions;

  private constructor(
    readonly log: DurableLog,
    private readonly options: SagaOptions,
  ) {
    for (const d of options.sagas) this.definitions.set(d.name, d);
    this.retry = {
      ...DEFAULT_RETRY,
      attempts: 8,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...options.retry,
    };
  }

  static async open(options: SagaOptions): Promise<SagaOrchestrator> {
    const id = validateId('?', 'orchestratorId', options.orchestratorId);
    const log = await DurableLog.open(options.logDir, `saga:${id}`);
    const orchestrator = new SagaOrchestrator(log, options);
    if (options.recover !== false) await orchestrator.recover();
    return orchestrator;
  }

  /**
   * Runs saga `name` with `input` to its end: resolves with the step results once every step
   * is done; rejects with TransactionAbortedError once every step is compensated, or
   * InDoubtError('rollback') when a compensation keeps failing (recover() goes on with it).
   */
  async start(
    name: string,
    input: unknown,
    options: { sagaId?: string } = {},
  ): Promise<SagaResult> {
    const sagaId = validateId(options.sagaId ?? '?', 'sagaId', options.sagaId ?? randomUUID());
    const definition = this.definitions.get(name);
    if (definition === undefined)
      throw new InvalidTransactionArgument(sagaId, `no saga named ${String(name)}`);
    try {
      definition.parseInput(input);
    } catch (error) {
      throw new InvalidTransactionArgument(sagaId, `bad input for ${name}: ${String(error)}`);
    }
    if (this.active.has(sagaId) || this.log.get(key(sagaId)) !== undefined)
      throw new InvalidTransactionArgument(sagaId, 'saga id already in use');
    const record: SagaRecord = { saga: name, input, phase: 'forward', next: 0, results: {} };
    this.active.add(sagaId);
    try {
      await this.log.put(key(sagaId), record);
      await this.options.hooks?.at('after-start', sagaId, '');
      return await this.drive(sagaId, record);
    } finally {
      this.active.delete(sagaId);
    }
  }

  /** An unfinished saga's logged record; UnknownTransactionError otherwise. */
  status(sagaId: string): SagaRecord {
    const record = this.log.get<SagaRecord>(key(validateId(sagaId, 'sagaId', sagaId)));
    if (record === undefined) throw new UnknownTransactionError(sagaId, 'no unfinished saga');
    return record;
  }

  /** Resumes every logged saga not running here; reports how each ended. */
  async recover(): Promise<{ sagaId: string; outcome: 'completed' | 'compensated' | 'stuck' }[]> {
    const report: { sagaId: string; outcome: 'completed' | 'compensated' | 'stuck' }[] = [];
    for (const k of this.log.keys('saga/')) {
      const sagaId = k.slice('saga/'.length);
      if (this.active.has(sagaId)) continue;
      this.active.add(sagaId);
      try {
        await this.drive(sagaId, this.status(sagaId));
        report.push({ sagaId, outcome: 'completed' });
      } catch (error) {
        report.push({
          sagaId,
          outcome: error instanceof TransactionAbortedError ? 'compensated' : 'stuck',
        });
      } finally {
        this.active.delete(sagaId);
      }
    }
    return report;
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** Runs the saga on from `record` (forward, then compensating if a step fails). */
  private async drive(sagaId: string, record: SagaRecord): Promise<SagaResult> {
    const definition = this.definitions.get(record.saga);
    if (definition === undefined)
      throw new UnknownTransactionError(sagaId, `saga ${record.saga} is not defined here`);
    const input: unknown = definition.parseInput(record.input);
    let current = record;
    const hooks = this.options.hooks;
    while (current.phase === 'forward' && current.next < definition.steps.length) {
      const step = definition.steps[current.next] as SagaStep<unknown>;
      const ctx = { sagaId, input, results: current.results };
      try {
        const result = await this.attempts(sagaId, step, (signal) => step.action(ctx, signal), {
          attempts: step.attempts ?? 3,
          isFinal: (error) => step.isFinal?.(error) === true,
        });
        await hooks?.at('step-ran', sagaId, step.name);
        current = {
          ...current,
          next: current.next + 1,
          results: { ...current.results, [step.name]: result ?? null },
        };
        await this.log.put(key(sagaId), current);
        await hooks?.at('step-logged', sagaId, step.name);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // The failed step is compensated too: a timed-out attempt may have taken effect.
        current = { ...current, phase: 'compensating', next: current.next + 1, error: message };
        await this.log.put(key(sagaId), current);
      }
    }
    if (current.phase === 'forward') {
      this.log.forget(key(sagaId));
      return { sagaId, results: current.results };
    }
    await this.compensate(sagaId, definition, input, current);
    throw new TransactionAbortedError(sagaId, `compensated: ${current.error ?? 'a step failed'}`);
  }

  /** Compensates steps next-1 … 0 in reverse order, logging after each. */
  private async compensate(
    sagaId: string,
    definition: SagaDefinition<unknown>,
    input: unknown,
    record: SagaRecord,
  ): Promise<void> {
    let current = record;
    while (current.next > 0) {
      const step = definition.steps[current.next - 1] as SagaStep<unknown>;
      const ctx = { sagaId, input, results: current.results };
      const undo = step.compensate;
      if (undo !== undefined) {
        try {
          await this.attempts(sagaId, step, (signal) => undo(ctx, signal), this.retry);
        } catch (error) {
          throw new InDoubtError(sagaId, 'rollback', [step.name], { cause: error });
        }
      }
      await this.options.hooks?.at('compensated', sagaId, step.name);
      current = { ...current, next: current.next - 1 };
      if (current.next > 0) await this.log.put(key(sagaId), current);
    }
    this.log.forget(key(sagaId));
  }

  /** Retries `run` with back-off; each attempt is cut off at the step's time limit. */
  private attempts<T>(
    sagaId: string,
    step: SagaStep<unknown>,
    run: (signal: AbortSignal) => Promise<T>,
    overrides: Partial<RetryOptions>,
  ): Promise<T> {
    const timeoutMs = step.timeoutMs ?? this.retry.timeoutMs;
    return withRetries({ ...this.retry, ...overrides, timeoutMs }, (signal) =>
      cutOff(run(signal), signal, () => new ParticipantTimeoutError(sagaId, step.name, timeoutMs)),
    );
  }
}

/** `work`, or a rejection once `signal` aborts — even if `work` ignores the signal. */
function cutOff<T>(work: Promise<T>, signal: AbortSignal, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(error());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (failure: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(failure);
      },
    );
  });
}
