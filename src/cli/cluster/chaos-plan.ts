// Fault plans (the simulator's syntax, sim/fault-plan.ts) applied to a running local
// cluster. Times count from the moment the plan is applied. What each fault becomes:
//   partition / isolate / block  → the link proxies between the groups refuse and cut
//   heal                         → every partition and block ends
//   drop p, delay a..b (global or `link i->j`, optionally windowed) → per-frame in the proxies
//   crash N → SIGKILL            restart N → a new process on the same ports and data
//   pause N @a..b → SIGSTOP, then SIGCONT
// Not available between real processes (rejected with a reason): dup, reorder (TCP neither
// duplicates nor reorders), corrupt (the proxies forward frames whole) and drift (the OS
// clock is the OS's).

import type { LinkFaults } from '../../runtime/chaos/link-proxy.js';
import type { LocalCluster } from '../../runtime/launcher/local-cluster.js';
import type { FaultEvent, FaultPlan, RateRule } from '../../sim/fault-plan.js';
import { UsageError } from '../usage-error.js';

type Cut = Extract<FaultEvent, { kind: 'partition' | 'block' }>;

export function checkRealFaults(plan: FaultPlan): void {
  for (const f of plan.faults) {
    if (f.kind === 'drift') throw new UsageError('drift is not available between real processes');
    if (
      f.kind === 'rate' &&
      (f.param === 'dup' || f.param === 'reorder' || f.param === 'corrupt')
    ) {
      throw new UsageError(`${f.param} is not available between real processes (TCP links)`);
    }
  }
}

export class ChaosController {
  private readonly cuts = new Set<Cut>();
  private readonly rules = new Set<RateRule>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly cluster: LocalCluster,
    private readonly report: (line: string) => void,
  ) {}

  apply(plan: FaultPlan): void {
    checkRealFaults(plan);
    for (const f of plan.faults) {
      const at = f.kind === 'rate' ? f.fromMs : 'atMs' in f ? f.atMs : 0;
      const until = 'untilMs' in f ? f.untilMs : undefined;
      this.later(at, () => this.begin(f));
      if (until !== undefined) this.later(until, () => this.end(f));
    }
  }

  heal(): void {
    this.cuts.clear();
    this.recompute();
  }

  /** Everything back to a clean network; pending timed faults are cancelled. */
  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.cuts.clear();
    this.rules.clear();
    this.recompute();
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private begin(f: FaultEvent): void {
    switch (f.kind) {
      case 'partition':
      case 'block':
        this.cuts.add(f);
        return this.recompute();
      case 'heal':
        return this.heal();
      case 'rate':
        this.rules.add(f);
        return this.recompute();
      case 'crash':
        void this.cluster.kill(f.node);
        return;
      case 'restart':
        this.cluster
          .restart(f.node)
          .catch((e: Error) => this.report(`restart failed: ${e.message}`));
        return;
      case 'pause':
        return this.cluster.signal(f.node, 'SIGSTOP');
      case 'resume':
        return this.cluster.signal(f.node, 'SIGCONT');
      case 'drift':
        return;
    }
  }

  private end(f: FaultEvent): void {
    if (f.kind === 'partition' || f.kind === 'block') this.cuts.delete(f);
    if (f.kind === 'rate') this.rules.delete(f);
    if (f.kind === 'pause') return this.cluster.signal(f.node, 'SIGCONT');
    this.recompute();
  }

  /** Each directed link's faults: base, then global rules, then per-link rules, then cuts. */
  private recompute(): void {
    for (const from of this.cluster.ids) {
      for (const to of this.cluster.ids) {
        if (from !== to) this.cluster.setLink(from, to, this.faultsOf(from, to));
      }
    }
  }

  private faultsOf(from: number, to: number): LinkFaults {
    let dropPpm = 0;
    let delayMs: readonly [number, number] = [0, 0];
    const apply = (r: RateRule) => {
      if (r.param === 'drop') dropPpm = r.value as number;
      if (r.param === 'delay') delayMs = r.value as readonly [number, number];
    };
    for (const r of this.rules) if (r.link === undefined) apply(r);
    for (const r of this.rules) {
      const l = r.link;
      if (
        l !== undefined &&
        ((l.from === from && l.to === to) || (l.both && l.from === to && l.to === from))
      )
        apply(r);
    }
    return { blocked: [...this.cuts].some((c) => cuts(c, from, to)), dropPpm, delayMs };
  }
}

function cuts(c: Cut, from: number, to: number): boolean {
  if (c.kind === 'block') return c.from.includes(from) && c.to.includes(to);
  const side = (n: number) => c.groups.findIndex((g) => g.includes(n));
  return side(from) !== -1 && side(to) !== -1 && side(from) !== side(to);
}
