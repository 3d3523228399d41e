// The state of one token-ring node, and the context every handler works in. Durable fields
// are declared once (TOKEN_RING_DURABLE) and saved by the kernel at the end of every step
// that changed them (the host commits them BEFORE the step's messages leave); the rest is
// volatile and starts afresh on restart, conservatively.

import type { Env, NodeId } from '../../../core/process.js';
import type { MutexNodeState, MutexOutput } from '../workload.js';
import type { Handoff, HandoffIo, HandoffState } from './handoff.js';
import type { RingToken, TokenRingMessage } from './messages.js';
import type { Timing, TokenRingOptions } from './options.js';
import type { TokenStamp } from './stamp.js';

export type TokenRingOutput = MutexOutput | { readonly type: 'regenerate'; readonly gen: number };

/** A take of the token, on this node's clock: the lease's reference point. */
export interface Take {
  readonly gen: number;
  readonly hop: number;
  readonly atMs: number;
}

export interface PromiseRecord {
  readonly node: NodeId;
  readonly remainingMs: number;
  readonly done: boolean;
}

/** Regeneration in progress: first a Probe round, then a Prepare round. */
export type Regeneration =
  | { readonly kind: 'probe'; readonly lost: NodeId[] }
  | {
      readonly kind: 'prepare';
      readonly gen: number;
      /** Our promise before we proposed `gen` (restored if we withdraw unheard). */
      readonly promisedBefore: number;
      /** When the first Prepare left: every promise is a grant made after it. */
      readonly preparedAtMs: number;
      /** The token a repairing holder could not hand off. */
      readonly holding: TokenStamp | null;
      readonly promises: PromiseRecord[];
      /** A majority promised; waiting out their grants before issuing. */
      waiting: boolean;
    };

export interface TokenRingState extends MutexNodeState, HandoffState<RingToken> {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  /** Highest generation promised or taken (durable); older tokens are refused. */
  promised: number;
  /** Highest generation we ever proposed (durable): a withdrawn number is never reused. */
  proposed: number;
  token: RingToken | null;
  handoff: Handoff | null;
  seen: TokenStamp;
  /** Incarnations started so far (durable): a restarted node may have been dropped. */
  starts: number;
  // ---- volatile ----
  /** Our previous take of the current generation's token (lease reference point). */
  leaseRef: Take | null;
  /** Our take of the token we hold now (the next visit's reference point). */
  visitRef: Take | null;
  /** When we last granted (took a token or promised); at boot, the boot time. */
  grantedAtMs: number;
  /** When we last took or handed off a token (or promised a generation), and its generation. */
  lastToken: { readonly gen: number; readonly atMs: number } | null;
  regen: Regeneration | null;
  /** Our latest promise and what it replaced (to re-send it, or take it back). */
  promise: {
    readonly gen: number;
    readonly remainingMs: number;
    readonly before: number;
    readonly lastToken: TokenRingState['lastToken'];
  } | null;
  /** The newest token we know to be dead (refused on hand-off). */
  deadToken: TokenStamp | null;
  /** Times our current promise was repeated to its candidate (onPromiseTimer). */
  promiseNudges: number;
  /** The generations we last withdrew as a candidate (never ones we issued). */
  withdrawn: number[];
  /** Nodes asking to be put back on the ring, added by the next holder. */
  joiners: NodeId[];
  /** All members are done: the token rests here. */
  parked: boolean;
}

/** Fields that survive a crash; the kernel restores them before onStart (token-ring.ts). */
export const TOKEN_RING_DURABLE = [
  'phase',
  'served',
  'promised',
  'proposed',
  'token',
  'handoff',
  'seen',
  'starts',
] as const satisfies readonly (keyof TokenRingState)[];

export function initTokenRingState(): TokenRingState {
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    promised: 0,
    proposed: 0,
    token: null,
    handoff: null,
    seen: { gen: 0, hop: -1 },
    starts: 0,
    leaseRef: null,
    visitRef: null,
    grantedAtMs: 0,
    lastToken: null,
    regen: null,
    promise: null,
    withdrawn: [],
    promiseNudges: 0,
    deadToken: null,
    joiners: [],
    parked: false,
  };
}

export type E = Env<TokenRingMessage, TokenRingOutput>;

/**
 * What the holder and regeneration rules work in: one step's state, Env and config, plus
 * the hand-off's I/O over this Env (built per step by token-ring.ts).
 */
export interface Ctx {
  readonly s: TokenRingState;
  readonly env: E;
  readonly opts: TokenRingOptions;
  readonly t: Timing;
  readonly io: HandoffIo<RingToken>;
  readonly n: number;
  /** Starts a new generation (regeneration.ts); a callback to keep imports one-way. */
  readonly regenerate: (c: Ctx, holding: TokenStamp | null) => void;
}

/**
 * Our own bookkeeping: phase and inCS agree, a hand-off is of a token we hold, the token we
 * hold is the newest stamp we have seen, and nobody is served more than it asks.
 */
export function tokenRingConsistent(s: TokenRingState, requests: number): boolean {
  return (
    s.inCS === (s.phase === 'inside') &&
    (s.handoff === null || s.token !== null) &&
    (s.token === null || (s.token.gen === s.seen.gen && s.token.hop === s.seen.hop)) &&
    s.served <= requests
  );
}

export function isDone(c: Ctx): boolean {
  return c.s.served >= c.opts.requests;
}

/** Arms the lost-token timer, with jitter so that one node usually notices first. */
export function armLost(c: Ctx): void {
  if (isDone(c)) {
    c.env.cancelTimer('lost');
    return;
  }
  c.env.setTimer('lost', c.t.lostMs + c.env.random.int(c.t.lapMs + 1));
}
