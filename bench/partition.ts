// `cohort bench partition`: lookups per second of each of Cohort's partitioners beside the
// npm packages that do the same (bench/partition-targets.ts), on the same keys in one run;
// the heap each needs per node and per ring point; and, per target, the keys that move when a
// node is added or the last one removed, and the load balance (max/mean and stddev/mean of
// keys per node).
//
// Lookups: every target maps the same distinct keys ("user:<i>:<suffix>", more keys than
// hashring's 5,000-entry LRU cache holds, so its cache never answers from memory) for at
// least `durationMs`, checking the clock every 256 lookups; ops/s is the median of `repeats`
// runs, each target's runs interleaved with the others' so drift hits all alike. Memory: the
// heap and ArrayBuffer bytes a target's structures keep after a full GC, built over
// `memoryNodes` nodes (default 1,000; each ring with 160 points per node).
// Movement: only the last node is removed, because jump can drop only its last bucket; for a
// ring or rendezvous it makes no difference in expectation which node leaves.
//
// Fault model: none; in-process and deterministic except for the timings.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadStats } from '../src/cluster/partition/index.js';
import {
  type BenchScheme,
  libraryVersion,
  type PartitionTarget,
  partitionTargets,
} from './partition-targets.js';

/**
 * Movement maps the keys three times (before, node added, node removed): a target slower than
 * keys × 3 / MOVEMENT_BUDGET_S lookups/s maps fewer keys (at least MIN_MOVEMENT_KEYS), so the
 * O(N)-per-lookup peers (an MD5 per node) do not take minutes.
 */
const MOVEMENT_BUDGET_S = 4;
const MIN_MOVEMENT_KEYS = 5000;

export interface PartitionBenchOptions {
  /** Nodes in the lookup and movement runs (default 100). */
  readonly nodes?: number;
  /** Distinct keys looked up (default 100,000). */
  readonly keys?: number;
  /** Nodes in the memory measurement (default 1,000). */
  readonly memoryNodes?: number;
  readonly durationMs?: number;
  readonly repeats?: number;
  readonly onProgress?: (text: string) => void;
}

export interface PartitionBenchRow {
  readonly scheme: BenchScheme;
  readonly library: string;
  readonly version: string;
  readonly variant: string;
  readonly lookupsPerSecond: number;
  /** lookups/s over the fastest peer's of the same scheme (Cohort rows), or null. */
  readonly vsFastestPeer: number | null;
  readonly fastestPeer: string | null;
  readonly bytesPerNode: number;
  readonly bytesPerPoint: number | null;
  readonly pointsPerNode: number | null;
  /** Keys mapped for movement and balance (fewer for the slowest targets); null if slot-only. */
  readonly movementKeys: number | null;
  /** Fractions of keys whose node changed; null for slot-only lookups. */
  readonly movedOnAdd: number | null;
  readonly movedOnRemove: number | null;
  readonly maxOverMean: number | null;
  readonly stddevOverMean: number | null;
}

export interface PartitionBenchReport {
  readonly nodes: number;
  readonly keys: number;
  readonly memoryNodes: number;
  readonly durationMs: number;
  readonly repeats: number;
  readonly node: string;
  readonly rows: readonly PartitionBenchRow[];
}

