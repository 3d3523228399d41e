// The call being served, as seen by its handler and by every call the handler makes: its
// deadline (absolute, ms since the epoch; Infinity when the caller set none) and a signal
// that aborts when the caller cancels, disconnects or the deadline passes. The server runs
// each handler inside an AsyncLocalStorage scope holding its context, so an RpcClient call
// made while serving — however deep in the handler's promises — takes the smaller of its own
// deadline and the remaining one, and is cancelled with the parent (gRPC's deadline and
// cancellation propagation, without threading a context argument through the caller's code).
//
// Fault model: the caller's deadline is untrusted input (grpc-timeout header) that grpc-js has
// already parsed and bounded; a call that never had one gets none downstream either.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { RpcError } from './errors.js';

export interface CallContext {
  /** `/package.Service/Method`. */
  readonly path: string;
  /** Absolute, ms since the epoch; Infinity: none. */
  readonly deadline: number;
  /** Aborts (with an RpcError) when the caller cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly metadata: Metadata;
  /** The caller's address. */
  readonly peer: string;
  /** Milliseconds left before the deadline (Infinity: none). */
  remainingMs(): number;
}

const storage = new AsyncLocalStorage<CallContext>();

/** The call being served by this async context, if any. */
export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

export function runInCall<T>(ctx: CallContext, f: () => T): T {
  return storage.run(ctx, f);
}

export function deadlineMsOf(d: Date | number): number {
  return d instanceof Date ? d.getTime() : d;
}

/** A served call's context; its signal and timer exist only once a handler asks for them. */
export class ServedCall implements CallContext {
  readonly deadline: number;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: ServerUnaryCall<unknown, unknown>,
    readonly path: string,
  ) {
    this.deadline = deadlineMsOf(call.getDeadline());
  }

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get peer(): string {
    return this.call.getPeer();
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  get signal(): AbortSignal {
    if (this.controller !== undefined) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    const end = () => {
      clearTimeout(this.timer);
      if (controller.signal.aborted) return;
      const late = Date.now() >= this.deadline;
      controller.abort(
        late
          ? new RpcError('deadline-exceeded', `${this.path}: the caller's deadline passed`)
          : new RpcError('cancelled', `${this.path}: the caller cancelled`),
      );
    };
    // grpc-js also cancels at the deadline; the timer makes the reason certain.
    if (this.deadline !== Infinity)
      this.timer = setTimeout(end, Math.min(2 ** 31 - 1, this.remainingMs()));
    if (this.call.cancelled) end();
    else this.call.once('cancelled', end);
    return controller.signal;
  }

  /** The call was answered: no more timer. */
  finish(): void {
    clearTimeout(this.timer);
    if (this.controller !== undefined && !this.controller.signal.aborted)
      this.controller.abort(new RpcError('cancelled', `${this.path}: answered`));
  }
}
