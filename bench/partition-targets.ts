// The partitioners `cohort bench partition` times: Cohort's, and the npm packages that do the
// same job, grouped by scheme so each Cohort row has a ratio to the fastest peer of its kind.
// Every target is built from the same node names and looked up with the same string keys;
// a target that needs a 64-bit key (@subspace/jump-consistent-hash) gets the MD5 of the key
// inside the timed call, as Cohort's jump hashes it inside nodeFor.
//
// Peers are loaded with require: most ship no types, and they load only for this benchmark.
// Left out: `jump-consistent-hash` (it passes the key through nanoid's random generator, so
// the same key maps to different buckets from one call to the next).
//
// Fault model: none — in-process, pure functions of their input.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  assignSlots,
  jumpPartitioner,
  ketamaPartitioner,
  keyHashSlot,
  modNPartitioner,
  rendezvousPartitioner,
  ringPartitioner,
  slotPartitioner,
} from '../src/cluster/partition/index.js';

const require = createRequire(import.meta.url);

export const BENCH_SCHEMES = ['modn', 'ring', 'ketama', 'jump', 'rendezvous', 'slots'] as const;
export type BenchScheme = (typeof BENCH_SCHEMES)[number];

/** Points per node on every ring, as ketama lays them out (40 digests × 4). */
export const RING_POINTS = 160;

export interface PartitionTarget {
  readonly scheme: BenchScheme;
  /** 'cohort' or the npm package name. */
  readonly library: string;
  /** What differs between targets of one scheme: the hash, the layout. */
  readonly variant: string;
  /** Points each node puts on a ring (ring-shaped targets only), for memory per point. */
  readonly pointsPerNode?: number;
  /** The lookup answers a slot, not a node: no movement or balance to measure. */
  readonly slotOnly?: boolean;
  /** Builds a lookup over `nodes`; the lookup returns the node's name (or index). */
  build(nodes: readonly string[]): (key: string) => unknown;
}

interface HashRingPeer {
  get(key: string): string;
}
type HashRingClass = new (
  servers: Record<string, { weight: number }>,
  algorithm: string,
  options: Record<string, unknown>,
) => HashRingPeer;
interface KetamaPeer {
  getNode(key: string): string | undefined;
}
interface ConsistentHashPeer {
  add(node: string, count: number, points: number[]): void;
  get(key: string): string;
}

/** consistent-hash's ring positions (0..100002, its default range) from the node's name. */
function namedPoints(node: string): number[] {
  return Array.from(
    { length: RING_POINTS },
    (_, i) => createHash('md5').update(`${node}#${i}`).digest().readUInt32BE(0) % 100_003,
  );
}

const md5First8 = (key: string) => createHash('md5').update(key).digest().subarray(0, 8);

function cohortTargets(): PartitionTarget[] {
  const hashes = ['md5', 'fnv1a'] as const;
  return [
    ...hashes.map(
      (hash): PartitionTarget => ({
        scheme: 'modn',
        library: 'cohort',
        variant: hash,
        build: (nodes) => modNPartitioner(nodes, { hash }).nodeFor,
      }),
    ),
    ...hashes.map(
      (hash): PartitionTarget => ({
        scheme: 'ring',
        library: 'cohort',
        variant: `${hash}, 64-bit points`,
        pointsPerNode: RING_POINTS,
        build: (nodes) => ringPartitioner(nodes, { hash, vnodes: RING_POINTS }).nodeFor,
      }),
    ),
    {
      scheme: 'ketama',
      library: 'cohort',
      variant: 'libketama layout (md5)',
      pointsPerNode: RING_POINTS,
      build: (nodes) => ketamaPartitioner(nodes).nodeFor,
    },
    ...hashes.map(
      (hash): PartitionTarget => ({
        scheme: 'jump',
        library: 'cohort',
        variant: hash,
        build: (nodes) => jumpPartitioner(nodes, { hash }).nodeFor,
      }),
    ),
    ...hashes.map(
      (hash): PartitionTarget => ({
        scheme: 'rendezvous',
        library: 'cohort',
        variant: hash,
        build: (nodes) => rendezvousPartitioner(nodes, { hash }).nodeFor,
      }),
    ),
    {
      scheme: 'slots',
      library: 'cohort',
      variant: 'slot → master (redis-cli layout)',
      build: (nodes) => slotPartitioner(assignSlots(nodes)).nodeFor,
    },
    {
      scheme: 'slots',
      library: 'cohort',
      variant: 'keyHashSlot (slot only)',
      slotOnly: true,
      build: () => keyHashSlot,
    },
  ];
}

