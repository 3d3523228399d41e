// Ketama: the consistent-hash ring memcached clients share (libketama, last.fm 2007), point
// for point, so a key maps to the same server as in those clients. Each server gets 40 × N ×
// weight / Σweight MD5 digests (floored) of "<server>-<k>" for k = 0, 1, …, and each digest
// gives four 32-bit points, its bytes 4j..4j+3 read little-endian. A key's hash is the first
// four bytes of its MD5, little-endian; it belongs to the first point ≥ it, wrapping to the
// first point. Points that collide are ordered by the servers' list positions (libmemcached's
// continuum_item_cmp; libketama's qsort leaves them unordered).
//
// Two clients compute the digest count differently, and the difference shows on real inputs
// (5 servers of weights 6,4,3,3,9: 48 vs 47 digests for the first), so both are offered:
//   libketama     floorf(pct · 40.0 · N): pct in single precision, the product in double,
//                 rounded to float by floorf's argument (libketama/ketama.c);
//   libmemcached  floor(pct · 160 / 4 · N + 1e-10) all in single precision, and a server on
//                 the default port 11211 is labelled without it ("host-k", not "host:11211-k")
//                 (libmemcached/hosts.cc update_continuum, MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED).
// The npm `hashring` package follows libketama but in double precision, so 7 servers of equal
// weight get 39 digests each there and 40 in libketama (test/partition-ketama.test.ts).
//
// Fault model: the node list and weights are validated (nodes.ts); a server whose share
// floors to no digest gets no point, as in both libraries; at most 160 points per server.

import { digest, type Key } from './hash.js';
import { checkNodes } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export const KETAMA_VARIANTS = ['libketama', 'libmemcached'] as const;
export type KetamaVariant = (typeof KETAMA_VARIANTS)[number];

export interface KetamaOptions {
  readonly weights?: readonly number[] | undefined;
  /** Default 'libketama'. */
  readonly variant?: KetamaVariant;
}

export interface KetamaRing extends Partitioner {
  /** The sorted 32-bit points, and the index in `nodes` of each point's owner. */
  readonly points: Uint32Array;
  readonly owners: Uint32Array;
}

const POINTS_PER_DIGEST = 4;
const MEMCACHED_DEFAULT_PORT_SUFFIX = ':11211';

/** How many MD5 digests (4 points each) a server of weight `weight` gets. */
export function ketamaDigests(
  weight: number,
  totalWeight: number,
  servers: number,
  variant: KetamaVariant,
): number {
  const f = Math.fround;
  const pct = f(f(weight) / f(totalWeight));
  if (variant === 'libketama') return Math.floor(f(pct * 40 * f(servers)));
  return Math.floor(f(f(f(f(pct * 160) / 4) * f(servers)) + f(1e-10)));
}

function label(name: string, k: number, variant: KetamaVariant): string {
  if (variant === 'libmemcached' && name.endsWith(MEMCACHED_DEFAULT_PORT_SUFFIX))
    return `${name.slice(0, -MEMCACHED_DEFAULT_PORT_SUFFIX.length)}-${k}`;
  return `${name}-${k}`;
}

export function ketamaPartitioner(
  names: readonly string[],
  options: KetamaOptions = {},
): KetamaRing {
  const nodes = checkNodes(names, options.weights);
  const variant = options.variant ?? 'libketama';
  const totalWeight = nodes.reduce((sum, n) => sum + n.weight, 0);
  const counts = nodes.map((n) => ketamaDigests(n.weight, totalWeight, nodes.length, variant));
  const { points, owners } = sortedPoints(
    nodes.map((n) => n.name),
    counts,
    variant,
  );
  const order = nodes.map((n) => n.name);
  const nodeFor = (key: Key): string =>
    order[owners[successor32(points, digest('md5', key).readUInt32LE(0))] as number] as string;
  return { scheme: 'ketama', nodes: order, points, owners, nodeFor };
}

/** Every server's points, sorted (a function of its own: see sortedPoints in ring.ts). */
function sortedPoints(names: readonly string[], counts: readonly number[], variant: KetamaVariant) {
  const total = POINTS_PER_DIGEST * counts.reduce((a, b) => a + b, 0);
  const point = new Uint32Array(total);
  const owner = new Uint32Array(total);
  let at = 0;
  names.forEach((name, index) => {
    for (let k = 0; k < (counts[index] as number); k++) {
      const d = digest('md5', label(name, k, variant));
      for (let j = 0; j < POINTS_PER_DIGEST; j++, at++) {
        point[at] = d.readUInt32LE(4 * j);
        owner[at] = index;
      }
    }
  });
  const sorted = Uint32Array.from({ length: total }, (_, i) => i).sort(
    (a, b) =>
      (point[a] as number) - (point[b] as number) || (owner[a] as number) - (owner[b] as number),
  );
  return {
    points: sorted.map((i) => point[i] as number),
    owners: sorted.map((i) => owner[i] as number),
  };
}

/** Index of the first point ≥ h, or 0 past the last point (the ring wraps). */
function successor32(points: Uint32Array, h: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as number) < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}
