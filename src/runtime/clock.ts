// The real runtime's clock: milliseconds since `epochMs` (Unix time by default), read from
// the monotonic `performance.now()` anchored at the process's `performance.timeOrigin`.
// Within one incarnation it never goes backwards (NTP steps do not move it); across a
// restart it continues near where wall time is, so durable timestamps stay comparable —
// a restarted node does not see time start again at zero, as a raw performance.now would.

import { performance } from 'node:perf_hooks';

export type Clock = () => number;

export function monotonicClock(epochMs = 0): Clock {
  const origin = performance.timeOrigin - epochMs;
  return () => origin + performance.now();
}
