// Cohort's RPC client: typed unary calls to a service's instances — from the registry, or a
// fixed list of addresses, which may be any plain gRPC server — load-balanced per attempt
// (targets.ts), with:
// - deadlines: each call's own (`deadlineMs`, or the client's default) and, when made while
//   serving a call, never later than the served call's (context.ts); the absolute deadline
//   goes to grpc-js, which sends the time left as grpc-timeout, so the next server sees it
//   and so on down the chain. Cancelling the served call cancels the nested one.
// - retries (idempotent methods only; on the `retryOn` codes, default UNAVAILABLE) to an
//   instance not yet tried, at most `maxAttempts` attempts, each drawn from a RetryBudget;
// - hedged requests (idempotent methods only, and instead of retries): a further attempt to
//   another instance when none has answered within `delayMs`, or at once when one fails
//   retryably; the first answer wins and the other attempts are cancelled. Hedges draw from
//   the same budget.
//
//   const echo = new RpcClient(echoService(), { directory }, { retry: {}, hedge: { delayMs: 20 } });
//   const { text } = await echo.call('Echo', { text: 'hi' }, { deadlineMs: 500 });
//
// Fault model: instances may die, hang or fail at any time; a dead one costs its callers one
// attempt each until the balancer skips it (passive failure) or the registry drops it (lease).
// Every failure reaches the caller as an RpcError (errors.ts).

import { type Client, Metadata, type ServiceError } from '@grpc/grpc-js';
import { backoffMs, sleep } from '../../client/connection.js';
import { type Clock, systemClock } from '../../reliability/clock.js';
import { currentCall } from './context.js';
import { RpcError, type RpcErrorCode, rpcErrorFromStatus } from './errors.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
import type { MethodMap, RpcMethod, RpcService } from './service.js';
import { type RpcTarget, type TargetOptions, Targets } from './targets.js';

export interface RetryOptions {
  /** Attempts per call, first included (default 3). */
  readonly maxAttempts?: number;
  /** Codes worth another attempt (default ['unavailable']). */
  readonly retryOn?: readonly RpcErrorCode[];
  readonly budget?: RetryBudgetOptions;
}

export interface HedgeOptions {
  /** Wait before each further attempt (ms). */
  readonly delayMs: number;
  /** Attempts per call, first included (default 2). */
  readonly maxAttempts?: number;
}

export interface RpcClientOptions extends TargetOptions {
  /** A call's deadline when it sets none (ms; default: none). */
  readonly deadlineMs?: number;
  readonly retry?: RetryOptions;
  readonly hedge?: HedgeOptions;
  /** The clock of the retry budget and the balancer (default: the system clock). */
  readonly clock?: Clock;
}

export interface CallOptions {
  /** Relative deadline (ms); a served call's remaining deadline caps it. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  readonly metadata?: Metadata;
}

export interface RpcClientStats {
  calls: number;
  attempts: number;
  retries: number;
  hedges: number;
  /** Retries or hedges the budget refused. */
  budgetRefused: number;
}

interface Call {
  readonly method: RpcMethod;
  readonly request: object;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly metadata: Metadata;
}

const MAX_ATTEMPTS = 10;

function checkAttempts(what: string, n: number): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_ATTEMPTS))
    throw new RpcError('invalid-argument', `${what} must be an integer in 1..${MAX_ATTEMPTS}`);
  return n;
}

export class RpcClient<M extends MethodMap = MethodMap> {
  readonly stats: RpcClientStats = {
    calls: 0,
    attempts: 0,
    retries: 0,
    hedges: 0,
    budgetRefused: 0,
  };
  readonly budget: RetryBudget;
  private readonly targets: Targets;
  private readonly retryOn: ReadonlySet<RpcErrorCode>;
  private readonly maxAttempts: number;
  private readonly hedgeAttempts: number;

  constructor(
    readonly service: RpcService<M>,
    target: RpcTarget,
    private readonly options: RpcClientOptions = {},
  ) {
    const { deadlineMs, hedge, retry } = options;
    if (deadlineMs !== undefined && !(deadlineMs > 0))
      throw new RpcError('invalid-argument', `bad deadlineMs ${deadlineMs}`);
    if (hedge !== undefined && !(hedge.delayMs >= 0 && hedge.delayMs <= 2 ** 31 - 1))
      throw new RpcError('invalid-argument', `bad hedge delayMs ${hedge.delayMs}`);
    this.maxAttempts =
      retry === undefined ? 1 : checkAttempts('maxAttempts', retry.maxAttempts ?? 3);
    this.hedgeAttempts =
      hedge === undefined ? 1 : checkAttempts('hedge maxAttempts', hedge.maxAttempts ?? 2);
    this.retryOn = new Set(retry?.retryOn ?? ['unavailable']);
    this.budget = new RetryBudget(options.clock ?? systemClock, retry?.budget);
    this.targets = new Targets(target, options);
  }

  /** The instances calls may go to now: id → address. */
  instances(): ReadonlyMap<string, string> {
    return this.targets.instances();
  }

