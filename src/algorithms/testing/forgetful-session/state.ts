// A testing/forgetful-session node's state (forgetful-session.ts explains the protocol).
// Node 1 is the server and uses `sessions`; every other node is a client and uses `phase`
// and `seq`. Nothing is durable: the sessions are volatile, which is the deliberate bug (a
// restarted server forgets them, and the next request of an open client throws).

import type { NodeId } from '../../../core/process.js';
import type { ForgetfulSessionConfig } from './options.js';

export interface Session {
  /** The highest request number answered (requests are answered once each, in order). */
  served: number;
}

export interface SessionState {
  role: 'server' | 'client';
  /** Server: the open sessions by client id (volatile — the bug). */
  sessions: Record<number, Session>;
  /** Client: opening → open. */
  phase: 'opening' | 'open';
  /** Client: the request in flight (the last one answered is seq - 1). */
  seq: number;
}

export function initSessionState(c: ForgetfulSessionConfig, id: NodeId): SessionState {
  return {
    role: id === c.server ? 'server' : 'client',
    sessions: {},
    phase: 'opening',
    seq: 1,
  };
}