export const nodeNames = (n: number) =>
  Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}:11211`);

/** Distinct keys, reproducible: "user:<i>:<base-36 suffix>". */
export function benchKeys(count: number): string[] {
  let x = 0x9e3779b9;
  return Array.from({ length: count }, (_, i) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return `user:${i}:${x.toString(36)}`;
  });
}

const TIMING_LOOP = `
  let done = 0;
  let sink;
  const start = performance.now();
  let elapsed = 0;
  for (;;) {
    for (let i = 0; i < 256; i++) sink = lookup(keys[(done + i) % keys.length]);
    done += 256;
    elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
  }
  if (sink === Symbol.for('never')) throw new Error('unreachable');
  return (done / elapsed) * 1000;`;

type TimeLookups = (
  lookup: (key: string) => unknown,
  keys: readonly string[],
  durationMs: number,
) => number;

/**
 * Lookups per second over `keys`, cycling for at least `durationMs`. Each target gets its own
 * copy of the loop (a new Function has its own type feedback): with one shared loop the call
 * `lookup(key)` sees every target and turns megamorphic, which halved the fastest targets'
 * figures and depended on the order they ran in.
 */
const timingLoop = (): TimeLookups =>
  new Function('lookup', 'keys', 'durationMs', TIMING_LOOP) as TimeLookups;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let gcFunction: (() => void) | undefined;
/** A full GC without --expose-gc on the command line. */
function gc(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

const usedBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Bytes a built lookup keeps (its structures reachable from the closure), after full GCs. */
function retainedBytes(target: PartitionTarget, nodes: readonly string[]): number {
  gc();
  const before = usedBytes();
  const lookup = target.build(nodes);
  gc();
  const after = usedBytes();
  lookup('warm');
  return Math.max(0, after - before);
}

interface Movement {
  readonly movedOnAdd: number;
  readonly movedOnRemove: number;
  readonly maxOverMean: number;
  readonly stddevOverMean: number;
}

function movement(target: PartitionTarget, nodes: readonly string[], keys: readonly string[]) {
  const map = (names: readonly string[]) => {
    const lookup = target.build(names);
    return keys.map((k) => String(lookup(k)));
  };
  const base = map(nodes);
  const added = map([...nodes, '10.9.9.9:11211']);
  const removed = map(nodes.slice(0, -1));
  const moved = (other: readonly string[]) =>
    other.reduce((n, node, i) => (node === base[i] ? n : n + 1), 0) / keys.length;
  const index = new Map(nodes.map((n, i) => [n, i]));
  const stats = loadStats(
    nodes,
    Uint32Array.from(base, (n) => index.get(n) as number),
  );
  return {
    movedOnAdd: moved(added),
    movedOnRemove: moved(removed),
    maxOverMean: stats.maxOverMean,
    stddevOverMean: stats.stddevOverMean,
  } satisfies Movement;
}

export function benchPartition(options: PartitionBenchOptions = {}): PartitionBenchReport {
  const n = options.nodes ?? 100;
  const keyCount = options.keys ?? 100_000;
  const memoryNodes = options.memoryNodes ?? 1000;
  const durationMs = options.durationMs ?? 300;
  const repeats = options.repeats ?? 3;
  const say = options.onProgress ?? (() => {});
  const targets = partitionTargets();
  const names = nodeNames(n);
  const keys = benchKeys(keyCount);
  const label = (t: PartitionTarget) => `${t.scheme} ${t.library} (${t.variant})`;

  const lookups = targets.map((t) => t.build(names));
  const loops = targets.map(timingLoop);
  lookups.forEach((lookup, i) => {
    say(`warming ${label(targets[i] as PartitionTarget)}`);
    loops[i]?.(lookup, keys, Math.min(100, durationMs));
  });
  const samples = targets.map((): number[] => []);
  for (let r = 0; r < repeats; r++)
    lookups.forEach((lookup, i) => {
      say(`lookups ${r + 1}/${repeats}: ${label(targets[i] as PartitionTarget)}`);
      samples[i]?.push((loops[i] as TimeLookups)(lookup, keys, durationMs));
    });
  const speed = samples.map(median);

  const memoryNames = nodeNames(memoryNodes);
  const memory = targets.map((t) => {
    say(`memory, ${memoryNodes} nodes: ${label(t)}`);
    return retainedBytes(t, memoryNames);
  });
  const movementKeys = speed.map((ops) =>
    Math.min(keyCount, Math.max(MIN_MOVEMENT_KEYS, Math.floor((ops * MOVEMENT_BUDGET_S) / 3))),
  );
  const moves = targets.map((t, i) => {
    const count = movementKeys[i] as number;
    say(`movement and balance, ${n} nodes, ${count} keys: ${label(t)}`);
    return t.slotOnly === true ? undefined : movement(t, names, keys.slice(0, count));
  });

  const rows = targets.map((t, i): PartitionBenchRow => {
    const peers = targets
      .map((p, j) => ({ p, ops: speed[j] as number }))
      .filter(({ p }) => p.scheme === t.scheme && p.library !== 'cohort');
    const fastest = peers.sort((a, b) => b.ops - a.ops)[0];
    const ops = speed[i] as number;
    const bytes = memory[i] as number;
    const move = moves[i];
    return {
      scheme: t.scheme,
      library: t.library,
      version: libraryVersion(t.library),
      variant: t.variant,
      lookupsPerSecond: Math.round(ops),
      vsFastestPeer:
        t.library === 'cohort' && fastest !== undefined ? round(ops / fastest.ops, 2) : null,
      fastestPeer: t.library === 'cohort' && fastest !== undefined ? fastest.p.library : null,
      bytesPerNode: Math.round(bytes / memoryNodes),
      bytesPerPoint:
        t.pointsPerNode === undefined ? null : round(bytes / (memoryNodes * t.pointsPerNode), 1),
      pointsPerNode: t.pointsPerNode ?? null,
      movementKeys: move === undefined ? null : (movementKeys[i] as number),
      movedOnAdd: move === undefined ? null : round(move.movedOnAdd, 4),
      movedOnRemove: move === undefined ? null : round(move.movedOnRemove, 4),
      maxOverMean: move === undefined ? null : round(move.maxOverMean, 3),
      stddevOverMean: move === undefined ? null : round(move.stddevOverMean, 3),
    };
  });
  return {
    nodes: n,
    keys: keyCount,
    memoryNodes,
    durationMs,
    repeats,
    node: process.version,
    rows,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