function ringPeers(): PartitionTarget[] {
  const HashRing = require('hashring') as HashRingClass;
  const { HashRing: Ketama } = require('ketama') as {
    HashRing: new (nodes: string[], hash?: string) => KetamaPeer;
  };
  const ConsistentHash = require('consistent-hash') as new (o: object) => ConsistentHashPeer;
  return [
    {
      scheme: 'ketama',
      library: 'hashring',
      variant: 'ketama (md5), its LRU cache on',
      pointsPerNode: RING_POINTS,
      build: (nodes) => {
        const ring = new HashRing(
          Object.fromEntries(nodes.map((n) => [n, { weight: 1 }])),
          'md5',
          {},
        );
        return (key) => ring.get(key);
      },
    },
    {
      scheme: 'ring',
      library: 'ketama',
      // Its points: round(weight × 50) per node, sha1 read as a signed 32-bit integer.
      variant: 'sha1, 50 points per node (fixed)',
      pointsPerNode: 50,
      build: (nodes) => {
        const ring = new Ketama([...nodes], 'sha1');
        return (key) => ring.getNode(key);
      },
    },
    {
      scheme: 'ring',
      library: 'consistent-hash',
      // It places points at random unless given them: they are given, derived from the node's
      // name, so a ring rebuilt after a change keeps the old nodes' points (as adding to a live
      // ring would) and the movement figures mean something.
      variant: 'JS string hash, points derived from the name',
      pointsPerNode: RING_POINTS,
      build: (nodes) => {
        const ring = new ConsistentHash({});
        for (const n of nodes) ring.add(n, RING_POINTS, namedPoints(n));
        return (key) => ring.get(key);
      },
    },
  ];
}

function otherPeers(): PartitionTarget[] {
  const subspace = require('@subspace/jump-consistent-hash') as {
    jumpConsistentHash(key: Uint8Array, buckets: number): number;
  };
  const jumphash = require('jumphash') as (key: string, buckets: number, alg: string) => number;
  const gouache = require('jump-gouache') as {
    fnvConsistentHash(key: string, buckets: number): { bucket: number };
  };
  const rendezvousHash = require('rendezvous-hash') as (
    key: string,
    nodes: Record<string, string>,
  ) => string;
  const Skeleton = require('skeleton-rendezvous') as new (
    o: object,
  ) => {
    findSite(key: string): string;
  };
  const clusterKeySlot = require('cluster-key-slot') as (key: string) => number;
  return [
    {
      scheme: 'jump',
      library: '@subspace/jump-consistent-hash',
      variant: 'md5 (first 8 bytes), BigInt',
      build: (nodes) => (key) => nodes[subspace.jumpConsistentHash(md5First8(key), nodes.length)],
    },
    {
      scheme: 'jump',
      library: 'jumphash',
      variant: 'sha1, bn.js',
      build: (nodes) => (key) => nodes[jumphash(key, nodes.length, 'sha1')],
    },
    {
      scheme: 'jump',
      library: 'jump-gouache',
      variant: 'fnv1a 64, bignumber.js',
      build: (nodes) => (key) => nodes[gouache.fnvConsistentHash(key, nodes.length).bucket],
    },
    {
      scheme: 'rendezvous',
      library: 'rendezvous-hash',
      variant: 'md5 of (node, key) per node',
      build: (nodes) => {
        const table = Object.fromEntries(nodes.map((n) => [n, n]));
        return (key) => rendezvousHash(key, table);
      },
    },
    {
      scheme: 'rendezvous',
      library: 'skeleton-rendezvous',
      variant: 'md5, skeleton tree (fanout 2)',
      build: (nodes) => {
        const hasher = new Skeleton({ sites: [...nodes] });
        return (key) => hasher.findSite(key);
      },
    },
    {
      scheme: 'slots',
      library: 'cluster-key-slot',
      variant: "ioredis's slot function (slot only)",
      slotOnly: true,
      build: () => (key) => clusterKeySlot(key),
    },
  ];
}

/** Cohort's targets first, then the peers, in scheme order. */
export function partitionTargets(): PartitionTarget[] {
  const all = [...cohortTargets(), ...ringPeers(), ...otherPeers()];
  return BENCH_SCHEMES.flatMap((s) => all.filter((t) => t.scheme === s));
}

/** The installed version of a peer (or Cohort's own). */
export function libraryVersion(library: string): string {
  const name = library === 'cohort' ? '../package.json' : `${library}/package.json`;
  try {
    return (require(name) as { version: string }).version;
  } catch {
    return '?';
  }
}
