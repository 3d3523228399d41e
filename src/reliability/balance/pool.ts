// The peer table every balancing policy picks from: weights, in-flight counts, health and
// slow start, kept in one place so that the policies differ only in how they choose.
//
// Health has two sources, as in nginx: active checks (checkResult; a peer is down after
// `unhealthyAfter` consecutive failed checks and rejoins after `healthyAfter` consecutive
// passes) and passive failures (nginx's max_fails/fail_timeout: after `maxFails` failed
// requests within `failTimeoutMs` the peer is skipped for `failTimeoutMs`, then one request
// probes it; a success after the probe clears its failures). A peer that rejoins (or is
// added) ramps its weight from near zero to its full weight over `slowStartMs`.
//
// Fault model: a peer may fail or recover at any time and the clock may step backwards
// (treated as no time passing). Everything is deterministic given the clock.

import type { Clock } from '../clock.js';
import {
  BalanceError,
  MAX_DURATION_MS,
  MAX_PEERS,
  validateOption,
  validatePeerId,
  validateWeight,
} from './errors.js';

export interface PeerSpec {
  readonly id: string;
  /** Integer ≥ 1 (default 1). */
  readonly weight?: number;
}

export interface PoolOptions {
  /** Weight ramp after a peer rejoins or is added, in ms (0: none). */
  readonly slowStartMs?: number;
  /** Failed requests within failTimeoutMs that take a peer out (0: never); nginx's default 1. */
  readonly maxFails?: number;
  /** nginx's fail_timeout, in ms (default 10 s). */
  readonly failTimeoutMs?: number;
  /** Consecutive passed checks that bring a down peer back (default 1). */
  readonly healthyAfter?: number;
  /** Consecutive failed checks that take a peer down (default 1). */
  readonly unhealthyAfter?: number;
}

/** One peer's state; plain and printable. */
export interface PeerState {
  readonly id: string;
  readonly weight: number;
  /** Taken out by health checks (or markDown) until checks pass again. */
  down: boolean;
  /** When slow start began, or null when the peer runs at full weight. */
  rampStartMs: number | null;
  inflight: number;
  /** Passive failures (nginx's fails, accessed, checked). */
  fails: number;
  accessedMs: number;
  checkedMs: number;
  /** Consecutive check results of the current streak (+passes, −failures). */
  checkStreak: number;
  /** Smooth weighted round robin's two numbers (nginx's current_weight, effective_weight). */
  currentWeight: number;
  effectiveWeight: number;
}

/** Slow start's ramp, in thousandths of the full weight (integers keep comparisons exact). */
export const RAMP_UNITS = 1000;

export type Outcome = 'success' | 'failure';

export class PeerPool {
  readonly peers: PeerState[] = [];
  private readonly slowStartMs: number;
  readonly maxFails: number;
  private readonly failTimeoutMs: number;
  private readonly healthyAfter: number;
  private readonly unhealthyAfter: number;

  constructor(
    specs: readonly PeerSpec[],
    readonly clock: Clock,
    options: PoolOptions = {},
  ) {
    this.slowStartMs = validateOption('slowStartMs', options.slowStartMs ?? 0, MAX_DURATION_MS);
    this.maxFails = validateOption('maxFails', options.maxFails ?? 1, 1_000_000);
    this.failTimeoutMs = validateOption(
      'failTimeoutMs',
      options.failTimeoutMs ?? 10_000,
      MAX_DURATION_MS,
    );
    this.healthyAfter = Math.max(
      1,
      validateOption('healthyAfter', options.healthyAfter ?? 1, 1000),
    );
    this.unhealthyAfter = Math.max(
      1,
      validateOption('unhealthyAfter', options.unhealthyAfter ?? 1, 1000),
    );
    if (specs.length === 0)
      throw new BalanceError('invalid-peer', 'a balancer needs at least one peer');
    for (const spec of specs) this.insert(spec, null);
    this.lastNow = clock.nowMs();
  }

  private lastNow: number;

  /** The clock's time, never earlier than a time already seen. */
  now(): number {
    const t = this.clock.nowMs();
    if (t > this.lastNow) this.lastNow = t;
    return this.lastNow;
  }

  private insert(spec: PeerSpec, rampStartMs: number | null): PeerState {
    if (this.peers.length >= MAX_PEERS)
      throw new BalanceError('invalid-peer', `at most ${MAX_PEERS} peers`);
    const id = validatePeerId(spec?.id);
    const weight = validateWeight(id, spec.weight ?? 1);
    if (this.peers.some((p) => p.id === id))
      throw new BalanceError('duplicate-peer', `peer ${id} is listed twice`);
    const peer: PeerState = {
      id,
      weight,
      down: false,
      rampStartMs,
      inflight: 0,
      fails: 0,
      accessedMs: 0,
      checkedMs: 0,
      checkStreak: 0,
      currentWeight: 0,
      effectiveWeight: weight,
    };
    this.peers.push(peer);
    return peer;
  }

