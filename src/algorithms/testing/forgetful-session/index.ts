// testing/forgetful-session — a session server that throws on a session it forgot,
// deliberately broken for the fuzzer's exception tests (hidden from listings); the process
// is forgetful-session.ts. Registry entry: no options, no invariant, the clients' progress.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { createForgetfulSession } from './forgetful-session.js';
import { forgetfulSessionInvariants, forgetfulSessionLiveness } from './invariants.js';
import { parseSessionMessage, type SessionMessage, type SessionOutput } from './messages.js';
import {
  type ForgetfulSessionOptions,
  forgetfulSessionConfig,
  forgetfulSessionOptionSpecs,
} from './options.js';
import { forgetfulSessionScenarios } from './scenarios.js';
import type { SessionState } from './state.js';

export const forgetfulSession = defineAlgorithm<
  SessionMessage,
  SessionOutput,
  SessionState,
  ForgetfulSessionOptions
>({
  name: 'testing/forgetful-session',
  family: 'testing',
  summary: 'A session server that throws on a session it forgot (deliberately broken, for tests)',
  seed: 'test-only',
  hidden: true,
  nodes: { default: 3, min: 2, max: 16 },
  durationMs: 3_000,
  livenessDeadlineMs: 2_000,
  options: forgetfulSessionOptionSpecs,
  create: (id, ctx) => createForgetfulSession(forgetfulSessionConfig(ctx.options), id),
  parseMessage: parseSessionMessage,
  invariants: forgetfulSessionInvariants,
  liveness: forgetfulSessionLiveness,
  scenarios: forgetfulSessionScenarios,
});
