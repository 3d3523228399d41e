// The discrete-event simulator: one host of the process contract, over virtual time.
//
// Fault model. The network delivers each message after a latency drawn uniformly from the
// link's delay range; it may lose it, duplicate it (the copy gets its own latency), hold it
// back (reorder) or corrupt it (replace it with a malformed one, see corrupt.ts); partitions
// (symmetric or one-way) drop messages at send time and at delivery time, so a cut also
// swallows what was in flight. Nodes crash (volatile state and timers lost, durable storage
// kept), restart (a fresh process runs `onStart`), pause (inputs held until resume) and drift
// (a local clock running fast or slow). Every random choice comes from sub-streams of one
// seed, so a run is a pure function of its inputs.
//
// Peer input is untrusted: every delivery goes through the algorithm's parser first, and a
// message it rejects is dropped (trace reason 'malformed', counted in `stats.dropped`).
//
// Durability ordering. A step's effects are buffered: its storage writes are committed (and
// copied through the codec, as a disk would) BEFORE its messages enter the network.

import type {
  ClusterView,
  Invariant,
  LifecycleEvent,
  LifecycleRecord,
  MessageStats,
  OutputRecord,
} from '../core/algorithm.js';
import { assert } from '../core/assert.js';
import { roundTrip } from '../core/codec.js';
import { Prng } from '../core/prng.js';
import type { Env, Message, NodeId, Output, Process } from '../core/process.js';
import { describeType } from '../core/validate.js';
import { corruptMessage, junkFor } from './corrupt.js';
import { EventQueue } from './event-queue.js';
import { type FaultEvent, type FaultPlan, formatFaultPlan } from './fault-plan.js';
import { type LinkParams, Links } from './links.js';
import { Kind, SimEvent, SimNode } from './sim-node.js';
import type { DiskFaultMode } from './sim-storage.js';
import { type DropReason, Trace, type TraceLevel, type TraceRecord } from './trace.js';

const PPM = 1_000_000;

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly create: (id: NodeId) => Process<Message, Output, unknown>;
  /** The algorithm's message parser (AlgorithmSpec.parseMessage); absent = trust all input. */
  readonly parse?: (raw: unknown) => Message | undefined;
  readonly faults?: FaultPlan;
  readonly trace?: TraceLevel;
  /** Record the true happens-before relation (a vector clock per step). */
  readonly causality?: boolean;
  readonly invariants?: readonly Invariant[];
  /** Latency when the plan sets none, in ms. */
  readonly defaultDelayMs?: readonly [number, number];
}

/** Thrown out of a run when an invariant breaks; the run stops at that step. */
export interface Violation {
  readonly check: string;
  readonly violation: string;
  readonly atMs: number;
}

export class Simulator implements ClusterView<unknown, Output> {
  readonly nodes: SimNode[];
  readonly outputs: OutputRecord[] = [];
  readonly lifecycle: LifecycleRecord[] = [];
  readonly stats: MessageStats;
  readonly trace: Trace;
  readonly n: number;
  nowUs = 0;
  events = 0;
  violation: Violation | undefined;

  private readonly queue = new EventQueue<SimEvent>();
  private seq = 0;
  private readonly net: Prng;
  /** Which messages a `corrupt` fault hits, and how: its own stream, so it shifts no other. */
  private readonly corruption: Prng;
  private readonly links: Links;
  private readonly outTo: NodeId[] = [];
  private readonly outMsg: Message[] = [];
  /** Indexes into outTo/outMsg of messages sent `beforeDurable`: a disk fault cannot stop them. */
  private readonly outEarly: number[] = [];
  private current: SimNode | undefined;
  private stepVc: readonly number[] | undefined;
  /** How many outputs there were when the current step began (an interrupted step's go). */
  private stepOutputs = 0;
  /** The node's causal past before the current step, when a storage fault may undo it. */
  private hbBefore: number[] | undefined;
  /** Where storage faults cut a step's record (its own stream: other draws are unchanged). */
  private readonly disk: Prng;
  private readonly checkedTypes = new Set<string>();
  private readonly ids: NodeId[];

