// The IPC protocol between the supervisor and its worker processes, and the worker's side of
// it (`serveRequests`). Supervisor → worker: `request` {id, payload}. Worker → supervisor:
// `ready` once its handler is installed, then one `reply` per request, in any order.
// Messages travel over Node's IPC channel with structured-clone ('advanced') serialization.
//
// Fault model: a worker may die at any instant (the supervisor fails only the requests it
// held). Messages from a worker are parsed, not trusted: a worker runs user code that may
// send anything on the channel, so a malformed message is dropped and counted, never
// asserted on. A worker whose supervisor dies sees its channel close and exits.

import { checkOption } from './errors.js';

/** A handler's error message crosses at most this many characters. */
export const MAX_ERROR_TEXT = 2048;

export interface RequestMessage {
  readonly type: 'request';
  readonly id: number;
  readonly payload: unknown;
}

export type ReplyMessage =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'reply';
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string };
    };

export type WorkerMessage = { readonly type: 'ready' } | ReplyMessage;

const text = (v: unknown, fallback: string) =>
  typeof v === 'string' ? v.slice(0, MAX_ERROR_TEXT) : fallback;

/** A worker's message, or undefined when it is not one of ours. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type !== 'reply' || !Number.isSafeInteger(m.id)) return undefined;
  const id = m.id as number;
  if (m.ok === true) return { type: 'reply', id, ok: true, value: m.value };
  const e = (typeof m.error === 'object' && m.error !== null ? m.error : {}) as Record<
    string,
    unknown
  >;
  const error = { name: text(e.name, 'Error'), message: text(e.message, 'the handler failed') };
  return { type: 'reply', id, ok: false, error };
}

export type RequestHandler = (payload: unknown) => unknown;

/**
 * Serves the supervisor's requests in this (forked) process with `handler`; at most
 * `maxConcurrent` run at once (the supervisor bounds what it sends; this is the backstop).
 */
export function serveRequests(handler: RequestHandler, maxConcurrent = 1024): void {
  checkOption('maxConcurrent', maxConcurrent, { min: 1, max: 1_000_000 });
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('serveRequests: this process was not forked with IPC');
  let running = 0;
  const reply = (m: ReplyMessage) => {
    running -= 1;
    if (!process.connected) return;
    try {
      send(m);
    } catch (e) {
      // The value cannot be cloned (a function, a socket): the caller gets why, not a hang.
      const error = { name: 'ReplyNotSerializable', message: String(e).slice(0, MAX_ERROR_TEXT) };
      send({ type: 'reply', id: m.id, ok: false, error } satisfies ReplyMessage);
    }
  };
  process.on('message', (raw: unknown) => {
    const m = raw as Partial<RequestMessage> | null;
    if (m?.type !== 'request' || !Number.isSafeInteger(m.id)) return;
    const id = m.id as number;
    if (running >= maxConcurrent) {
      const error = { name: 'WorkerBusy', message: `more than ${maxConcurrent} requests` };
      send({ type: 'reply', id, ok: false, error } satisfies ReplyMessage);
      return;
    }
    running += 1;
    Promise.resolve()
      .then(() => handler(m.payload))
      .then(
        (value) => reply({ type: 'reply', id, ok: true, value }),
        (e: unknown) => {
          const error =
            e instanceof Error
              ? { name: e.name, message: e.message }
              : { name: 'Error', message: String(e) };
          reply({ type: 'reply', id, ok: false, error });
        },
      );
  });
  // The supervisor is gone (it exited or closed the channel): nobody is left to answer.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' } satisfies WorkerMessage);
}
