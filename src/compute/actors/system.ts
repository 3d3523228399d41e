// An actor system on real worker processes (issue 20): the hub — this process — forks N
// nodes (node.ts), places actors on them round-robin, and carries every envelope from
// sender to receiver by the receiver's name: a reference works the same whether the two
// share a node or not. `tell` sends from outside; `ask` sends with a reply address and
// resolves with the answer.
//
// Supervision tree: the hub supervises the nodes, each node supervises its actors
// (node.ts). The hub keeps every envelope it has delivered until the receiving node
// reports the step that processed it (journaled by then). When a node dies the hub forks
// a replacement holding the same actors — each recovers its state from its journal — and
// redelivers, in their original order, the envelopes the dead node had not reported: the
// dead node's unprocessed mailboxes are REDELIVERED, never dropped. A redelivered envelope
// whose step was journaled is not applied again (journal.ts); so every message's effect
// happens exactly once.
//
// Fault model: nodes may die at any moment (up to MAX_RESTARTS_PER_NODE times each); the
// hub is the system (its death ends the run). Not done (issue 20): death watch, typed
// references, actors created at run time, node-to-node links without the hub.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forkWorker, type WorkerModule, workerModule } from '../worker-process.js';
import {
  type ActorSpec,
  type Envelope,
  type FromNode,
  parseFromNode,
  type SupervisorPolicy,
  type ToNode,
} from './protocol.js';

export class ActorSystemError extends Error {
  override readonly name = 'ActorSystemError';
  readonly retryable = false;
}

export interface ActorSystemOptions {
  readonly nodes: number;
  readonly actors: readonly ActorSpec[];
  readonly policy?: Partial<SupervisorPolicy>;
  /** Where the journals go (a fresh temporary directory, removed at shutdown, by default). */
  readonly journalDir?: string;
}

export interface ActorSystemHooks {
  /** Called as a node reports a processed envelope (tests kill a node here). */
  onProcessed?(count: number, nodePids: readonly number[]): void;
}

export interface DeadLetter {
  readonly envelope: Envelope;
  readonly reason: string;
}

const MAX_RESTARTS_PER_NODE = 3;

interface Node {
  readonly id: number;
  readonly child: ChildProcess;
  ready: boolean;
  alive: boolean;
  readonly restarts: number;
}

function nodeModule(): WorkerModule {
  const found = workerModule(import.meta.url, 'node', 'actor-node');
  if ('missing' in found)
    throw new ActorSystemError(`no node module at ${found.missing.join(' or ')}`);
  return found;
}

export class ActorSystem {
  readonly deadLetters: DeadLetter[] = [];
  readonly stats = { delivered: 0, processed: 0, redelivered: 0, restarts: 0, nodeFailures: 0 };
  private readonly module = nodeModule();
  private readonly where = new Map<string, number>();
  private readonly nodes: Node[] = [];
  private readonly policy: SupervisorPolicy;
  private readonly dir: string;
  /** Delivered, not yet reported processed, in delivery order. */
  private readonly inflight = new Map<string, Envelope>();
  private readonly asks = new Map<string, (body: unknown) => void>();
  private idle: (() => void)[] = [];
  private failure: Error | null = null;
  private nextId = 0;
  private stopping = false;

  constructor(
    private readonly opts: ActorSystemOptions,
    private readonly hooks: ActorSystemHooks = {},
  ) {
    if (!Number.isSafeInteger(opts.nodes) || opts.nodes < 1)
      throw new ActorSystemError(`--workers must be a positive integer, got ${opts.nodes}`);
    opts.actors.forEach((a, i) => {
      if (this.where.has(a.name)) throw new ActorSystemError(`two actors named ${a.name}`);
      this.where.set(a.name, i % opts.nodes);
    });
    this.policy = { directive: 'restart', mailbox: 'redeliver', maxRestarts: 3, ...opts.policy };
    this.dir = opts.journalDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-actors-'));
    fs.mkdirSync(this.dir, { recursive: true });
    for (let id = 0; id < opts.nodes; id++) this.spawn(id, 0);
  }

