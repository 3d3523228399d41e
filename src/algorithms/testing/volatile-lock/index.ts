// testing/volatile-lock — a lock server that forgets its holder on restart, deliberately
// broken for the fuzzer's and the simulator's tests (hidden from listings); the process is
// volatile-lock.ts. Registry entry: no options, mutual exclusion, the clients' progress.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { volatileLockInvariants, volatileLockLiveness } from './invariants.js';
import { type LockMessage, type LockOutput, parseLockMessage } from './messages.js';
import {
  type VolatileLockOptions,
  volatileLockConfig,
  volatileLockOptionSpecs,
} from './options.js';
import { volatileLockScenarios } from './scenarios.js';
import type { LockState } from './state.js';
import { createVolatileLock } from './volatile-lock.js';

export const volatileLock = defineAlgorithm<
  LockMessage,
  LockOutput,
  LockState,
  VolatileLockOptions
>({
  name: 'testing/volatile-lock',
  family: 'testing',
  summary: 'A lock server that forgets its holder on restart (deliberately broken, for tests)',
  seed: 'test-only',
  hidden: true,
  nodes: { default: 3, min: 2, max: 16 },
  durationMs: 3_000,
  livenessDeadlineMs: 2_000,
  options: volatileLockOptionSpecs,
  create: (id, ctx) => createVolatileLock(volatileLockConfig(ctx.options), id),
  parseMessage: parseLockMessage,
  invariants: volatileLockInvariants,
  liveness: volatileLockLiveness,
  scenarios: volatileLockScenarios,
});
