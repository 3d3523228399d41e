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
import type { AlgorithmName, LimitAlgorithm } from './types.js';
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

/** The rule (algorithm and validated parameters) for `config`; throws LimitError. */
export function createRule(config: LimiterConfig): LimitAlgorithm<unknown> {
  switch (config?.algorithm) {
    case 'token-bucket':
      return new TokenBucket(config) as LimitAlgorithm<unknown>;
    case 'leaky-meter':
      return new LeakyMeter(config) as LimitAlgorithm<unknown>;
    case 'gcra':
      return new Gcra(config) as LimitAlgorithm<unknown>;
    case 'leaky-queue':
      return new LeakyQueue(config) as LimitAlgorithm<unknown>;
    case 'fixed-window':
      return new FixedWindow(config) as LimitAlgorithm<unknown>;
    case 'sliding-log':
      return new SlidingLog(config) as LimitAlgorithm<unknown>;
    case 'sliding-counter':
      return new SlidingCounter(config) as LimitAlgorithm<unknown>;
    default:
      throw new LimitError(
        'invalid-rate',
        `unknown algorithm ${String((config as { algorithm?: unknown } | null)?.algorithm)}`,
      );
  }
}

/** An in-process limiter for `config`, reading time from `clock`. */
export function createLimiter(
  config: LimiterConfig,
  clock: Clock,
  options?: LimiterOptions,
): InProcessLimiter<unknown> {
  return new InProcessLimiter(createRule(config), clock, options);
}
