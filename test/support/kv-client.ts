// A consensus/raft client for real clusters, over each node's local API: it POSTs a command
// to a node and polls that node's outputs for the reply (the server answers `onCommand`
// through an output of type `reply`). Each operation keeps its (client, seq) across retries;
// it follows leader hints, tries the next node on silence, and after `giveUpMs` records the
// operation as indeterminate and continues as a new process (Jepsen's convention), so the
// history it builds can go through the linearizability checker. A `session-expired` answer
// (the server dropped its session, dissertation §6.3) leaves the operation indeterminate
// too — an earlier copy may have been applied — and the client starts a new session: a new
// client id, its sequence numbers from 1. Every request carries the node's API token, read
// again for each request (a restarted node has a new one).

import { SESSION_STRIDE } from '../../src/algorithms/consensus/raft/client.js';
import type { ClientReplyBody, KvOp } from '../../src/algorithms/consensus/raft/client-api.js';
import type { ClientHistoryEvent } from '../../src/core/algorithm.js';
import { bearer } from '../../src/runtime/api-token.js';
import type { LocalCluster } from '../../src/runtime/launcher/local-cluster.js';

const REPLY_WAIT_MS = 400;

export class KvClient {
  readonly events: ClientHistoryEvent[] = [];
  private seq = 0;
  private process: number;
  private target = 1;
  private readonly cursors = new Map<number, number>();

  constructor(
    private readonly cluster: LocalCluster,
    private client: number,
    private readonly giveUpMs = 4_000,
  ) {
    this.process = client;
  }

  /** Runs one operation to a definite answer, or gives up on it (recorded as `info`). */
  async run(op: KvOp): Promise<ClientReplyBody | undefined> {
    this.seq += 1;
    const f = op.type === 'get' ? 'read' : op.type === 'cas' ? 'cas' : 'write';
    const value =
      op.type === 'get' || op.type === 'delete'
        ? null
        : op.type === 'cas'
          ? [op.expected, op.value]
          : op.value;
    const base = { process: this.process, f, key: op.key } as const;
    this.events.push({ ...base, type: 'invoke', value, time: Date.now() });
    const started = Date.now();
    while (Date.now() - started < this.giveUpMs) {
      const reply = await this.ask(this.target, { ...op, client: this.client, seq: this.seq });
      if (reply?.ok === false && reply.reason === 'session-expired') {
        this.newSession();
        break;
      }
      if (
        reply === undefined ||
        (!reply.ok && (reply.reason === 'not-leader' || reply.reason === 'retry'))
      ) {
        const hint = reply?.leaderHint ?? null;
        this.target =
          hint !== null && hint !== this.target
            ? hint
            : (this.target % this.cluster.ids.length) + 1;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const result = op.type === 'get' ? (reply.value ?? null) : value;
      const type = reply.ok ? 'ok' : 'fail';
      this.events.push({ ...base, type, value: result, time: Date.now() });
      return reply;
    }
    this.events.push({ ...base, type: 'info', value, time: Date.now() });
    this.process += 1000; // A process with an open operation never invokes again.
    return undefined;
  }

  /** The server forgot our session: go on under a new client id, from seq 1. */
  private newSession(): void {
    this.client += SESSION_STRIDE;
    this.seq = 0;
  }

  private async ask(node: number, command: object): Promise<ClientReplyBody | undefined> {
    const api = `http://127.0.0.1:${this.cluster.apiPort(node)}`;
    try {
      const headers = bearer(this.cluster.apiToken(node));
      const cursor = this.cursors.get(node) ?? (await this.last(api, headers));
      const posted = await fetch(`${api}/command`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(command),
      });
      if (!posted.ok) return undefined;
      const deadline = Date.now() + REPLY_WAIT_MS;
      let after = cursor;
      while (Date.now() < deadline) {
        const res = await fetch(`${api}/outputs?after=${after}`, { headers });
        if (!res.ok) break; // Restarted with a new token: ask again.
        const body = (await res.json()) as {
          outputs: { seq: number; output: { type: string; reply?: ClientReplyBody } }[];
          last: number;
        };
        if (body.last < after) after = 0; // The node restarted: its output log began again.
        for (const r of body.outputs) {
          after = Math.max(after, r.seq);
          const reply = r.output.reply;
          if (
            r.output.type === 'reply' &&
            reply?.client === this.client &&
            reply.seq === this.seq
          ) {
            this.cursors.set(node, after);
            return reply;
          }
        }
        this.cursors.set(node, after);
        await new Promise((r) => setTimeout(r, 10));
      }
    } catch {
      this.cursors.delete(node); // Down or restarting: its output log starts over.
    }
    return undefined;
  }

  private async last(api: string, headers: { authorization: string }): Promise<number> {
    const res = await fetch(`${api}/outputs?after=${Number.MAX_SAFE_INTEGER}`, { headers });
    if (!res.ok) throw new Error(`GET /outputs: ${res.status}`);
    return ((await res.json()) as { last: number }).last;
  }
}
