// Cohort's diagnostic RPC service (proto/cohort/echo.proto), what the RPC tests, the bench and
// docs/rpc.md run: Echo answers with the instance's name, Stall waits for its deadline, Relay
// calls Stall through an RpcClient while serving (the deadline passed on), Fail always fails
// with UNAVAILABLE, and Stats reports what this instance served — so a test can see from
// outside which instance answered, what deadline a nested call arrived with, and how many
// attempts a client really sent.
//
// Fault model: requests are untrusted: Echo refuses an empty or over-long text with
// 'invalid-argument'; the call log is bounded (CALL_LOG_MAX, oldest dropped).

import type { RpcClient } from './client.js';
import { RpcError } from './errors.js';
import type { Handlers } from './server.js';
import { loadService, type RpcService } from './service.js';

export interface EchoReply {
  text: string;
  instance: string;
}

export interface CallRecord {
  method: string;
  deadlineMs: number;
  ended: string;
}

export interface EchoStats {
  instance: string;
  echoes: number;
  fails: number;
  calls: CallRecord[];
}

export type EchoMethods = {
  Echo: { request: { text: string; stallOn?: string }; response: EchoReply };
  Stall: { request: Record<string, never>; response: EchoReply };
  Relay: { request: Record<string, never>; response: EchoReply };
  Fail: { request: Record<string, never>; response: EchoReply };
  Stats: { request: Record<string, never>; response: EchoStats };
};

export const ECHO_TEXT_MAX = 1024 * 1024;
const CALL_LOG_MAX = 1000;

let loaded: RpcService<EchoMethods> | undefined;

/** `cohort.echo.Echo`, loaded once. */
export function echoService(): RpcService<EchoMethods> {
  loaded ??= loadService<EchoMethods>({ proto: 'cohort/echo.proto', service: 'cohort.echo.Echo' });
  return loaded;
}

/** The handlers of instance `instance`; Relay calls through `relayTo`. */
export function echoHandlers(
  instance: string,
  relayTo?: () => RpcClient<EchoMethods>,
): { readonly handlers: Handlers<EchoMethods>; readonly stats: EchoStats } {
  const stats: EchoStats = { instance, echoes: 0, fails: 0, calls: [] };
  const record = (method: string, deadlineMs: number, ended: string) => {
    stats.calls.push({ method, deadlineMs: deadlineMs === Infinity ? 0 : deadlineMs, ended });
    if (stats.calls.length > CALL_LOG_MAX) stats.calls.shift();
  };
  const stall = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  const handlers: Handlers<EchoMethods> = {
    Echo: async (r, ctx) => {
      if (r.text === '' || r.text.length > ECHO_TEXT_MAX)
        throw new RpcError('invalid-argument', `text must be 1..${ECHO_TEXT_MAX} characters`);
      if (r.stallOn === instance) await stall(ctx.signal);
      stats.echoes++;
      return { text: r.text, instance };
    },
    Stall: async (_, ctx) => {
      try {
        return await stall(ctx.signal);
      } catch (error) {
        record('Stall', ctx.deadline, (error as RpcError).code ?? 'unknown');
        throw error;
      }
    },
    Relay: async (_, ctx) => {
      if (relayTo === undefined) throw new RpcError('failed-precondition', 'no relay client');
      try {
        return await relayTo().call('Stall', {});
      } catch (error) {
        record('Relay', ctx.deadline, (error as RpcError).code ?? 'unknown');
        throw error;
      }
    },
    Fail: () => {
      stats.fails++;
      throw new RpcError('unavailable', `${instance} fails every call`);
    },
    Stats: () => stats,
  };
  return { handlers, stats };
}
