// The real host of the process contract (core/process.ts): one `Process` per OS process,
// fed by the transport, real timers and client commands, one step at a time.
//
// Ordering rule (ARCHITECTURE.md, rule 2). A step runs synchronously and buffers its
// effects. Its storage writes go to the `DurableStorage` at once (so the next step reads
// them) and are sealed into one atomic step (`endStep`) when it returns, but its messages and
// outputs wait in a release queue until a `storage.sync()` that
// began AFTER the step has resolved: durable BEFORE anything leaves. Steps that finish while
// a sync is in flight share the next one (group commit), and batches are released in step
// order, so per-link FIFO order is kept. The one exception is a message sent with
// `beforeDurable` (core/process.ts): it goes to the network as soon as its step ends, and
// may overtake messages of earlier steps still waiting for the disk.
//
// Fault model: the OS process may be killed at any instant. What a killed node had released
// was durable; what it had not released never left. A failed sync or a broken assertion
// stops the node (`onFatal`): continuing could release an acknowledgement whose write is
// not on disk.
//
// Peer input is untrusted: every message goes through the algorithm's parser first, and one
// it rejects is dropped, counted (`counters.malformed`) and reported (`onDrop`) — it never
// stops the node. A throw inside a handler on a message that passed is our bug: the node
// stops as on an assertion, and the error names the message (step-error.ts).

import type { AnyAlgorithm, OptionValues, RunContext } from '../core/algorithm.js';
import { assert } from '../core/assert.js';
import { Prng } from '../core/prng.js';
import type { Env, Message, NodeId, Output, Process, Storage } from '../core/process.js';
import { describeType } from '../core/validate.js';
import type { Clock } from './clock.js';
import type { DurableStorage } from './durable-storage.js';
import { OutputLog } from './output-log.js';
import { StepError } from './step-error.js';

export interface HostOptions {
  readonly algorithm: AnyAlgorithm;
  readonly id: NodeId;
  readonly nodes: readonly NodeId[];
  /** Every option resolved (defaults filled in). */
  readonly options: OptionValues;
  /** The cluster's seed (RunContext.seed; the same on every node). */
  readonly seed: number;
  /** Seed of this incarnation's `env.random` (draw it from crypto for real runs). */
  readonly randomSeed: number;
  readonly storage: DurableStorage;
  readonly clock: Clock;
  /** Hands a released message to the network. */
  readonly transmit: (to: NodeId, message: Message) => void;
  /** Called once when the node must stop (a failed sync, an assertion in a step). */
  readonly onFatal: (error: Error) => void;
  /** A peer's message failed the algorithm's parser and was dropped (log it). */
  readonly onDrop?: (from: NodeId, type: string) => void;
  readonly onNote?: (text: string) => void;
  readonly outputs?: OutputLog;
}

interface Send {
  readonly to: NodeId;
  readonly message: Message;
}

