// Messages of mutex/centralized. Request, Grant, Release and Probe are the
// notes' protocol (plus a probe for lost grants); Heartbeat, Elect, Alive, Victory and Report
// exist only with `--failover`, where a Bully-style election (lowest live id wins, as the
// notes' successor) chooses a new coordinator that rebuilds its queue from the clients.
// `parseCentralizedMessage` is the algorithm's parseMessage: peer input that fails it is
// dropped by the host, never handed to a handler.

import { isCount, isOneOf, type MessageChecks, parseByType } from '../../../core/validate.js';

export const CLIENT_PHASES = ['idle', 'waiting', 'inside'] as const;

export type ClientPhase = (typeof CLIENT_PHASES)[number];

export type CentralizedMessage =
  | { readonly type: 'Request'; readonly req: number }
  | { readonly type: 'Grant'; readonly req: number }
  | { readonly type: 'Release'; readonly req: number }
  | { readonly type: 'Probe'; readonly req: number }
  | { readonly type: 'Heartbeat'; readonly epoch: number }
  | { readonly type: 'Elect'; readonly epoch: number }
  | { readonly type: 'Alive'; readonly epoch: number }
  | { readonly type: 'Victory'; readonly epoch: number }
  /** A client's answer to a Victory: what it asked for and whether it is inside. */
  | {
      readonly type: 'Report';
      readonly epoch: number;
      readonly req: number;
      readonly phase: ClientPhase;
    };

const hasReq = (m: Readonly<Record<string, unknown>>) => isCount(m.req);
const hasEpoch = (m: Readonly<Record<string, unknown>>) => isCount(m.epoch);

const CHECKS: MessageChecks<CentralizedMessage> = {
  Request: hasReq,
  Grant: hasReq,
  Release: hasReq,
  Probe: hasReq,
  Heartbeat: hasEpoch,
  Elect: hasEpoch,
  Alive: hasEpoch,
  Victory: hasEpoch,
  Report: (m) => isCount(m.epoch) && isCount(m.req) && isOneOf(m.phase, CLIENT_PHASES),
};

export function parseCentralizedMessage(raw: unknown): CentralizedMessage | undefined {
  return parseByType(CHECKS, raw);
}
