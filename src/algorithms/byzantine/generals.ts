// What the Byzantine generals algorithms share (Lamport, Shostak and Pease, "The Byzantine
// Generals Problem", TOPLAS 1982): the two orders, the options naming the commander and the
// traitors, the traitors' strategies, and the interactive consistency checks.
//
// IC1: all loyal lieutenants obey the same order. IC2: if the commander is loyal, every
// loyal lieutenant obeys the order he sends. Both are checked on every run; whether they
// must hold depends on the algorithm's premise (OM(m): n > 3m and at most m traitors;
// SM(m): at most m traitors), and each algorithm's scenarios show a run outside it.
//
// Fault model: the paper's synchronous system (A1–A3): every message a loyal general sends
// arrives, within a known bound, and its receiver knows the sender. Traitors are the only
// faults; the simulator's network faults other than bounded delay, duplication and clock
// drift are outside the model (see each algorithm's `faultModel`).

import type {
  ClusterView,
  FaultModel,
  Invariant,
  Liveness,
  Metrics,
  OptionSpecs,
  OptionsOf,
} from '../../core/algorithm.js';
import type { Env, NodeId } from '../../core/process.js';
import { isMajority } from '../../core/quorum.js';

export type Order = 'attack' | 'retreat';
/** The paper's default when no majority (or no message) exists. */
export const RETREAT: Order = 'retreat';

export function isOrder(v: unknown): v is Order {
  return v === 'attack' || v === 'retreat';
}

export type Strategy = 'lie-half' | 'invert' | 'silent' | 'random';

export const generalsOptionSpecs = {
  m: { kind: 'int', default: 1, min: 0, max: 5, description: 'traitors to tolerate (rounds)' },
  commander: { kind: 'int', default: 1, min: 1, max: 64, description: 'the commanding general' },
  order: {
    kind: 'choice',
    default: 'attack',
    choices: ['attack', 'retreat'],
    description: "the commander's order (a traitor commander distorts it)",
  },
  traitors: { kind: 'ints', default: [], description: 'the traitors (the commander may be one)' },
  strategy: {
    kind: 'choice',
    default: 'lie-half',
    choices: ['lie-half', 'invert', 'silent', 'random'],
    description: "traitors' behaviour: lie to half (even ids), invert, stay silent, or random",
  },
  roundMs: {
    kind: 'int',
    default: 50,
    min: 2,
    max: 60_000,
    description: 'the synchronous bound: every message arrives within this time',
  },
} as const satisfies OptionSpecs;

/** The generals' option values, typed from the spec (no second interface). */
export type GeneralsOptions = OptionsOf<typeof generalsOptionSpecs>;

export function flip(v: Order): Order {
  return v === 'attack' ? 'retreat' : 'attack';
}

/**
 * What a traitor sends to `to` where a loyal general would send `v`; null means nothing.
 * Random lies come from the traitor's own seeded stream.
 */
export function traitorOrder(strategy: Strategy, v: Order, to: NodeId, env: Env): Order | null {
  switch (strategy) {
    case 'invert':
      return flip(v);
    case 'lie-half':
      return to % 2 === 0 ? flip(v) : v;
    case 'silent':
      return null;
    case 'random':
      return env.random.chance(1, 2) ? 'attack' : 'retreat';
  }
}

/** The paper's majority: the value most lieutenants report, RETREAT when there is none. */
export function majority(values: readonly Order[]): Order {
  let attack = 0;
  for (const v of values) if (v === 'attack') attack++;
  return isMajority(attack, values.length) ? 'attack' : RETREAT;
}

export interface GeneralState {
  /** The order this general obeys once decided, else null. */
  decision: Order | null;
}

export interface DecideOutput {
  readonly type: 'decide';
  readonly value: Order;
}

/** The lieutenants (every node but the commander) that are loyal. */
export function loyalLieutenants(nodes: readonly NodeId[], opts: GeneralsOptions): NodeId[] {
  return nodes.filter((id) => id !== opts.commander && !opts.traitors.includes(id));
}

function decisions(view: ClusterView<unknown, DecideOutput>, loyal: readonly NodeId[]) {
  return view.outputs.filter((o) => o.output.type === 'decide' && loyal.includes(o.node));
}

export function interactiveConsistency(
  nodes: readonly NodeId[],
  opts: GeneralsOptions,
): Invariant<unknown, DecideOutput>[] {
  const loyal = loyalLieutenants(nodes, opts);
  const commanderLoyal = !opts.traitors.includes(opts.commander);
  return [
    {
      name: 'IC1-agreement',
      check(view) {
        const ds = decisions(view, loyal);
        const first = ds[0];
        const other = ds.find((d) => d.output.value !== first?.output.value);
        if (first === undefined || other === undefined) return undefined;
        const a = `loyal lieutenant ${first.node} obeys ${first.output.value}`;
        return `${a} but ${other.node} obeys ${other.output.value}`;
      },
    },
    {
      name: 'IC2-validity',
      check(view) {
        if (!commanderLoyal) return undefined;
        const bad = decisions(view, loyal).find((d) => d.output.value !== opts.order);
        if (bad === undefined) return undefined;
        const a = `loyal lieutenant ${bad.node} obeys ${bad.output.value}`;
        return `${a}; the loyal commander ordered ${opts.order}`;
      },
    },
  ];
}

export function everyLoyalDecides(
  nodes: readonly NodeId[],
  opts: GeneralsOptions,
): Liveness<unknown, DecideOutput> {
  const loyal = loyalLieutenants(nodes, opts);
  return {
    name: 'every-loyal-lieutenant-decides',
    check(view) {
      const decided = new Set(decisions(view, loyal).map((d) => d.node));
      const missing = loyal.filter((id) => !decided.has(id));
      return missing.length === 0 ? undefined : `lieutenants ${missing.join(',')} never decided`;
    },
  };
}

export function generalsMetrics(
  view: ClusterView<unknown, DecideOutput>,
  nodes: readonly NodeId[],
  opts: GeneralsOptions,
): Metrics {
  const ds = decisions(view, loyalLieutenants(nodes, opts));
  const values = new Set(ds.map((d) => d.output.value));
  const commanderLoyal = !opts.traitors.includes(opts.commander);
  return {
    decision: values.size === 1 ? ([...values][0] ?? null) : values.size === 0 ? null : 'split',
    agreement: values.size <= 1,
    validity: commanderLoyal ? ds.every((d) => d.output.value === opts.order) : null,
    traitors: opts.traitors.filter((id) => nodes.includes(id)).length,
  };
}

/** The synchronous model: bounded delay, duplicates and small drift only. */
export function synchronousModel(opts: GeneralsOptions): FaultModel {
  return {
    tolerates: ['delay', 'dup', 'drift'],
    maxDelayMs: Math.floor(opts.roundMs / 2),
    assumption:
      'synchronous links (A1–A3): every loyal message arrives within roundMs; only traitors lie',
  };
}
