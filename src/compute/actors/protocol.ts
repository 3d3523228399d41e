// The messages between the actor system's hub (system.ts) and its nodes (node.ts), over a
// forked child's IPC channel (../worker-process.ts). Every envelope between actors passes
// through the hub, which knows where each actor lives — an actor reference is just a name,
// the same whether the actor is on the sender's node or another (location transparency).
// A node reports each processed envelope in ONE message carrying the envelopes the step
// sent, AFTER the step is journaled: the hub forgets an envelope only then, so one lost
// with a node is redelivered. Each side checks what it receives.

import { isArrayOf, isCount, isOneOf, isRecord, isString } from '../../core/validate.js';

export interface Envelope {
  /** Unique and deterministic: external sends are numbered, a step's sends derive from its input's id. */
  readonly id: string;
  readonly to: string;
  /** The sender (an actor, or `ask:N` for an ask), where a reply goes. */
  readonly from: string;
  readonly body: unknown;
}

export interface ActorSpec {
  readonly name: string;
  readonly behaviour: string;
  readonly args: unknown;
}

export type Directive = 'restart' | 'resume' | 'stop';
/** What a restarted actor's unprocessed mailbox becomes. */
export type MailboxPolicy = 'redeliver' | 'drop';

export interface SupervisorPolicy {
  readonly directive: Directive;
  readonly mailbox: MailboxPolicy;
  /** Restarts allowed per actor; past them the actor is stopped (escalation). */
  readonly maxRestarts: number;
}

export type ToNode =
  | {
      readonly type: 'init';
      readonly node: number;
      readonly actors: readonly ActorSpec[];
      readonly journalDir: string;
      readonly policy: SupervisorPolicy;
    }
  | { readonly type: 'deliver'; readonly envelope: Envelope }
  | { readonly type: 'exit' };

export type FromNode =
  | { readonly type: 'ready' }
  | {
      readonly type: 'processed';
      readonly id: string;
      readonly sent: readonly Envelope[];
      /** Set when the envelope was not processed but dropped (a dead letter). */
      readonly dead?: string;
    }
  | { readonly type: 'restarted'; readonly actor: string; readonly reason: string };

export function isEnvelope(x: unknown): x is Envelope {
  return isRecord(x) && isString(x.id) && isString(x.to) && isString(x.from) && 'body' in x;
}

export function parseFromNode(raw: unknown): FromNode | undefined {
  if (!isRecord(raw) || !isOneOf(raw.type, ['ready', 'processed', 'restarted'] as const))
    return undefined;
  if (raw.type === 'ready') return { type: 'ready' };
  if (raw.type === 'restarted')
    return isString(raw.actor) && isString(raw.reason)
      ? { type: 'restarted', actor: raw.actor, reason: raw.reason }
      : undefined;
  if (!isString(raw.id) || !isArrayOf(raw.sent, isEnvelope)) return undefined;
  if (raw.dead !== undefined && !isString(raw.dead)) return undefined;
  return raw.dead === undefined
    ? { type: 'processed', id: raw.id, sent: raw.sent }
    : { type: 'processed', id: raw.id, sent: raw.sent, dead: raw.dead };
}

export function parseToNode(raw: unknown): ToNode | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'exit') return { type: 'exit' };
  if (raw.type === 'deliver' && isEnvelope(raw.envelope))
    return { type: 'deliver', envelope: raw.envelope };
  if (raw.type === 'init' && isCount(raw.node) && Array.isArray(raw.actors))
    return raw as unknown as ToNode; // Only our own hub holds the channel.
  return undefined;
}
