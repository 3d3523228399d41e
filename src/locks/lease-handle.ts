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
  /** Made when `signal` is first read: most handles are released without anyone asking. */
  private controller: AbortController | undefined;
  /** Why the lease is over (lost, run out or released), once it is. */
  private lostBecause: string | undefined;
  /** Aborts the signal when the deadline passes; armed only once someone holds the signal
   *  (otherwise the deadline is checked when it matters: on extend). */
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
  }

  get validUntil(): number {
    return this.until;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      this.ranOut();
      if (this.lostBecause !== undefined)
        this.controller.abort(new LockLostError(this.lostBecause));
      else if (!this.released) this.arm();
    }
    return this.controller.signal;
  }

  /** Marks the lease lost if its deadline has passed (true then, or if lost before). */
  private ranOut(): boolean {
    if (this.lostBecause === undefined && performance.now() >= this.until) {
      this.lose(`lock ${this.name}: its lease ran out without an extension`);
    }
    return this.lostBecause !== undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.controller === undefined) return;
    const ms = Math.max(0, this.until - performance.now());
    this.timer = setTimeout(
      () => this.lose(`lock ${this.name}: its lease ran out without an extension`),
      ms,
    );
    this.timer.unref?.();
  }

  /** The lease is over: the signal (if anyone holds it) aborts with the first reason. */
  private lose(message: string): void {
    clearTimeout(this.timer);
    if (this.lostBecause !== undefined) return;
    this.lostBecause = message;
    this.controller?.abort(new LockLostError(message));
  }

  /** Why extending cannot work: the reason the lease ended, as the signal says it. */
  private lostError(): unknown {
    return this.controller?.signal.reason ?? new LockLostError(this.lostBecause ?? 'lost');
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    validateTtl(ttlMs);
    if (this.released) throw new LockLostError(`lock ${this.name} was released`);
    if (this.ranOut()) throw this.lostError();
    const requestedAt = performance.now();
    const ours = await this.ops.extend(ttlMs);
    if (!ours) this.lose(`lock ${this.name} was lost: its grant is gone`);
    // The deadline passed while the extension was on its way (or the grant is gone).
    if (this.ranOut()) throw this.lostError();
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