  constructor(private readonly options: SimOptions) {
    const n = options.nodes;
    assert(Number.isInteger(n) && n >= 1, 'nodes must be a positive integer');
    this.n = n;
    this.ids = Array.from({ length: n }, (_, i) => i + 1);
    this.nodes = this.ids.map((id) => new SimNode(id, n, options.seed));
    this.net = Prng.derive(options.seed, 'network');
    this.disk = Prng.derive(options.seed, 'disk');
    this.corruption = Prng.derive(options.seed, 'network/corrupt');
    this.trace = new Trace(options.trace ?? 'hash');
    this.stats = {
      sent: 0,
      delivered: 0,
      dropped: 0,
      duplicated: 0,
      byType: {},
      sentBy: new Array<number>(n).fill(0),
      receivedBy: new Array<number>(n).fill(0),
    };
    this.links = new Links(n, options.defaultDelayMs ?? [1, 10]);
    for (const f of options.faults?.faults ?? []) this.schedulePlanned(f);
    this.links.recompute(this.nowMs);
  }

  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Starts every node (at the current time). */
  start(): void {
    for (const node of this.nodes) this.boot(node);
  }

  /** Runs until virtual time `untilMs`, an invariant breaks, or nothing is left to do. */
  runUntil(untilMs: number): void {
    const limit = untilMs * 1000;
    const queue = this.queue;
    while (this.violation === undefined) {
      const next = queue.peek();
      if (next === undefined || next.atUs > limit) break;
      queue.pop();
      this.nowUs = next.atUs;
      this.events++;
      this.dispatch(next);
    }
    if (this.violation === undefined && this.nowUs < limit) this.nowUs = limit;
  }

  /** Delivers every message in flight now, ignoring latency (golden scripts' `deliver`). */
  deliverInFlight(filter?: (from: NodeId, to: NodeId, msg: Message) => boolean): number {
    const taken = this.queue.extract(
      (e) =>
        e.kind === Kind.Deliver &&
        (filter === undefined || filter(e.from, e.node, e.msg as Message)),
    );
    for (const e of taken) {
      if (this.violation !== undefined) break;
      this.events++;
      this.dispatch(e);
    }
    return taken.length;
  }

  /** Drops every message in flight that matches (golden scripts' `deliver drop=Type`). */
  dropInFlight(filter: (from: NodeId, to: NodeId, msg: Message) => boolean): number {
    const taken = this.queue.extract(
      (e) => e.kind === Kind.Deliver && filter(e.from, e.node, e.msg as Message),
    );
    for (const e of taken) this.recordDrop(e.from, e.node, describeType(e.msg), 'loss');
    return taken.length;
  }

  inFlight(): number {
    return this.queue.all().filter((e) => e.kind === Kind.Deliver).length;
  }

  /** Applies one fault now (golden scripts and the Lab's clicks). */
  inject(fault: FaultEvent): void {
    this.applyFault(fault, 'begin');
  }

