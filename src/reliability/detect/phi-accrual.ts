// The φ accrual failure detector (Hayashibara, Défago, Yared & Katayama, "The φ Accrual
// Failure Detector", SRDS 2004). Instead of a yes/no verdict it outputs a suspicion level
//
//   φ(t_now) = −log10(P_later(t_now − T_last)),   P_later(t) = 1 − F(t)
//
// where F is the cumulative distribution of heartbeat inter-arrival times, estimated from a
// sliding window of the last arrivals as a normal distribution with the window's mean and
// variance (§4 of the paper). φ = 1 means a 10% chance that suspecting is a mistake, φ = 2
// a 1% chance, and so on; the application suspects at a threshold Φ of its choosing. The
// detector adapts: on a link whose arrivals jitter, the variance and so the wait grow.
//
// The parameters follow Akka's implementation (akka.remote.PhiAccrualFailureDetector), which
// added three to the paper's: a floor on the standard deviation (`minStdDeviationMs`, so a
// perfectly regular link does not make φ leap on the first late arrival), a pause the
// application accepts without suspicion added to the mean (`acceptableHeartbeatPauseMs`, for
// GC pauses and lost heartbeats), and a first estimate that seeds the window
// (`firstHeartbeatEstimateMs`: two samples at mean ± mean/4). As in Akka, an arrival that ends
// a suspicion is not a sample — a failure's long gap would otherwise widen the window.
// One departure: the history starts from the moment monitoring starts, as if a heartbeat had
// just arrived, so a peer that is never heard from is still suspected (Akka reports φ = 0
// for a peer never heard from and leaves that case to the membership layer).
//
// The tail 1 − F is computed exactly (not Akka's logistic approximation): Numerical Recipes'
// erfc, fractional error below 1.2·10⁻⁷, in the log domain so φ stays finite and accurate far
// into the tail. Deciding needs no logarithm at all: φ grows with the standardized silence
// y = (elapsed − mean)/σ, so φ ≥ Φ exactly when elapsed ≥ mean + y*·σ, with y* found once per
// configuration. The verdict is then plain arithmetic and a square root, identical on every
// JavaScript engine (the simulator's traces must not depend on how an engine rounds `log`).
//
// Fault model: pure arithmetic over arrival times the caller passes in. It estimates, it
// does not know: loss and delay look like silence, and a window learned on a calm link
// suspects quickly when the link turns noisy (the phi-accrual/fixed trade-off `cohort detect`
// plots).

export interface PhiConfig {
  /** φ at which a peer is suspected (Akka's `threshold`, default 8). */
  readonly threshold: number;
  /** Inter-arrival times kept (Akka's `max-sample-size`, default 1000). */
  readonly maxSampleSize: number;
  /** Floor under the window's standard deviation (Akka's `min-std-deviation`, 100 ms). */
  readonly minStdDeviationMs: number;
  /** Added to the mean: silence accepted before φ rises (Akka's default 3 s). */
  readonly acceptableHeartbeatPauseMs: number;
  /** The expected interval that seeds the window (Akka's `heartbeat-interval`, 1 s). */
  readonly firstHeartbeatEstimateMs: number;
}

/** A validated configuration with its decision boundary precomputed. */
export interface PhiDetector extends PhiConfig {
  /** The standardized silence y* at which φ equals the threshold. */
  readonly thresholdY: number;
}

/** One peer's arrival history. A plain object, so a node's state stays printable. */
export interface PhiHistory {
  /** Inter-arrival times in ms, oldest first, at most maxSampleSize of them. */
  intervalsMs: number[];
  /** Sum of `intervalsMs`, and of their squares: mean and variance without a rescan. */
  sumMs: number;
  sumSquaresMs2: number;
  /** When the last heartbeat arrived (or monitoring began). */
  lastHeardMs: number;
}

/** φ ≤ this is accepted as a threshold: φ(y = 40) ≈ 350, far beyond any useful one. */
export const MAX_PHI_THRESHOLD = 300;

/** ln(erfc(z)) for z ≥ 0: Numerical Recipes' erfcc (Chebyshev fit), in the log domain. */
function lnErfc(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - z * z + poly;
}

/**
 * φ for a standardized silence y = (elapsed − mean)/σ: −log10(1 − Φ(y)), Φ the standard
 * normal distribution function. Increasing in y; log10(2) at y = 0.
 */
export function phiOfStandardized(y: number): number {
  // ln(1 − Φ(|y|)) = ln(½·erfc(|y|/√2)).
  const lnTail = Math.log(0.5) + lnErfc(Math.abs(y) * Math.SQRT1_2);
  if (y >= 0) return -lnTail / Math.LN10;
  return -Math.log1p(-Math.exp(lnTail)) / Math.LN10; // 1 − Φ(y) = 1 − (1 − Φ(|y|)).
}

