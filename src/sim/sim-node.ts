// The simulator's bookkeeping of one node and of one scheduled event (simulator.ts is the
// host that uses them). A node's process and Env are its current incarnation's; its disk,
// drift and true causal past (`hb`) outlive crashes.

import type { NodeView } from '../core/algorithm.js';
import { Prng } from '../core/prng.js';
import type { Env, Message, NodeId, Output, Process } from '../core/process.js';
import type { FaultEvent } from './fault-plan.js';
import { type DiskFaultMode, SimStorage } from './sim-storage.js';

export enum Kind {
  Deliver = 0,
  Timer = 1,
  Fault = 2,
  Rates = 3,
}

export class SimEvent {
  constructor(
    readonly atUs: number,
    readonly seq: number,
    readonly kind: Kind,
    readonly node: NodeId,
    readonly from: NodeId,
    /** The message in flight; after a `corrupt` fault, not a well-formed one. */
    readonly msg: Message | undefined,
    readonly name: string,
    readonly gen: number,
    readonly vc: readonly number[] | undefined,
    readonly fault: { readonly event: FaultEvent; readonly phase: 'begin' | 'end' } | undefined,
  ) {}
}

export class SimNode implements NodeView<unknown> {
  up = false;
  paused = false;
  incarnation = -1;
  process: Process<Message, Output, unknown> | undefined;
  env: Env | undefined;
  /** The node's disk: kept across crashes, written a whole step at a time. */
  readonly storage = new SimStorage();
  /** A storage fault waiting for the node's next step that writes (`disk N … @T`). */
  diskFault: DiskFaultMode | undefined;
  /** Stopped by a storage fault (its window's end restarts it). */
  downByDisk = false;
  readonly timers = new Map<string, number>();
  timerGen = 0;
  driftPpm = 0;
  held: SimEvent[] = [];
  hb: number[];
  random: Prng;

  constructor(
    readonly id: NodeId,
    n: number,
    seed: number,
  ) {
    this.hb = new Array<number>(n).fill(0);
    this.random = Prng.derive(seed, `node/${id}/0`);
  }

  get state(): unknown {
    return this.process?.state;
  }

  /** What survives a crash (tests and the golden scripts read it). */
  get durable(): Map<string, unknown> {
    return this.storage.durable;
  }
}