  /** Sends `body` to the actor `to` from outside the system. */
  tell(to: string, body: unknown): void {
    this.route({ id: `ext:${this.nextId++}`, to, from: 'ext', body });
  }

  /** Sends `body` to `to` and resolves with its reply. */
  ask(to: string, body: unknown): Promise<unknown> {
    const from = `ask:${this.nextId++}`;
    return new Promise((resolve) => {
      this.asks.set(from, resolve);
      this.route({ id: from, to, from, body });
    });
  }

  /** Resolves once no envelope is in flight (every send processed or dead-lettered). */
  quiescent(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.idle.push(() => (this.failure === null ? resolve() : reject(this.failure)));
    });
  }

  nodePids(): number[] {
    return this.nodes.map((n) => n.child.pid ?? -1);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.nodes.map((n) => stopNode(n)));
    if (this.opts.journalDir === undefined) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(id: number, restarts: number): void {
    const child = forkWorker(this.module);
    const node: Node = { id, child, ready: false, alive: true, restarts };
    this.nodes[id] = node;
    child.on('message', (raw) => this.onMessage(node, raw));
    child.on('exit', () => this.onExit(node));
    child.on('error', () => this.onExit(node));
    const actors = this.opts.actors.filter((a) => this.where.get(a.name) === id);
    const init: ToNode = {
      type: 'init',
      node: id,
      actors,
      journalDir: this.dir,
      policy: this.policy,
    };
    child.send(init);
  }

  private route(e: Envelope): void {
    const waiting = this.asks.get(e.to);
    if (waiting !== undefined) {
      this.asks.delete(e.to);
      waiting(e.body);
      return;
    }
    if (e.to.startsWith('ask:')) return; // A repeated reply to an answered ask.
    const id = this.where.get(e.to);
    if (id === undefined) {
      this.deadLetters.push({ envelope: e, reason: `no actor ${e.to}` });
      return;
    }
    if (this.inflight.has(e.id)) return; // A step's sends made again after a redelivery.
    this.inflight.set(e.id, e);
    this.stats.delivered++;
    const node = this.nodes[id] as Node;
    if (node.ready) node.child.send({ type: 'deliver', envelope: e } satisfies ToNode);
  }

  private onMessage(node: Node, raw: unknown): void {
    if (!node.alive) return;
    const m = parseFromNode(raw);
    if (m === undefined) {
      node.child.kill('SIGKILL'); // A node that breaks the protocol is a failed node.
      return;
    }
    this.handle(node, m);
  }

  private handle(node: Node, m: FromNode): void {
    if (m.type === 'ready') {
      node.ready = true;
      // Everything addressed to its actors and not yet processed: again, in order.
      for (const e of this.inflight.values())
        if (this.where.get(e.to) === node.id) {
          node.child.send({ type: 'deliver', envelope: e } satisfies ToNode);
          if (node.restarts > 0) this.stats.redelivered++;
        }
      return;
    }
    if (m.type === 'restarted') {
      this.stats.restarts++;
      return;
    }
    const e = this.inflight.get(m.id);
    if (e === undefined) return; // Reported twice (processed, then again after a redelivery).
    this.inflight.delete(m.id);
    this.stats.processed++;
    if (m.dead !== undefined) this.deadLetters.push({ envelope: e, reason: m.dead });
    for (const s of m.sent) this.route(s);
    this.hooks.onProcessed?.(this.stats.processed, this.nodePids());
    if (this.inflight.size === 0) this.wake();
  }

  private wake(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  private onExit(node: Node): void {
    if (!node.alive) return;
    node.alive = false;
    if (this.stopping) return;
    this.stats.nodeFailures++;
    if (node.restarts >= MAX_RESTARTS_PER_NODE) {
      this.failure = new ActorSystemError(`node ${node.id} died ${node.restarts + 1} times`);
      this.wake();
      return;
    }
    this.spawn(node.id, node.restarts + 1);
  }
}

function stopNode(n: Node): Promise<void> {
  return new Promise((resolve) => {
    if (!n.alive || n.child.exitCode !== null) return resolve();
    n.child.once('exit', () => resolve());
    if (n.child.connected) n.child.send({ type: 'exit' } satisfies ToNode);
    else n.child.kill('SIGKILL');
  });
}