  call<K extends keyof M & string>(
    name: K,
    request: M[K]['request'],
    options: CallOptions = {},
  ): Promise<M[K]['response']> {
    const method = this.service.methods.get(name);
    if (method === undefined)
      return reject(`${this.service.name} has no method ${String(name)}`, 'unimplemented');
    if (!method.unary) return reject(`${name} streams; call it with grpc-js`, 'unimplemented');
    let call: Call;
    try {
      call = this.prepare(method, request, options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.stats.calls++;
    this.budget.deposit();
    return method.idempotent && this.hedgeAttempts > 1 ? this.hedged(call) : this.retried(call);
  }

  close(): void {
    this.targets.close();
  }

  private prepare(method: RpcMethod, request: object, options: CallOptions): Call {
    const parent = currentCall();
    const ms = options.deadlineMs ?? this.options.deadlineMs;
    if (ms !== undefined && !(ms > 0))
      throw new RpcError('invalid-argument', `bad deadlineMs ${ms}`);
    const own = ms === undefined ? Infinity : Date.now() + ms;
    const deadline = Math.min(own, parent?.deadline ?? Infinity);
    const [mine, inherited] = [options.signal, parent?.signal];
    const signal =
      mine === undefined || inherited === undefined
        ? (mine ?? inherited)
        : AbortSignal.any([mine, inherited]);
    const metadata = options.metadata ?? new Metadata();
    return { method, request, deadline, signal, metadata };
  }

  /** Attempts one after another, each to an instance not yet tried (while any is left). */
  private retried(call: Call): Promise<object> {
    const tried = new Set<string>();
    // The first attempt without an async frame around it: most calls need no other.
    return this.attempt(call, tried).catch((error: RpcError) => this.retry(call, tried, error));
  }

  private async retry(call: Call, tried: Set<string>, first: RpcError): Promise<object> {
    let error = first;
    for (let attempt = 1; ; attempt++) {
      if (!this.mayTryAgain(call, error, attempt, this.maxAttempts)) throw error;
      this.stats.retries++;
      // Every instance tried once already: back off before going round again.
      if (tried.size >= this.targets.instances().size) {
        tried.clear();
        await sleep(backoffMs(attempt), call.signal);
      }
      try {
        return await this.attempt(call, tried);
      } catch (e) {
        error = e as RpcError;
      }
    }
  }

  private mayTryAgain(call: Call, error: RpcError, attempt: number, max: number): boolean {
    if (!call.method.idempotent || !this.retryOn.has(error.code) || attempt >= max) return false;
    if (Date.now() >= call.deadline || call.signal?.aborted === true) return false;
    if (this.budget.tryWithdraw()) return true;
    this.stats.budgetRefused++;
    return false;
  }

  /** Attempts in parallel: a new one each `delayMs`, or at once after a retryable failure. */
  private hedged(call: Call): Promise<object> {
    const delayMs = this.options.hedge?.delayMs ?? 0;
    const tried = new Set<string>();
    const cancels = new Set<AbortController>();
    return new Promise<object>((resolve, reject) => {
      let started = 0;
      let running = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error: unknown, value?: object) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const c of cancels) c.abort();
        if (error === undefined) resolve(value as object);
        else reject(error);
      };
      const launch = () => {
        started++;
        running++;
        const cancel = new AbortController();
        cancels.add(cancel);
        const signal =
          call.signal === undefined ? cancel.signal : AbortSignal.any([call.signal, cancel.signal]);
        this.attempt({ ...call, signal }, tried).then(
          (value) => finish(undefined, value),
          (error: RpcError) => {
            running--;
            if (this.mayHedge(call, error, started)) return next();
            if (running === 0) finish(error);
          },
        );
        clearTimeout(timer);
        if (started < this.hedgeAttempts)
          timer = setTimeout(() => this.mayHedge(call, undefined, started) && next(), delayMs);
      };
      const next = () => {
        if (settled) return;
        this.stats.hedges++;
        launch();
      };
      launch();
    });
  }

  /** Whether another hedged attempt may start (after `error`, or on the timer). */
  private mayHedge(call: Call, error: RpcError | undefined, started: number): boolean {
    if (error !== undefined && !this.retryOn.has(error.code)) return false;
    return this.mayTryAgain(
      call,
      error ?? new RpcError('unavailable', ''),
      started,
      this.hedgeAttempts,
    );
  }

  /** One attempt on one instance (added to `tried`). */
  private attempt(call: Call, tried: Set<string>): Promise<object> {
    const picked = this.targets.pick(tried);
    if (picked === undefined)
      return Promise.reject(
        new RpcError('unavailable', `no live instance of ${this.service.name}`),
      );
    tried.add(picked.id);
    this.stats.attempts++;
    return send(picked.channel, call).then(
      (value) => {
        this.targets.release(picked.id, 'success');
        return value;
      },
      (error: RpcError) => {
        this.targets.release(picked.id, error.code === 'unavailable' ? 'failure' : 'success');
        throw error;
      },
    );
  }
}

/** One unary call over `channel`, settled with the response or an RpcError. */
function send(channel: Client, call: Call): Promise<object> {
  const { method, signal } = call;
  if (signal?.aborted === true) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    let badRequest: unknown;
    const serialize = (value: object) => {
      try {
        return method.definition.requestSerialize(value);
      } catch (error) {
        badRequest = error;
        throw error;
      }
    };
    const options = call.deadline === Infinity ? {} : { deadline: call.deadline };
    const onAbort = () => grpcCall.cancel();
    const grpcCall = channel.makeUnaryRequest(
      method.path,
      serialize,
      method.definition.responseDeserialize,
      call.request,
      call.metadata,
      options,
      (error: ServiceError | null, value?: object) => {
        signal?.removeEventListener('abort', onAbort);
        if (error === null) return resolve(value as object);
        if (badRequest !== undefined)
          return reject(
            new RpcError('invalid-argument', `${method.name}: bad request: ${badRequest}`),
          );
        if (signal?.aborted === true) return reject(abortError(signal));
        reject(rpcErrorFromStatus(error));
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function reject(message: string, code: RpcErrorCode): Promise<never> {
  return Promise.reject(new RpcError(code, message));
}

function abortError(signal: AbortSignal): RpcError {
  const reason: unknown = signal.reason;
  if (reason instanceof RpcError) return reason;
  return new RpcError('cancelled', `cancelled: ${reason}`, { cause: reason });
}
