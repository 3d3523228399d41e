// Borg's placement step (Verma et al., EuroSys 2015 §3.2): feasibility checking finds the
// machines a task fits on, scoring picks one. The score here is best fit — the machine left
// with the smallest dominant free share after the task, packing tasks tightly and keeping
// whole machines free for large tasks — with ties to the lowest id, so runs are repeatable.

export interface Free {
  readonly machine: number;
  cpu: number;
  mem: number;
}

export interface Shape {
  readonly cpu: number;
  readonly mem: number;
}

export const fits = (f: Free, t: Shape): boolean => t.cpu <= f.cpu && t.mem <= f.mem;

/** The feasible machine with the best score, or undefined when the task fits nowhere. */
export function pickMachine(free: readonly Free[], t: Shape, capacity: Shape): Free | undefined {
  let best: Free | undefined;
  let bestLeft = Number.POSITIVE_INFINITY;
  for (const f of free) {
    if (!fits(f, t)) continue;
    const left = Math.max((f.cpu - t.cpu) / capacity.cpu, (f.mem - t.mem) / capacity.mem);
    if (left < bestLeft) {
      best = f;
      bestLeft = left;
    }
  }
  return best;
}
