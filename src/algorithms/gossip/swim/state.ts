// A gossip/swim member's state (swim.ts explains the protocol). Only the incarnation is
// durable: a restarted member rejoins with a higher one, so its `alive` overrides the
// `confirm` others hold about its previous life. Its outputs are detect/heartbeat's
// (DetectOutput): `suspect` when it declares a member failed (SWIM's confirm), `trust`
// when a member it held failed is alive again — so that detector's metrics apply.

import type { NodeId } from '../../../core/process.js';
import type { DetectOutput } from '../../detect/heartbeat/state.js';
import type { MemberUpdate } from './messages.js';

export type SwimOutput = DetectOutput;

export type MemberStatus = 'alive' | 'suspect' | 'faulty';

export interface Member {
  status: MemberStatus;
  incarnation: number;
}

export interface Suspicion {
  startMs: number;
  /** Members that independently suspect it (Lifeguard's dogpile), ascending. */
  suspecters: NodeId[];
}

export interface Probe {
  target: NodeId;
  seq: number;
  acked: boolean;
  /** Whether the indirect probes went out. */
  indirect: boolean;
}

export interface Relay {
  requester: NodeId;
  seq: number;
}

export interface SwimState {
  incarnation: number;
  /** Every other member, by id. */
  members: Record<string, Member>;
  /** Round-robin probe order (§4.3): a shuffled member list, walked then reshuffled. */
  order: NodeId[];
  next: number;
  probe: Probe | null;
  seq: number;
  /** PingReqs being served: our Ping's seq → who asked, and their seq. */
  relays: Record<string, Relay>;
  /** Updates to piggyback, each with how often it has been sent. */
  gossip: { update: MemberUpdate; sent: number }[];
  suspicions: Record<string, Suspicion>;
  /** Lifeguard's local health multiplier: probe period and timeout scale by lhm + 1. */
  lhm: number;
  periods: number;
  /** Counters for the metrics: probes started, suspicions raised, refutations made. */
  probes: number;
  suspicionsRaised: number;
  refutations: number;
  /** Members this one declared failed itself (not heard from others). */
  declared: number;
}

export function initSwimState(): SwimState {
  return {
    incarnation: 0,
    members: {},
    order: [],
    next: 0,
    probe: null,
    seq: 0,
    relays: {},
    gossip: [],
    suspicions: {},
    lhm: 0,
    periods: 0,
    probes: 0,
    suspicionsRaised: 0,
    refutations: 0,
    declared: 0,
  };
}