  get(id: string): PeerState {
    const peer = this.peers.find((p) => p.id === id);
    if (peer === undefined) throw new BalanceError('unknown-peer', `no peer ${String(id)}`);
    return peer;
  }

  /** Adds a peer at run time (a registry saw a new instance); it slow-starts. */
  add(spec: PeerSpec): void {
    const peer = this.insert(spec, this.slowStartMs > 0 ? this.now() : null);
    peer.effectiveWeight = this.weightNow(peer, this.now());
  }

  /** Removes a peer; its in-flight requests are forgotten. */
  remove(id: string): void {
    const i = this.peers.indexOf(this.get(id));
    this.peers.splice(i, 1);
  }

  /** Whether a request may go to `peer` now (nginx's skip rules, plus `exclude`). */
  available(peer: PeerState, now: number, exclude?: ReadonlySet<string>): boolean {
    if (peer.down || exclude?.has(peer.id) === true) return false;
    const failing = this.maxFails > 0 && peer.fails >= this.maxFails;
    return !(failing && now - peer.checkedMs <= this.failTimeoutMs);
  }

  /** The peers a request may go to, in table order. */
  eligible(now: number, exclude?: ReadonlySet<string>): PeerState[] {
    return this.peers.filter((p) => this.available(p, now, exclude));
  }

  /** Slow start's ramp in RAMP_UNITS (RAMP_UNITS once it is over). */
  ramp(peer: PeerState, now: number): number {
    if (peer.rampStartMs === null) return RAMP_UNITS;
    const elapsed = now - peer.rampStartMs;
    if (elapsed >= this.slowStartMs) {
      peer.rampStartMs = null;
      return RAMP_UNITS;
    }
    return Math.max(1, Math.floor((RAMP_UNITS * elapsed) / this.slowStartMs));
  }

  /** The integer weight now: the full weight, or during slow start a share of it (≥ 1). */
  weightNow(peer: PeerState, now: number): number {
    return Math.max(1, Math.floor((peer.weight * this.ramp(peer, now)) / RAMP_UNITS));
  }

  /**
   * The load a new request would see on `peer`, as a fraction num/den: (in-flight + 1) over
   * its weight scaled by slow start. Compared by cross-multiplication, so exactly.
   */
  load(peer: PeerState, now: number): { num: number; den: number } {
    return { num: peer.inflight + 1, den: peer.weight * this.ramp(peer, now) };
  }

  /** Bookkeeping for a pick: one more in flight; a probe after fail_timeout is recorded. */
  picked(peer: PeerState, now: number): string {
    peer.inflight++;
    if (now - peer.checkedMs > this.failTimeoutMs) peer.checkedMs = now;
    return peer.id;
  }

  /** A request to `id` ended; failures feed the passive health rules (nginx's free_peer). */
  release(id: string, outcome: Outcome): PeerState {
    const peer = this.get(id);
    const now = this.now();
    if (peer.inflight > 0) peer.inflight--;
    if (outcome === 'failure') {
      peer.fails++;
      peer.accessedMs = now;
      peer.checkedMs = now;
    } else if (peer.accessedMs < peer.checkedMs) {
      peer.fails = 0; // The probe after fail_timeout succeeded.
    }
    return peer;
  }

  /** nginx: when every peer is failing, mark them all live for quick recovery. */
  forgiveAll(): void {
    for (const peer of this.peers) peer.fails = 0;
  }

  /** An active health check's result. */
  checkResult(id: string, passed: boolean): void {
    const peer = this.get(id);
    if (passed) {
      peer.checkStreak = peer.checkStreak > 0 ? peer.checkStreak + 1 : 1;
      if (peer.down && peer.checkStreak >= this.healthyAfter) this.rejoin(peer);
    } else {
      peer.checkStreak = peer.checkStreak < 0 ? peer.checkStreak - 1 : -1;
      if (!peer.down && -peer.checkStreak >= this.unhealthyAfter) peer.down = true;
    }
  }

  /** Takes a peer out at once (an operator's drain, a registry lease lost). */
  markDown(id: string): void {
    const peer = this.get(id);
    peer.down = true;
    peer.checkStreak = 0;
  }

  private rejoin(peer: PeerState): void {
    const now = this.now();
    peer.down = false;
    peer.fails = 0;
    peer.rampStartMs = this.slowStartMs > 0 ? now : null;
    peer.currentWeight = 0;
    peer.effectiveWeight = this.weightNow(peer, now);
  }
}
