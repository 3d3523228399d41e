// The state of every directed link of a simulated network: which links are cut (partitions
// and one-way blocks in force) and each link's parameters (drop, dup, reorder and corrupt
// rates, latency range) as the fault plan's rate rules set them now. The simulator draws
// from these; nothing here is random.

import type { NodeId } from '../core/process.js';
import type { FaultEvent, RateRule } from './fault-plan.js';

/** One directed link's parameters: rates in parts per million, latency in microseconds. */
export interface LinkParams {
  dropPpm: number;
  dupPpm: number;
  reorderPpm: number;
  corruptPpm: number;
  delayMinUs: number;
  delayMaxUs: number;
}

type Cut = Extract<FaultEvent, { kind: 'partition' | 'block' }>;

export class Links {
  /** Link from → to is index (from − 1)·n + to − 1 in both arrays. */
  readonly params: LinkParams[];
  /** 1 where the link is cut now. */
  readonly blocked: Uint8Array;
  private readonly rules: RateRule[] = [];
  private readonly cuts: Cut[] = [];

  constructor(
    private readonly n: number,
    private readonly defaultDelayMs: readonly [number, number],
  ) {
    this.blocked = new Uint8Array(n * n);
    this.params = Array.from({ length: n * n }, () => this.baseLink());
  }

  index(from: NodeId, to: NodeId): number {
    return (from - 1) * this.n + to - 1;
  }

  /** A rate rule joins the plan (it takes effect at the next `recompute`). */
  addRule(rule: RateRule): void {
    this.rules.push(rule);
  }

  /** A partition or block begins or ends. */
  setCut(f: Cut, phase: 'begin' | 'end'): void {
    const i = this.cuts.indexOf(f);
    if (phase === 'begin' && i === -1) this.cuts.push(f);
    if (phase === 'end' && i !== -1) this.cuts.splice(i, 1);
    this.recomputeBlocked();
  }

  /** Every partition and block ends. */
  heal(): void {
    this.cuts.length = 0;
    this.recomputeBlocked();
  }

  private recomputeBlocked(): void {
    this.blocked.fill(0);
    const cut = (a: NodeId, b: NodeId) => {
      this.blocked[this.index(a, b)] = 1;
    };
    for (const f of this.cuts) {
      if (f.kind === 'partition') {
        for (const g of f.groups) {
          for (const h of f.groups) if (g !== h) for (const a of g) for (const b of h) cut(a, b);
        }
      } else {
        for (const a of f.from) for (const b of f.to) if (a !== b) cut(a, b);
      }
    }
  }

  private baseLink(): LinkParams {
    return {
      dropPpm: 0,
      dupPpm: 0,
      reorderPpm: 0,
      corruptPpm: 0,
      delayMinUs: Math.round(this.defaultDelayMs[0] * 1000),
      delayMaxUs: Math.round(this.defaultDelayMs[1] * 1000),
    };
  }

  /** Effective link parameters at `nowMs`: the base, then global rules, then per-link rules. */
  recompute(nowMs: number): void {
    const active = this.rules.filter(
      (r) => r.fromMs <= nowMs && (r.untilMs === undefined || nowMs < r.untilMs),
    );
    const apply = (p: LinkParams, r: RateRule) => {
      if (r.param === 'delay') {
        const [lo, hi] = r.value as readonly [number, number];
        p.delayMinUs = Math.round(lo * 1000);
        p.delayMaxUs = Math.round(hi * 1000);
      } else if (r.param === 'drop') p.dropPpm = r.value as number;
      else if (r.param === 'dup') p.dupPpm = r.value as number;
      else if (r.param === 'corrupt') p.corruptPpm = r.value as number;
      else p.reorderPpm = r.value as number;
    };
    const global = this.baseLink();
    for (const r of active) if (r.link === undefined) apply(global, r);
    for (let i = 0; i < this.params.length; i++) this.params[i] = { ...global };
    for (const r of active) {
      if (r.link === undefined) continue;
      apply(this.params[this.index(r.link.from, r.link.to)] as LinkParams, r);
      if (r.link.both) apply(this.params[this.index(r.link.to, r.link.from)] as LinkParams, r);
    }
  }
}