interface Batch {
  readonly sends: Send[];
  /** Sent with `beforeDurable`: they leave when the step ends. */
  readonly early: Send[];
  readonly outputs: { readonly atMs: number; readonly output: Output }[];
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class NodeHost {
  readonly outputs: OutputLog;
  readonly process: Process<Message, Output, unknown>;
  private readonly env: Env;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private step: Batch | undefined;
  private readonly releases: Batch[] = [];
  private releasing = false;
  private dirty = false;
  private stopped = false;
  /**
   * Steps run, syncs awaited and messages released, and peer messages dropped as malformed,
   * for the status API and the tests.
   */
  readonly counters = { steps: 0, syncs: 0, released: 0, malformed: 0 };
  private readonly ctx: RunContext;

  constructor(private readonly o: HostOptions) {
    this.outputs = o.outputs ?? new OutputLog();
    const ctx: RunContext = { nodes: o.nodes, options: o.options, seed: o.seed };
    this.ctx = ctx;
    this.process = o.algorithm.create(o.id, ctx);
    this.env = this.makeEnv();
  }

  get state(): unknown {
    return this.process.state;
  }

  start(): void {
    this.run(() => this.process.onStart(this.env));
  }

  /** Hands a peer's message to the process, if its algorithm's parser accepts it. */
  deliver(from: NodeId, raw: unknown): void {
    if (this.stopped) return;
    const parse = this.o.algorithm.parseMessage;
    const message = parse === undefined ? (raw as Message) : parse(raw, this.ctx);
    if (message === undefined) {
      this.counters.malformed++;
      this.o.onDrop?.(from, describeType(raw));
      return;
    }
    this.run(() => this.process.onMessage(this.env, from, message), { from, message });
  }

  /** Runs a client command; false when the algorithm takes none. */
  command(command: unknown): boolean {
    const onCommand = this.process.onCommand;
    if (onCommand === undefined) return false;
    this.run(() => onCommand.call(this.process, this.env, command));
    return true;
  }

  /** Stops timers and steps, releases what is already durable-bound, closes the storage. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    while (this.releasing) await new Promise((r) => setImmediate(r));
    await this.o.storage.close();
  }

  /** One step; `input` is the peer message it handles (named in the error if it throws). */
  private run(body: () => void, input?: { from: NodeId; message: Message }): void {
    if (this.stopped) return;
    assert(this.step === undefined, 'steps do not nest');
    const batch: Batch = { sends: [], early: [], outputs: [] };
    this.step = batch;
    try {
      body();
      // Sealed only when the body returned: a step that threw leaves its writes unsealed, and
      // unsealed writes never become durable (the node stops; close() drops them).
      this.o.storage.endStep();
    } catch (error) {
      this.stopped = true;
      this.o.onFatal(
        input === undefined ? (error as Error) : new StepError(error, input.from, input.message),
      );
      return;
    } finally {
      this.step = undefined;
    }
    this.counters.steps++;
    if (batch.early.length > 0) this.transmitNow(batch.early);
    if (batch.sends.length > 0 || batch.outputs.length > 0 || this.dirty) {
      this.releases.push(batch);
      void this.release();
    }
  }

  /** The group-commit loop: one sync for every batch queued before it began. */
  private async release(): Promise<void> {
    if (this.releasing) return;
    this.releasing = true;
    try {
      while (this.releases.length > 0 && !this.stopped) {
        const batches = this.releases.splice(0, this.releases.length);
        this.dirty = false;
        this.counters.syncs++;
        await this.o.storage.sync();
        for (const b of batches) this.releaseBatch(b);
      }
    } catch (error) {
      this.stopped = true;
      this.o.onFatal(error as Error);
    } finally {
      this.releasing = false;
    }
  }

  private releaseBatch(b: Batch): void {
    // Outputs first: an observer (the mutual-exclusion log) records an exit BEFORE the
    // message that lets the next node in can leave.
    for (const { atMs, output } of b.outputs) this.outputs.add(this.o.id, atMs, output);
    this.transmitNow(b.sends);
  }

  private transmitNow(sends: readonly Send[]): void {
    for (const { to, message } of sends) {
      this.counters.released++;
      if (to === this.o.id) setImmediate(() => this.deliver(to, message));
      else this.o.transmit(to, message);
    }
  }

  private live(): Batch {
    const step = this.step;
    assert(step !== undefined, 'env used outside a step');
    return step;
  }

  private makeEnv(): Env {
    const host = this;
    const o = this.o;
    const peers = o.nodes.filter((n) => n !== o.id);
    const storage: Storage = {
      get: <T>(key: string) => o.storage.get<T>(key),
      set(key, value) {
        host.live();
        host.dirty = true;
        o.storage.set(key, value);
      },
      delete(key) {
        host.live();
        host.dirty = true;
        o.storage.delete(key);
      },
      keys: (prefix) => o.storage.keys(prefix),
    };
    return {
      id: o.id,
      nodes: o.nodes,
      peers,
      now: o.clock,
      send(to, message, options) {
        assert(o.nodes.includes(to), `send to unknown node ${to}`);
        const step = host.live();
        // A message to ourselves is a note for after the disk: it always waits.
        if (options?.beforeDurable === true && to !== o.id) step.early.push({ to, message });
        else step.sends.push({ to, message });
      },
      broadcast(message) {
        for (const to of peers) this.send(to, message);
      },
      setTimer: (name, delayMs) => this.setTimer(name, delayMs),
      cancelTimer: (name) => {
        clearTimeout(this.timers.get(name));
        this.timers.delete(name);
      },
      random: new Prng(o.randomSeed, `node/${o.id}`),
      storage,
      output(event) {
        host.live().outputs.push({ atMs: o.clock(), output: event });
      },
      note: (text) => o.onNote?.(text),
    };
  }

  private setTimer(name: string, delayMs: number): void {
    assert(delayMs >= 0, 'timer delay must not be negative');
    clearTimeout(this.timers.get(name));
    const timer = setTimeout(
      () => {
        if (this.timers.get(name) !== timer) return;
        this.timers.delete(name);
        this.run(() => this.process.onTimer(this.env, name));
      },
      Math.min(MAX_TIMER_MS, Math.ceil(delayMs)),
    );
    this.timers.set(name, timer);
  }
}
