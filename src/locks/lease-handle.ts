// The LockHandle of a lease-based grant (the Redis and Redlock backends): it keeps the
// validity deadline (validUntilOf: the TTL minus clock drift, counted from when the request
// left), aborts its signal when that deadline passes without an extension, when an extension
// finds the grant gone, or when it is released, and turns the backend's answers into the
// lock API's errors. The backend supplies two operations on its grant (grant-ops below).
//
// Fault model: the backend may fail (BackendUnavailableError passes through, the handle's
// state unchanged: the caller may retry while validUntil lasts). Once lost, a handle stays
// lost (its signal cannot un-abort): extend refuses without asking the backend. A release is
// always sent while not yet released, so a grant that is still ours on the server is freed
// even after our deadline passed; it fails with NotOwnerError if the grant is not ours (the
// lease ran out and maybe someone else holds it), and a second release fails the same way.

import { LockLostError, NotOwnerError, validateTtl } from './errors.js';
import { type LockHandle, validUntilOf } from './lock.js';

/** What a backend does on the server for one grant. */
export interface GrantOps {
  /** Lengthens the lease to at least `ttlMs`; false: the grant is not ours any more. */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases one hold; false: the grant was not ours (expired, taken over). */
  release(): Promise<boolean>;
}

export interface LeaseGrant {
  readonly name: string;
  readonly owner: string;
  readonly token: bigint;
  /** performance.now() when the acquire request left. */
  readonly requestedAt: number;
  readonly ttlMs: number;
}

export class LeaseHandle implements LockHandle {
  readonly name: string;
  readonly owner: string;
  readonly token: bigint;
  private until: number;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private released = false;

  constructor(
    grant: LeaseGrant,
    private readonly ops: GrantOps,
    private readonly ttlMs = grant.ttlMs,
  ) {
    this.name = grant.name;
    this.owner = grant.owner;
    this.token = grant.token;
    this.until = validUntilOf(grant.requestedAt, grant.ttlMs);
    this.arm();
  }

  get validUntil(): number {
    return this.until;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const ms = Math.max(0, this.until - performance.now());
    this.timer = setTimeout(
      () => this.lose(`lock ${this.name}: its lease ran out without an extension`),
      ms,
    );
    this.timer.unref?.();
  }

  private lose(message: string): LockLostError {
    clearTimeout(this.timer);
    const error = new LockLostError(message);
    if (!this.controller.signal.aborted) this.controller.abort(error);
    return error;
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    validateTtl(ttlMs);
    if (this.released) throw new LockLostError(`lock ${this.name} was released`);
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    const requestedAt = performance.now();
    const ours = await this.ops.extend(ttlMs);
    if (!ours) throw this.lose(`lock ${this.name} was lost: its grant is gone`);
    // The deadline passed while the extension was on its way: the signal has fired.
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    if (this.released) throw new LockLostError(`lock ${this.name} was released`);
    this.until = Math.max(this.until, validUntilOf(requestedAt, ttlMs));
    this.arm();
  }

  async release(): Promise<void> {
    if (this.released) throw new NotOwnerError(`lock ${this.name} was already released`);
    this.released = true;
    clearTimeout(this.timer);
    let ours: boolean;
    try {
      ours = await this.ops.release();
    } catch (error) {
      // Unknown outcome: the caller may retry the release; the lease frees it otherwise.
      this.released = false;
      this.arm();
      throw error;
    }
    this.lose(`lock ${this.name} was released`);
    if (!ours) throw new NotOwnerError(`lock ${this.name} is not held by this grant any more`);
  }
}