  /** Runs a client command on a node now. */
  command(id: NodeId, command: unknown): void {
    const node = this.node(id);
    if (!node.up) return;
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'command', node: id, command });
    const process = node.process as Process<Message, Output, unknown>;
    if (process.onCommand === undefined) return;
    this.step(node, undefined);
    process.onCommand(node.env as Env, command);
    this.endStep(node);
  }

  node(id: NodeId): SimNode {
    const node = this.nodes[id - 1];
    assert(node !== undefined, `no node ${id}`);
    return node;
  }

  // ---- Events ---------------------------------------------------------------------------

  private dispatch(e: SimEvent): void {
    switch (e.kind) {
      case Kind.Deliver:
        return this.deliver(e);
      case Kind.Timer:
        return this.fireTimer(e);
      case Kind.Fault:
        return this.applyFault(e.fault!.event, e.fault!.phase);
      case Kind.Rates:
        return this.links.recompute(this.nowMs);
    }
  }

  private push(atUs: number, kind: Kind, node: NodeId, fields: Partial<SimEvent> = {}): SimEvent {
    const e = new SimEvent(
      atUs,
      this.seq++,
      kind,
      node,
      fields.from ?? 0,
      fields.msg,
      fields.name ?? '',
      fields.gen ?? 0,
      fields.vc,
      fields.fault,
    );
    this.queue.push(e);
    return e;
  }

  private deliver(e: SimEvent): void {
    const node = this.nodes[e.node - 1] as SimNode;
    const msg = e.msg as Message;
    if (!node.up) return this.recordDrop(e.from, e.node, describeType(msg), 'down');
    if (this.links.blocked[this.links.index(e.from, e.node)] === 1) {
      return this.recordDrop(e.from, e.node, describeType(msg), 'partition');
    }
    if (node.paused) {
      node.held.push(e);
      return;
    }
    const parse = this.options.parse;
    if (parse !== undefined && parse(msg) === undefined)
      return this.recordDrop(e.from, e.node, describeType(msg), 'malformed');
    this.stats.delivered++;
    this.stats.receivedBy[e.node - 1] = (this.stats.receivedBy[e.node - 1] as number) + 1;
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'deliver', from: e.from, to: e.node, msg });
    this.step(node, e.vc);
    (node.process as Process).onMessage(node.env as Env, e.from, msg);
    this.endStep(node);
  }

  private fireTimer(e: SimEvent): void {
    const node = this.nodes[e.node - 1] as SimNode;
    if (!node.up || node.timers.get(e.name) !== e.gen) return;
    if (node.paused) {
      node.held.push(e);
      return;
    }
    node.timers.delete(e.name);
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'timer', node: e.node, name: e.name });
    this.step(node, undefined);
    (node.process as Process).onTimer(node.env as Env, e.name);
    this.endStep(node);
  }

  // ---- Steps ----------------------------------------------------------------------------

  private step(node: SimNode, received: readonly number[] | undefined): void {
    assert(this.current === undefined, 'steps do not nest');
    this.current = node;
    this.stepOutputs = this.outputs.length;
    if (this.options.causality === true) {
      const hb = node.hb;
      // A step a storage fault may undo: what it learnt is forgotten with it.
      this.hbBefore = node.diskFault === undefined ? undefined : hb.slice();
      if (received !== undefined)
        for (let i = 0; i < hb.length; i++) hb[i] = Math.max(hb[i] as number, received[i] ?? 0);
      hb[node.id - 1] = (hb[node.id - 1] as number) + 1;
      this.stepVc = hb.slice();
    }
  }

  private endStep(node: SimNode): void {
    // Durable BEFORE the step's messages leave (the contract's ordering rule).
    if (node.storage.dirty) {
      if (node.diskFault !== undefined) return this.interruptStep(node, node.diskFault);
      node.storage.endStep();
    }
    this.current = undefined;
    const to = this.outTo;
    const msgs = this.outMsg;
    for (let i = 0; i < to.length; i++) this.transmit(node.id, to[i] as NodeId, msgs[i] as Message);
    this.clearOut();
    this.stepVc = undefined;
    this.checkInvariants();
  }

  /**
   * A storage fault fires (sim-storage.ts): the step's record is cut and recovered as the
   * WAL would, its messages never leave, and the node stops — a failed sync stops a real
   * node too. Its outputs (what checkers take as having happened) stay only if the disk
   * kept the whole step.
   */
  private interruptStep(node: SimNode, mode: DiskFaultMode): void {
    node.diskFault = undefined;
    const torn = node.storage.tearStep(mode, this.disk);
    // Nothing of a lost step survives, so nothing the node does later depends on it.
    if (!torn.restored && this.hbBefore !== undefined) node.hb = this.hbBefore;
    // What a lost step did never happened; a step the disk kept happened, unannounced.
    if (!torn.restored) this.outputs.length = this.stepOutputs;
    // Messages sent `beforeDurable` left while the disk was still writing; no others did.
    const early = this.outEarly.length;
    for (const i of this.outEarly)
      this.transmit(node.id, this.outTo[i] as NodeId, this.outMsg[i] as Message);
    this.clearOut();
    this.current = undefined;
    this.stepVc = undefined;
    if (this.trace.on) {
      const what = torn.restored ? 'whole: restored' : 'cut: the step is lost';
      const left =
        early === 0 ? 'its messages never left' : `only ${early} sent before durable left`;
      const text = `disk ${mode}: step record cut at byte ${torn.cutAt} of ${torn.recordBytes} (${what}); ${left}`;
      this.record({ t: this.nowMs, ev: 'note', node: node.id, text });
    }
    this.crash(node);
    node.downByDisk = true;
    this.checkInvariants();
  }

  private clearOut(): void {
    this.outTo.length = 0;
    this.outMsg.length = 0;
    this.outEarly.length = 0;
  }

  private checkInvariants(): void {
    for (const { name: check, check: holds } of this.options.invariants ?? []) {
      const violation = holds(this);
      if (violation === undefined) continue;
      this.violation = { check, violation, atMs: this.nowMs };
      if (this.trace.on) this.record({ t: this.nowMs, ev: 'violation', check, violation });
      return;
    }
  }

  private transmit(from: NodeId, to: NodeId, msg: Message): void {
    // A sent message is immutable: a later step that mutates what it shares with a message
    // in flight throws here instead of changing what the receiver gets (zab's NewLeader did,
    // and a step the disk then lost leaked into it). The real host encodes at release, after
    // later steps may run, so the same mutation would change the bytes sent.
    deepFreeze(msg);
    const stats = this.stats;
    stats.sent++;
    stats.sentBy[from - 1] = (stats.sentBy[from - 1] as number) + 1;
    stats.byType[msg.type] = (stats.byType[msg.type] ?? 0) + 1;
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'send', from, to, msg });
    const link = this.links.index(from, to);
    if (this.links.blocked[link] === 1) return this.recordDrop(from, to, msg.type, 'partition');
    const p = this.links.params[link] as LinkParams;
    const net = this.net;
    if (p.dropPpm > 0 && net.chance(p.dropPpm, PPM))
      return this.recordDrop(from, to, msg.type, 'loss');
    const at = this.nowUs + this.latency(p);
    this.push(at, Kind.Deliver, to, { from, msg: this.carried(p, msg), vc: this.stepVc });
    if (p.dupPpm > 0 && net.chance(p.dupPpm, PPM)) {
      stats.duplicated++;
      if (this.trace.on) this.record({ t: this.nowMs, ev: 'dup', from, to, type: msg.type });
      const copyAt = this.nowUs + this.latency(p);
      this.push(copyAt, Kind.Deliver, to, { from, msg: this.carried(p, msg), vc: this.stepVc });
    }
  }

  /**
   * The message as it travels: itself, or (at the link's corrupt rate) a malformed one. A
   * corruption the parser still accepts (a field-less message stripped of its fields) is
   * replaced by junk, so a corrupted message is always one the receiver drops.
   */
  private carried(p: LinkParams, msg: Message): Message {
    const random = this.corruption;
    if (p.corruptPpm === 0 || !random.chance(p.corruptPpm, PPM)) return msg;
    const { how, value } = corruptMessage(msg, random);
    const parse = this.options.parse;
    const accepted = how === 'fields-removed' && parse !== undefined && parse(value) !== undefined;
    return (accepted ? junkFor(msg, random) : value) as Message;
  }

  private latency(p: LinkParams): number {
    let us =
      p.delayMinUs === p.delayMaxUs ? p.delayMinUs : this.net.range(p.delayMinUs, p.delayMaxUs);
    // A reordered message is held back long enough for later ones to overtake it.
    if (p.reorderPpm > 0 && this.net.chance(p.reorderPpm, PPM))
      us += this.net.range(0, 4 * p.delayMaxUs + 1000);
    return us;
  }

  private recordDrop(from: NodeId, to: NodeId, type: string, reason: DropReason): void {
    this.stats.dropped++;
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'drop', from, to, type, reason });
  }

  record(r: TraceRecord): void {
    this.trace.add(r);
  }

  // ---- Nodes ----------------------------------------------------------------------------

  private boot(node: SimNode): void {
    node.up = true;
    node.paused = false;
    node.downByDisk = false;
    node.incarnation++;
    node.random = Prng.derive(this.options.seed, `node/${node.id}/${node.incarnation}`);
    node.env = this.makeEnv(node);
    node.process = this.options.create(node.id);
    if (node.incarnation > 0) this.noteLifecycle(node, 'restart');
    if (this.trace.on) {
      this.record({
        t: this.nowMs,
        ev: node.incarnation === 0 ? 'start' : 'restart',
        node: node.id,
      });
    }
    this.step(node, undefined);
    node.process.onStart(node.env);
    this.endStep(node);
  }

  private crash(node: SimNode): void {
    if (!node.up) return;
    node.up = false;
    node.paused = false;
    node.process = undefined;
    node.env = undefined;
    node.timers.clear();
    node.held = [];
    assert(!node.storage.dirty, 'crashes happen between steps');
    this.noteLifecycle(node, 'crash');
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'crash', node: node.id });
  }

  private noteLifecycle(node: SimNode, event: LifecycleEvent): void {
    const outputsBefore = this.outputs.length;
    this.lifecycle.push({ atMs: this.nowMs, node: node.id, event, outputsBefore });
  }

  private resume(node: SimNode): void {
    if (!node.up || !node.paused) return;
    node.paused = false;
    this.noteLifecycle(node, 'resume');
    if (this.trace.on) this.record({ t: this.nowMs, ev: 'resume', node: node.id });
    const held = node.held;
    node.held = [];
    for (const e of held) {
      if (this.violation !== undefined || !node.up || node.paused) break;
      this.dispatch(e);
    }
  }

  private localNowMs(node: SimNode): number {
    return node.driftPpm === 0
      ? this.nowUs / 1000
      : (this.nowUs * (PPM + node.driftPpm)) / PPM / 1000;
  }

  private makeEnv(node: SimNode): Env {
    const sim = this;
    const incarnation = node.incarnation;
    const peers = this.ids.filter((id) => id !== node.id);
    const live = () => {
      assert(sim.current === node && node.incarnation === incarnation, 'env used outside its step');
    };
    const storage = node.storage.guarded(live);
    return {
      id: node.id,
      nodes: this.ids,
      peers,
      now: () => sim.localNowMs(node),
      send(to, message, options) {
        live();
        assert(Number.isInteger(to) && to >= 1 && to <= sim.n, `send to unknown node ${to}`);
        sim.checkCodec(message);
        if (options?.beforeDurable === true && to !== node.id) sim.outEarly.push(sim.outTo.length);
        sim.outTo.push(to);
        sim.outMsg.push(message);
      },
      broadcast(message) {
        for (const to of peers) this.send(to, message);
      },
      setTimer(name, delayMs) {
        live();
        assert(delayMs >= 0, 'timer delay must not be negative');
        const gen = ++node.timerGen;
        node.timers.set(name, gen);
        const localUs = delayMs * 1000;
        const us = node.driftPpm === 0 ? localUs : (localUs * PPM) / (PPM + node.driftPpm);
        sim.push(sim.nowUs + Math.ceil(us), Kind.Timer, node.id, { name, gen });
      },
      cancelTimer(name) {
        node.timers.delete(name);
      },
      random: node.random,
      storage,
      output(event) {
        live();
        const vc = sim.stepVc;
        sim.outputs.push(
          vc === undefined
            ? { atMs: sim.nowMs, node: node.id, output: event }
            : { atMs: sim.nowMs, node: node.id, output: event, vc },
        );
        if (sim.trace.on) sim.record({ t: sim.nowMs, ev: 'output', node: node.id, output: event });
      },
      note(text) {
        if (sim.trace.on) sim.record({ t: sim.nowMs, ev: 'note', node: node.id, text });
      },
    };
  }

  /** Each message type is checked once to be plain data that survives the codec. */
  private checkCodec(message: Message): void {
    if (this.checkedTypes.has(message.type)) return;
    this.checkedTypes.add(message.type);
    const same = JSON.stringify(roundTrip(message)) === JSON.stringify(message);
    assert(same, `message type ${message.type} is not plain data: it does not survive the codec`);
  }

  // ---- Faults ---------------------------------------------------------------------------

  private schedulePlanned(f: FaultEvent): void {
    switch (f.kind) {
      case 'drift':
        this.node(f.node).driftPpm = f.ppm;
        return;
      case 'rate':
        this.links.addRule(f);
        if (f.fromMs > 0) this.push(f.fromMs * 1000, Kind.Rates, 0);
        if (f.untilMs !== undefined) this.push(f.untilMs * 1000, Kind.Rates, 0);
        return;
      default:
        this.push(f.atMs * 1000, Kind.Fault, 0, { fault: { event: f, phase: 'begin' } });
        if ('untilMs' in f && f.untilMs !== undefined) {
          this.push(f.untilMs * 1000, Kind.Fault, 0, { fault: { event: f, phase: 'end' } });
        }
    }
  }

  private applyFault(f: FaultEvent, phase: 'begin' | 'end'): void {
    if (this.trace.on) {
      const text = formatFaultPlan({ faults: [f] });
      this.record({ t: this.nowMs, ev: 'fault', fault: phase === 'begin' ? text : `end ${text}` });
    }
    switch (f.kind) {
      case 'crash':
        return this.crash(this.node(f.node));
      case 'disk': {
        const node = this.node(f.node);
        if (phase === 'begin') node.diskFault = f.mode;
        else {
          node.diskFault = undefined;
          if (node.downByDisk && !node.up) this.boot(node);
        }
        return;
      }
      case 'restart': {
        const node = this.node(f.node);
        if (!node.up) this.boot(node);
        return;
      }
      case 'pause': {
        const node = this.node(f.node);
        if (phase === 'end') return this.resume(node);
        if (node.up && !node.paused) {
          node.paused = true;
          this.noteLifecycle(node, 'pause');
          if (this.trace.on) this.record({ t: this.nowMs, ev: 'pause', node: node.id });
        }
        return;
      }
      case 'resume':
        return this.resume(this.node(f.node));
      case 'partition':
      case 'block':
        return this.links.setCut(f, phase);
      case 'heal':
        return this.links.heal();
      case 'drift':
        this.node(f.node).driftPpm = f.ppm;
        return;
      case 'rate':
        this.links.addRule(f);
        return this.links.recompute(this.nowMs);
    }
  }
}

/** Freezes a message and everything it holds (already frozen parts are skipped). */
function deepFreeze(x: unknown): void {
  if (typeof x !== 'object' || x === null || Object.isFrozen(x)) return;
  Object.freeze(x);
  for (const v of Object.values(x as object)) deepFreeze(v);
}