/** The y at which φ reaches `threshold`, by bisection (φ is increasing in y). */
function standardizedAt(threshold: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (phiOfStandardized(mid) < threshold) lo = mid;
    else hi = mid;
  }
  return hi;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`phi accrual detector: ${what}`);
}

/** Validates a configuration (RangeError naming the bad field) and precomputes y*. */
export function phiDetector(c: PhiConfig): PhiDetector {
  check(
    Number.isFinite(c.threshold) && c.threshold > 0 && c.threshold <= MAX_PHI_THRESHOLD,
    `threshold must be in (0, ${MAX_PHI_THRESHOLD}], got ${c.threshold}`,
  );
  check(
    Number.isSafeInteger(c.maxSampleSize) && c.maxSampleSize >= 1,
    `maxSampleSize must be a positive integer, got ${c.maxSampleSize}`,
  );
  check(
    Number.isFinite(c.minStdDeviationMs) && c.minStdDeviationMs > 0,
    `minStdDeviationMs must be positive, got ${c.minStdDeviationMs}`,
  );
  check(
    Number.isFinite(c.acceptableHeartbeatPauseMs) && c.acceptableHeartbeatPauseMs >= 0,
    `acceptableHeartbeatPauseMs must be ≥ 0, got ${c.acceptableHeartbeatPauseMs}`,
  );
  check(
    Number.isFinite(c.firstHeartbeatEstimateMs) && c.firstHeartbeatEstimateMs > 0,
    `firstHeartbeatEstimateMs must be positive, got ${c.firstHeartbeatEstimateMs}`,
  );
  return { ...c, thresholdY: standardizedAt(c.threshold) };
}

function pushInterval(h: PhiHistory, ms: number, d: PhiConfig): void {
  if (h.intervalsMs.length >= d.maxSampleSize) {
    const oldest = h.intervalsMs.shift() as number;
    h.sumMs -= oldest;
    h.sumSquaresMs2 -= oldest * oldest;
  }
  h.intervalsMs.push(ms);
  h.sumMs += ms;
  h.sumSquaresMs2 += ms * ms;
}

/** A history that begins at `nowMs`, seeded with two samples at estimate ± estimate/4. */
export function initPhiHistory(nowMs: number, d: PhiConfig): PhiHistory {
  const h: PhiHistory = { intervalsMs: [], sumMs: 0, sumSquaresMs2: 0, lastHeardMs: nowMs };
  const mean = d.firstHeartbeatEstimateMs;
  pushInterval(h, mean - mean / 4, d);
  pushInterval(h, mean + mean / 4, d);
  return h;
}

/** The window's mean inter-arrival time. */
export function phiMeanMs(h: PhiHistory): number {
  return h.sumMs / h.intervalsMs.length;
}

/** The window's standard deviation, floored at minStdDeviationMs. */
export function phiStdDeviationMs(h: PhiHistory, d: PhiConfig): number {
  const mean = phiMeanMs(h);
  // Rounding can leave the running sums a hair below mean²: a variance is never negative.
  const variance = Math.max(0, h.sumSquaresMs2 / h.intervalsMs.length - mean * mean);
  return Math.max(Math.sqrt(variance), d.minStdDeviationMs);
}

/** The suspicion level at `nowMs`: 0 ≤ φ, growing with the silence since the last arrival. */
export function phi(h: PhiHistory, nowMs: number, d: PhiConfig): number {
  const elapsed = Math.max(0, nowMs - h.lastHeardMs);
  const mean = phiMeanMs(h) + d.acceptableHeartbeatPauseMs;
  return phiOfStandardized((elapsed - mean) / phiStdDeviationMs(h, d));
}

/** The local time at which φ reaches the threshold if nothing arrives meanwhile. */
export function phiDeadlineMs(h: PhiHistory, d: PhiDetector): number {
  const mean = phiMeanMs(h) + d.acceptableHeartbeatPauseMs;
  return h.lastHeardMs + Math.max(0, mean + d.thresholdY * phiStdDeviationMs(h, d));
}

/** Whether φ ≥ threshold at `nowMs`. */
export function phiSuspects(h: PhiHistory, nowMs: number, d: PhiDetector): boolean {
  return nowMs >= phiDeadlineMs(h, d);
}

/**
 * A heartbeat arrived at `nowMs`. Its interval joins the window unless the peer was
 * suspected at that moment (Akka's rule); an arrival stamped before the last one is ignored.
 */
export function phiHeartbeat(h: PhiHistory, nowMs: number, d: PhiDetector): void {
  if (nowMs < h.lastHeardMs) return;
  if (!phiSuspects(h, nowMs, d)) pushInterval(h, nowMs - h.lastHeardMs, d);
  h.lastHeardMs = nowMs;
}
