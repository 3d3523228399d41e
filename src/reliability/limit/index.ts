// Rate limiting (issue 21), in process: token bucket, leaky bucket as a meter and as a queue,
// GCRA, fixed window, sliding-window log and sliding-window counter behind one async
// RateLimiter interface, deterministic with an injected clock.

import type { Clock } from '../clock.js';
import { LimitError } from './errors.js';
import { Gcra } from './gcra.js';
import { LeakyMeter, LeakyQueue, type QueueConfig } from './leaky-bucket.js';
import { InProcessLimiter, type LimiterOptions } from './limiter.js';
import type { RateConfig } from './rate.js';
import { TokenBucket } from './token-bucket.js';
import type { AlgorithmName } from './types.js';
import { FixedWindow, SlidingCounter, SlidingLog, type WindowConfig } from './windows.js';

export { LimitError, type LimitErrorCode } from './errors.js';
export { Gcra } from './gcra.js';
export { LeakyMeter, LeakyQueue, type QueueConfig } from './leaky-bucket.js';
export { InProcessLimiter, type LimiterOptions } from './limiter.js';
export type { RateConfig } from './rate.js';
export { TokenBucket } from './token-bucket.js';
export type { AlgorithmName, Decision, LimitAlgorithm, RateLimiter } from './types.js';
export { FixedWindow, SlidingCounter, SlidingLog, type WindowConfig } from './windows.js';

export type LimiterConfig =
  | ({ readonly algorithm: 'token-bucket' | 'leaky-meter' | 'gcra' } & RateConfig)
  | ({ readonly algorithm: 'leaky-queue' } & QueueConfig)
  | ({ readonly algorithm: 'fixed-window' | 'sliding-log' | 'sliding-counter' } & WindowConfig);

export const ALGORITHMS: readonly AlgorithmName[] = [
  'token-bucket',
  'leaky-meter',
  'leaky-queue',
  'gcra',
  'fixed-window',
  'sliding-log',
  'sliding-counter',
];

/** An in-process limiter for `config`, reading time from `clock`. */
export function createLimiter(
  config: LimiterConfig,
  clock: Clock,
  options?: LimiterOptions,
): InProcessLimiter<unknown> {
  const make = <S>(rule: ConstructorParameters<typeof InProcessLimiter<S>>[0]) =>
    new InProcessLimiter<S>(rule, clock, options) as InProcessLimiter<unknown>;
  switch (config.algorithm) {
    case 'token-bucket':
      return make(new TokenBucket(config));
    case 'leaky-meter':
      return make(new LeakyMeter(config));
    case 'gcra':
      return make(new Gcra(config));
    case 'leaky-queue':
      return make(new LeakyQueue(config));
    case 'fixed-window':
      return make(new FixedWindow(config));
    case 'sliding-log':
      return make(new SlidingLog(config));
    case 'sliding-counter':
      return make(new SlidingCounter(config));
    default:
      throw new LimitError(
        'invalid-rate',
        `unknown algorithm ${String((config as { algorithm?: unknown }).algorithm)}`,
      );
  }
}
