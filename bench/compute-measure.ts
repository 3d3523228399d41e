// Wall time, CPU and peak memory of one `cohort bench compute` run, whatever processes it
// starts. CPU: this process's and every descendant's, reaped or live (proc-tree-cpu.ts),
// read before and after. Memory: the resident set of this process plus every live
// descendant, summed, sampled every SAMPLE_MS from /proc while the run goes on — so its peak
// counts the workers alive together — and reported as the highest sample.
//
// Fault model: without /proc (not Linux) CPU and memory are undefined; a process that exits
// while /proc is scanned is skipped. A sample can miss a peak shorter than SAMPLE_MS: the
// runs measured here hold their memory for seconds.

import fs from 'node:fs';
import { processTreeCpuMs } from './proc-tree-cpu.js';

const SAMPLE_MS = 50;
const PAGE_BYTES = 4096;

export interface Measured<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly cpuMs: number | undefined;
  readonly peakRssMegabytes: number | undefined;
}

/** Resident bytes of `root` and its live descendants; undefined without /proc. */
export function treeRssBytes(root: number): number | undefined {
  if (!fs.existsSync('/proc/self/statm')) return undefined;
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Exited meanwhile.
    }
  }
  const inTree = (pid: number) => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; hops++) {
      if (p === root) return true;
      p = parent.get(p);
    }
    return false;
  };
  let bytes = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      bytes += pages * PAGE_BYTES;
    } catch {
      // Exited meanwhile.
    }
  }
  return bytes;
}

/**
 * Runs `work` `repeats` times and keeps the fastest run: on a machine shared with other
 * work, the least disturbed run is the closest to what the code itself costs.
 */
export async function bestOf<T>(repeats: number, work: () => Promise<T>): Promise<Measured<T>> {
  let best = await measure(work);
  for (let i = 1; i < repeats; i++) {
    const m = await measure(work);
    if (m.wallMs < best.wallMs) best = m;
  }
  return best;
}

/** Runs `work`, measuring it as the header says. */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const self = process.pid;
  let peak = treeRssBytes(self);
  const sample = () => {
    const now = treeRssBytes(self);
    if (now !== undefined) peak = Math.max(peak ?? 0, now);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const cpuBefore = processTreeCpuMs([self]);
  const started = performance.now();
  let value: T;
  try {
    value = await work();
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  sample();
  const cpuAfter = processTreeCpuMs([self]);
  return {
    value,
    wallMs: Math.round(wallMs),
    cpuMs:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : Math.round(cpuAfter - cpuBefore),
    peakRssMegabytes: peak === undefined ? undefined : Math.round(peak / (1024 * 1024)),
  };
}
