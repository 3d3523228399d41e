// The time source every reliability policy reads. Policies never call Date.now() themselves:
// the caller injects a clock, so tests run them in virtual time and a run is replayable.
// A clock may step backwards (NTP on a real machine); each policy treats a time earlier than
// the last one it saw as that last time, so its state never moves back.

export interface Clock {
  /** Milliseconds, a safe integer. Only differences matter; the origin is arbitrary. */
  nowMs(): number;
}

/** Wall-clock milliseconds (Date.now); for processes, never for tests. */
export const systemClock: Clock = { nowMs: () => Date.now() };

/** Virtual time that moves only when told to: for tests, simulations and the CLI. */
export class ManualClock implements Clock {
  constructor(private now = 0) {}

  nowMs(): number {
    return this.now;
  }

  /** Moves time forward by `ms` (≥ 0). */
  advance(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`advance(${ms}): need ms ≥ 0`);
    this.now += ms;
  }

  /** Sets the time; going backwards is allowed (it models a stepped wall clock). */
  set(ms: number): void {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`set(${ms}): need a safe integer`);
    this.now = ms;
  }
}
